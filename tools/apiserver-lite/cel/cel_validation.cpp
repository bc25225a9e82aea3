#include "tools/apiserver-lite/cel/cel_validation.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "api/schema/field_errors.h"
#include "tools/apiserver-lite/cel/cel_program.h"

namespace hvo::apiserver::cel {
namespace {

using nlohmann::json;

// Compiled programs by source text: rules are compiled once per process, not per request.
std::shared_ptr<const Result<Program>> compiled(const std::string& source) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Result<Program>>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& entry = cache[source];
  if (!entry)
    entry = std::make_shared<const Result<Program>>(Program::compile(source));
  return entry;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// ".dynamic.minimum" or ".labels['a.b']" under `path`.
std::string extend_path(std::string path, const std::string& field_path) {
  std::size_t at = 0;
  while (at < field_path.size()) {
    if (field_path[at] == '.') {
      const std::size_t end = field_path.find_first_of(".[", at + 1);
      path = schema::child_path(path, field_path.substr(at + 1, end - at - 1));
      at = end == std::string::npos ? field_path.size() : end;
    } else if (field_path.compare(at, 2, "['") == 0) {
      const std::size_t end = field_path.find("']", at + 2);
      if (end == std::string::npos)
        break;
      path += "[" + field_path.substr(at + 2, end - at - 2) + "]";
      at = end + 2;
    } else {
      break;
    }
  }
  return path;
}

class Validator {
 public:
  explicit Validator(std::int64_t budget) : budget_(budget) {}

  void node(const json& schema, const json& value, const json* old, const std::string& path,
            bool root) {
    if (!schema.is_object() || value.is_null() || budget_ < 0)
      return;
    if (old && old->is_null())
      old = nullptr;
    if (auto rules = schema.find("x-kubernetes-validations");
        rules != schema.end() && rules->is_array()) {
      if (root) {
        const json self = root_view(value);
        const json old_self = old ? root_view(*old) : json();
        evaluate(schema, *rules, self, old ? &old_self : nullptr, path);
      } else {
        evaluate(schema, *rules, value, old, path);
      }
    }
    children(schema, value, old, path);
  }

  std::vector<schema::FieldError> errors;

 private:
  // At the root a rule sees apiVersion, kind and metadata.name / generateName only.
  static json root_view(const json& object) {
    json view = object;
    if (view.is_object() && view.contains("metadata")) {
      json metadata = json::object();
      for (const char* field : {"name", "generateName"}) {
        if (object["metadata"].contains(field))
          metadata[field] = object["metadata"][field];
      }
      view["metadata"] = metadata;
    }
    return view;
  }

  void evaluate(const json& schema, const json& rules, const json& self, const json* old,
                const std::string& path) {
    const json type = schema.value("type", std::string());
    const bool unchanged = old && *old == self;
    for (const json& rule : rules) {
      if (!rule.is_object() || budget_ < 0)
        continue;
      const std::string source = rule.value("rule", std::string());
      const auto program = compiled(source);
      if (!program->ok())
        continue;  // reported by rules_not_supported()
      if ((*program)->uses_old_self() && !old)
        continue;  // transition rules need a stored value
      const std::string message = trimmed(rule.value("message", std::string()));
      const std::string described = message.empty() ? trimmed(source) : message;
      Activation activation{&self, old};
      auto result = (*program)->evaluate(activation, budget_);
      if (!result.ok()) {
        if (budget_ < 0) {
          errors.push_back(schema::invalid(
              path, type,
              "'" + result.error().message() +
                  "': no further validation rules will be run due to call cost exceeds limit "
                  "for rule: " +
                  described));
          return;
        }
        errors.push_back(schema::invalid(
            path, type, result.error().message() + " evaluating rule: " + described));
        continue;
      }
      if (result->is_true())
        continue;
      if (unchanged && !(*program)->uses_old_self())
        continue;  // ratcheting: a stored value is not refused again
      const std::string where = extend_path(path, rule.value("fieldPath", std::string()));
      std::string detail = message.empty() ? "failed rule: " + trimmed(source) : message;
      if (auto text = message_expression(rule, activation))
        detail = *text;
      errors.push_back(error_for_reason(where, type, detail, rule.value("reason", std::string())));
    }
  }

