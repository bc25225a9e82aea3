#include "api/k8s/selector.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "api/k8s/names.h"

namespace hvo::k8s {
namespace {

const char* operator_text(SelectorOperator op) {
  switch (op) {
    case SelectorOperator::kEquals:
      return "=";
    case SelectorOperator::kDoubleEquals:
      return "==";
    case SelectorOperator::kNotEquals:
      return "!=";
    case SelectorOperator::kIn:
      return " in ";
    case SelectorOperator::kNotIn:
      return " notin ";
    case SelectorOperator::kGreaterThan:
      return ">";
    case SelectorOperator::kLessThan:
      return "<";
    case SelectorOperator::kExists:
    case SelectorOperator::kDoesNotExist:
      return "";
  }
  return "";
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, value);
  if (text.empty() || result.ec != std::errc() || result.ptr != end)
    return std::nullopt;
  return value;
}

Error requirement_error(const std::string& key, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument,
               "label selector requirement on \"" + key + "\": " + why);
}

}  // namespace

Result<Requirement> Requirement::make(std::string key, SelectorOperator op,
                                      std::vector<std::string> values) {
  const auto key_problems = check_qualified_name(key);
  if (!key_problems.empty())
    return requirement_error(key, "invalid key: " + key_problems.front());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());

  switch (op) {
    case SelectorOperator::kIn:
    case SelectorOperator::kNotIn:
      if (values.empty())
        return requirement_error(key, "in and notin need at least one value");
      break;
    case SelectorOperator::kEquals:
    case SelectorOperator::kDoubleEquals:
    case SelectorOperator::kNotEquals:
      if (values.size() != 1)
        return requirement_error(key, "=, == and != need exactly one value");
      break;
    case SelectorOperator::kExists:
    case SelectorOperator::kDoesNotExist:
      if (!values.empty())
        return requirement_error(key, "exists and !exists take no values");
      break;
    case SelectorOperator::kGreaterThan:
    case SelectorOperator::kLessThan:
      if (values.size() != 1 || !parse_int(values.front())) {
        return requirement_error(key, "> and < need exactly one integer value");
      }
      break;
  }
  for (const std::string& value : values) {
    const auto problems = check_label_value(value);
    if (!problems.empty()) {
      return requirement_error(key, "invalid value \"" + value + "\": " + problems.front());
    }
  }
  return Requirement(std::move(key), op, std::move(values));
}

bool Requirement::matches(const StringMap& labels) const {
  const auto label = labels.find(key_);
  const bool has = label != labels.end();
  const auto listed = [&] {
    return has && std::binary_search(values_.begin(), values_.end(), label->second);
  };
  switch (op_) {
    case SelectorOperator::kEquals:
    case SelectorOperator::kDoubleEquals:
    case SelectorOperator::kIn:
      return listed();
    case SelectorOperator::kNotEquals:
    case SelectorOperator::kNotIn:
      return !listed();
    case SelectorOperator::kExists:
      return has;
    case SelectorOperator::kDoesNotExist:
      return !has;
    case SelectorOperator::kGreaterThan:
    case SelectorOperator::kLessThan: {
      if (!has)
        return false;
      const auto actual = parse_int(label->second);
      const auto bound = parse_int(values_.front());
      if (!actual || !bound)
        return false;
      return op_ == SelectorOperator::kGreaterThan ? *actual > *bound : *actual < *bound;
    }
  }
  return false;
}

std::string Requirement::to_string() const {
  std::string out = op_ == SelectorOperator::kDoesNotExist ? "!" : "";
  out += key_;
  if (op_ == SelectorOperator::kExists || op_ == SelectorOperator::kDoesNotExist)
    return out;
  out += operator_text(op_);
  const bool is_set = op_ == SelectorOperator::kIn || op_ == SelectorOperator::kNotIn;
  if (is_set)
    out += "(";
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (i > 0)
      out += ",";
    out += values_[i];
  }
  if (is_set)
    out += ")";
  return out;
}

Selector Selector::nothing() {
  Selector selector;
  selector.nothing_ = true;
  return selector;
}

void Selector::add(Requirement requirement) {
  const auto position = std::upper_bound(
      requirements_.begin(), requirements_.end(), requirement.key(),
      [](const std::string& key, const Requirement& existing) { return key < existing.key(); });
  requirements_.insert(position, std::move(requirement));
}

bool Selector::matches(const StringMap& labels) const {
  if (nothing_)
    return false;
  return std::all_of(requirements_.begin(), requirements_.end(),
                     [&](const Requirement& r) { return r.matches(labels); });
}

std::string Selector::to_string() const {
  std::string out;
  for (const Requirement& requirement : requirements_) {
    if (!out.empty())
      out += ",";
    out += requirement.to_string();
  }
  return out;
}

}  // namespace hvo::k8s
