#include "tools/apiserver-lite/registry/event_views.h"

#include <algorithm>
#include <cctype>

namespace hvo::apiserver {

using nlohmann::json;

namespace {

// (events.k8s.io/v1 name, core/v1 name) of every field the two versions share.
struct FieldPair {
  const char* events_v1;
  const char* core;
};
constexpr FieldPair kFields[] = {
    {"eventTime", "eventTime"},
    {"series", "series"},
    {"reportingController", "reportingComponent"},
    {"reportingInstance", "reportingInstance"},
    {"action", "action"},
    {"reason", "reason"},
    {"regarding", "involvedObject"},
    {"related", "related"},
    {"note", "message"},
    {"type", "type"},
    {"deprecatedSource", "source"},
    {"deprecatedFirstTimestamp", "firstTimestamp"},
    {"deprecatedLastTimestamp", "lastTimestamp"},
    {"deprecatedCount", "count"},
};

// How Go's encoding/json renders one field of the typed struct.
enum class Shape {
  kOmitEmpty,    // string/int/pointer with omitempty: absent when empty or zero
  kAlways,       // string without omitempty: "" when unset
  kStruct,       // struct (omitempty has no effect): {} when unset
  kNullableTime  // metav1.Time/MicroTime: null when unset
};

struct ShapedField {
  const char* name;
  Shape shape;
};

constexpr ShapedField kCoreShape[] = {
    {"involvedObject", Shape::kStruct},
    {"reason", Shape::kOmitEmpty},
    {"message", Shape::kOmitEmpty},
    {"source", Shape::kStruct},
    {"firstTimestamp", Shape::kNullableTime},
    {"lastTimestamp", Shape::kNullableTime},
    {"count", Shape::kOmitEmpty},
    {"type", Shape::kOmitEmpty},
    {"eventTime", Shape::kNullableTime},
    {"series", Shape::kOmitEmpty},
    {"action", Shape::kOmitEmpty},
    {"related", Shape::kOmitEmpty},
    {"reportingComponent", Shape::kAlways},
    {"reportingInstance", Shape::kAlways},
};

constexpr ShapedField kEventsV1Shape[] = {
    {"eventTime", Shape::kNullableTime},
    {"series", Shape::kOmitEmpty},
    {"reportingController", Shape::kOmitEmpty},
    {"reportingInstance", Shape::kOmitEmpty},
    {"action", Shape::kOmitEmpty},
    {"reason", Shape::kOmitEmpty},
    {"regarding", Shape::kStruct},
    {"related", Shape::kOmitEmpty},
    {"note", Shape::kOmitEmpty},
    {"type", Shape::kOmitEmpty},
    {"deprecatedSource", Shape::kStruct},
    {"deprecatedFirstTimestamp", Shape::kNullableTime},
    {"deprecatedLastTimestamp", Shape::kNullableTime},
    {"deprecatedCount", Shape::kOmitEmpty},
};

bool is_empty(const json& value) {
  return value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
         (value.is_number() && value == 0) || (value.is_object() && value.empty());
}

template <std::size_t N>
void apply_shape(json& object, const ShapedField (&fields)[N]) {
  for (const auto& field : fields) {
    auto it = object.find(field.name);
    const bool unset = it == object.end() || is_empty(*it);
    switch (field.shape) {
      case Shape::kOmitEmpty:
        // A pointer to an empty struct (series: {}) is still set; only scalars are dropped.
        if (it != object.end() && (it->is_null() || (!it->is_object() && unset)))
          object.erase(it);
        break;
      case Shape::kAlways:
        if (unset)
          object[field.name] = "";
        break;
      case Shape::kStruct:
        if (it == object.end() || !it->is_object())
          object[field.name] = json::object();
        break;
      case Shape::kNullableTime:
        if (unset)
          object[field.name] = nullptr;
        break;
    }
  }
}

json metadata_of(const json& object) {
  auto it = object.find("metadata");
  return it != object.end() && it->is_object() ? *it : json::object();
}

}  // namespace

json core_event_from_events_v1(const json& event) {
  json core = {{"apiVersion", "v1"}, {"kind", "Event"}, {"metadata", metadata_of(event)}};
  for (const auto& field : kFields) {
    auto it = event.find(field.events_v1);
    if (it != event.end())
      core[field.core] = *it;
  }
  return core_event_view(core);
}

json events_v1_from_core_event(const json& stored) {
  json event = {
      {"apiVersion", "events.k8s.io/v1"}, {"kind", "Event"}, {"metadata", metadata_of(stored)}};
  for (const auto& field : kFields) {
    auto it = stored.find(field.core);
    if (it != stored.end())
      event[field.events_v1] = *it;
  }
  apply_shape(event, kEventsV1Shape);
  return event;
}

json core_event_view(const json& stored) {
  json core = stored;
  apply_shape(core, kCoreShape);
  return core;
}

std::string core_event_source_field(const json& core_event) {
  auto read = [&](const json& node, const char* key) {
    auto it = node.find(key);
    return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto source = core_event.find("source");
  std::string component = source != core_event.end() && source->is_object()
                              ? read(*source, "component")
                              : std::string();
  return component.empty() ? read(core_event, "reportingComponent") : component;
}

namespace {

std::string string_at(const json& node, const char* key) {
  auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json object_at(const json& node, const char* key) {
  auto it = node.find(key);
  return it != node.end() && it->is_object() ? *it : json::object();
}

// The first of `keys` holding a non-empty string (a timestamp), or null.
json first_time(const json& node, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const std::string value = string_at(node, key);
    if (!value.empty())
      return value;
  }
  return nullptr;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

PrinterColumn computed(const char* name, const char* type, int priority,
                       std::function<json(const json&)> value) {
  PrinterColumn column;
  column.name = name;
  column.type = type;
  column.priority = priority;
  column.value = std::move(value);
  return column;
}

}  // namespace

std::vector<PrinterColumn> event_printer_columns(std::function<json(const json&)> to_core) {
  auto core = [to_core](const json& served) { return to_core ? to_core(served) : served; };
  auto first_seen = [](const json& event) {
    return first_time(event, {"firstTimestamp", "eventTime"});
  };
  auto last_seen = [first_seen](const json& event) {
    const std::string series = string_at(object_at(event, "series"), "lastObservedTime");
    if (!series.empty())
      return json(series);
    const json last = first_time(event, {"lastTimestamp"});
    return last.is_null() ? first_seen(event) : last;
  };
  return {
      computed("Last Seen", "date", 0, [=](const json& o) { return last_seen(core(o)); }),
      computed("Type", "string", 0,
               [=](const json& o) { return json(string_at(core(o), "type")); }),
      computed("Reason", "string", 0,
               [=](const json& o) { return json(string_at(core(o), "reason")); }),
      computed("Object", "string", 0,
               [=](const json& o) {
                 const json involved = object_at(core(o), "involvedObject");
                 const std::string kind = lower(string_at(involved, "kind"));
                 const std::string name = string_at(involved, "name");
                 return json(name.empty() ? kind : kind + "/" + name);
               }),
      computed("Subobject", "string", 1,
               [=](const json& o) {
                 return json(string_at(object_at(core(o), "involvedObject"), "fieldPath"));
               }),
      computed("Source", "string", 1,
               [=](const json& o) {
                 const json event = core(o);
                 const json source = object_at(event, "source");
                 std::string component = string_at(source, "component");
                 if (component.empty())
                   component = string_at(event, "reportingComponent");
                 std::string host = string_at(source, "host");
                 if (host.empty())
                   host = string_at(event, "reportingInstance");
                 return json(host.empty() ? component : component + ", " + host);
               }),
      computed("Message", "string", 0,
               [=](const json& o) { return json(string_at(core(o), "message")); }),
      computed("First Seen", "date", 1, [=](const json& o) { return first_seen(core(o)); }),
      computed("Count", "string", 1,
               [=](const json& o) {
                 const json event = core(o);
                 const json series = object_at(event, "series");
                 if (series.contains("count") && series["count"].is_number_integer())
                   return json(std::to_string(series["count"].get<int64_t>()));
                 auto count = event.find("count");
                 if (count != event.end() && count->is_number_integer() && *count != 0)
                   return json(std::to_string(count->get<int64_t>()));
                 return json("1");  // a singleton event has no count in the new API
               }),
  };
}

}  // namespace hvo::apiserver