  std::optional<std::string> message_expression(const json& rule, const Activation& activation) {
    const std::string source = rule.value("messageExpression", std::string());
    if (source.empty())
      return std::nullopt;
    const auto program = compiled(source);
    if (!program->ok())
      return std::nullopt;
    auto result = (*program)->evaluate(activation, budget_);
    if (!result.ok() || result->type != Value::Type::kString)
      return std::nullopt;
    std::string text = trimmed(result->json.get<std::string>());
    if (text.empty() || text.find('\n') != std::string::npos)
      return std::nullopt;
    return text;
  }

  static schema::FieldError error_for_reason(const std::string& path, const json& type,
                                             const std::string& detail, const std::string& reason) {
    if (reason == "FieldValueForbidden")
      return schema::forbidden(path, detail);
    if (reason == "FieldValueRequired")
      return {"FieldValueRequired", path, "Required value: " + detail};
    if (reason == "FieldValueDuplicate")
      return schema::duplicate(path, type);
    return schema::invalid(path, type, detail);
  }

  void children(const json& schema, const json& value, const json* old, const std::string& path) {
    const auto old_child = [&](const std::string& key) -> const json* {
      if (!old || !old->is_object())
        return nullptr;
      const auto found = old->find(key);
      return found == old->end() ? nullptr : &*found;
    };
    if (value.is_object()) {
      if (auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
        for (auto it = props->begin(); it != props->end(); ++it) {
          if (auto field = value.find(it.key()); field != value.end())
            node(*it, *field, old_child(it.key()), schema::child_path(path, it.key()), false);
        }
      }
      if (auto extra = schema.find("additionalProperties");
          extra != schema.end() && extra->is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it)
          node(*extra, *it, old_child(it.key()), path + "[" + it.key() + "]", false);
      }
      return;
    }
    if (!value.is_array())
      return;
    const auto items = schema.find("items");
    if (items == schema.end() || !items->is_object())
      return;
    const bool map_list = schema.value("x-kubernetes-list-type", std::string()) == "map";
    const json keys = schema.value("x-kubernetes-list-map-keys", json::array());
    for (std::size_t i = 0; i < value.size(); ++i) {
      const json* old_item = nullptr;
      if (map_list && old && old->is_array()) {
        for (const json& candidate : *old) {
          bool same = candidate.is_object() && value[i].is_object();
          for (const json& key : keys) {
            if (!same || !key.is_string())
              break;
            same = candidate.value(key.get<std::string>(), json()) ==
                   value[i].value(key.get<std::string>(), json());
          }
          if (same) {
            old_item = &candidate;
            break;
          }
        }
      }
      node(*items, value[i], old_item, schema::index_path(path, i), false);
    }
  }

  std::int64_t budget_;
};

void collect_unsupported(const json& schema, const std::string& path,
                         std::vector<std::string>& out) {
  if (!schema.is_object())
    return;
  if (auto rules = schema.find("x-kubernetes-validations");
      rules != schema.end() && rules->is_array()) {
    for (const json& rule : *rules) {
      for (const char* key : {"rule", "messageExpression"}) {
        const std::string source = rule.is_object() ? rule.value(key, std::string()) : "";
        if (source.empty())
          continue;
        const auto program = compiled(source);
        if (!program->ok())
          out.push_back((path.empty() ? "<root>" : path) + ": " + source + ": " +
                        program->error().message());
      }
    }
  }
  if (auto props = schema.find("properties"); props != schema.end() && props->is_object()) {
    for (auto it = props->begin(); it != props->end(); ++it)
      collect_unsupported(*it, schema::child_path(path, it.key()), out);
  }
  if (auto items = schema.find("items"); items != schema.end())
    collect_unsupported(*items, path + "[*]", out);
  if (auto extra = schema.find("additionalProperties"); extra != schema.end())
    collect_unsupported(*extra, path + "[*]", out);
}

}  // namespace

std::vector<schema::FieldError> validate_rules(const json& schema, const json& object,
                                               const json* old_object, std::int64_t budget) {
  Validator validator(budget);
  validator.node(schema, object, old_object, "", true);
  return std::move(validator.errors);
}

std::vector<std::string> rules_not_supported(const json& schema) {
  std::vector<std::string> out;
  collect_unsupported(schema, "", out);
  return out;
}

}  // namespace hvo::apiserver::cel
