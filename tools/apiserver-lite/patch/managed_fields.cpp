#include "tools/apiserver-lite/patch/managed_fields.h"

#include "tools/apiserver-lite/patch/field_set.h"

namespace hvo::apiserver {

using nlohmann::json;

namespace {

constexpr std::size_t kFieldManagerMaxLength = 128;

// The length of the UTF-8 sequence starting with `lead` (1 for a stray continuation byte).
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0)
    return 4;
  if (lead >= 0xE0)
    return 3;
  if (lead >= 0xC0)
    return 2;
  return 1;
}

bool is_mine(const json& entry, const UpdateManager& manager) {
  return entry.value("manager", "") == manager.manager &&
         entry.value("operation", "") == "Update" &&
         entry.value("apiVersion", "") == manager.api_version &&
         entry.value("subresource", "") == manager.subresource;
}

// Removes from `fields` every path at or below one of `gone`.
FieldSet without(const FieldSet& fields, const FieldSet& gone) {
  FieldSet kept;
  for (const auto& path : fields) {
    bool drop = false;
    for (const auto& other : gone) {
      if (at_or_below(path, other)) {
        drop = true;
        break;
      }
    }
    if (!drop)
      kept.insert(path);
  }
  return kept;
}

}  // namespace

bool managed_fields_well_formed(const json& entries) {
  if (!entries.is_array())
    return false;
  for (const auto& entry : entries) {
    if (!entry.is_object())
      return false;
    for (const auto& [key, value] : entry.items()) {
      if (key == "fieldsV1" ? !value.is_object() : !value.is_string())
        return false;
    }
  }
  return true;
}

std::string manager_from_user_agent(const std::string& user_agent) {
  const std::string program = user_agent.substr(0, user_agent.find('/'));
  std::string out;
  for (std::size_t i = 0; i < program.size();) {
    const auto lead = static_cast<unsigned char>(program[i]);
    const std::size_t length = std::min(utf8_length(lead), program.size() - i);
    // ASCII control characters are unprintable (unicode.IsPrint); other runes are kept.
    const bool printable = length > 1 || (lead >= 0x20 && lead < 0x7F);
    if (printable) {
      if (out.size() + length > kFieldManagerMaxLength)
        break;
      out.append(program, i, length);
    }
    i += length;
  }
  return out;
}

void record_update(const json& live, json& updated, const UpdateManager& manager) {
  const FieldSet before = object_fields(live);
  const FieldSet after = object_fields(updated);
  FieldSet changed;  // added or modified
  FieldSet removed;
  for (const auto& path : after) {
    if (before.count(path) == 0 || value_at(live, path) != value_at(updated, path))
      changed.insert(path);
  }
  for (const auto& path : before) {
    if (after.count(path) == 0)
      removed.insert(path);
  }
  FieldSet gone = changed;
  gone.insert(removed.begin(), removed.end());

  // The entries a client sends count (so they can be edited); none, or an empty list, means the
  // live ones, so clients unaware of managedFields never drop them; [{}] clears them all.
  json previous = updated["metadata"].value("managedFields", json::array());
  if (previous == json::array({json::object()})) {
    updated["metadata"].erase("managedFields");
    return;
  }
  if (!managed_fields_well_formed(previous) || previous.empty()) {
    previous = live.is_object() && live.contains("metadata")
                   ? live["metadata"].value("managedFields", json::array())
                   : json::array();
    if (!managed_fields_well_formed(previous))
      previous = json::array();
  }
  json entries = json::array();
  FieldSet mine;
  json my_entry;
  for (const auto& entry : previous) {
    if (!entry.is_object())
      continue;
    if (is_mine(entry, manager)) {
      mine = entry_fields(entry);
      my_entry = entry;
      continue;
    }
    // An update takes every field it changes from the other managers (it is always forced).
    const FieldSet fields = entry_fields(entry);
    const FieldSet kept = without(fields, gone);
    if (kept.empty())
      continue;
    json copy = entry;
    if (kept != fields)
      copy["fieldsV1"] = to_fields_v1(kept);
    entries.push_back(std::move(copy));
  }
  FieldSet owned = without(mine, removed);
  owned.insert(changed.begin(), changed.end());
  if (!owned.empty()) {
    // As upstream, the time moves when this write set or changed a field.
    if (my_entry.is_null() || !changed.empty()) {
      my_entry = {{"manager", manager.manager},        {"operation", "Update"},
                  {"apiVersion", manager.api_version}, {"time", manager.now},
                  {"fieldsType", "FieldsV1"},          {"fieldsV1", to_fields_v1(owned)}};
      if (!manager.subresource.empty())
        my_entry["subresource"] = manager.subresource;
    }
    my_entry["fieldsV1"] = to_fields_v1(owned);
    entries.push_back(std::move(my_entry));
  }
  sort_managed_fields(entries);
  if (entries.empty())
    updated["metadata"].erase("managedFields");
  else
    updated["metadata"]["managedFields"] = std::move(entries);
}

}  // namespace hvo::apiserver
