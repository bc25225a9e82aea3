#include "tools/apiserver-lite/etcd/etcd_json.h"

#include <stdexcept>

#include "tools/apiserver-lite/etcd/base64.h"

namespace hvo::apiserver::etcd {
namespace {

using nlohmann::json;

// The gateway writes int64 fields as strings and omits them when zero.
int64_t int_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null())
    return 0;
  if (it->is_number_integer())
    return it->get<int64_t>();
  if (it->is_string())
    return std::stoll(it->get<std::string>());
  throw std::invalid_argument(std::string("field ") + name + " is not an integer");
}

bool bool_field(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

std::string decoded_field(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string())
    return {};
  auto decoded = base64_decode(it->get<std::string>());
  if (!decoded)
    throw std::invalid_argument(std::string("field ") + name + " is not base64");
  return *decoded;
}

json mod_revision_compare(const std::string& key, int64_t expected) {
  return {{"key", base64_encode(key)},
          {"target", "MOD"},
          {"result", "EQUAL"},
          {"mod_revision", std::to_string(expected)}};
}

json range_op(const std::string& key) {
  return {{"request_range", {{"key", base64_encode(key)}}}};
}

Error malformed(const std::string& what, const std::exception& e) {
  return Error(ErrorCode::kInternal, "etcd: malformed " + what + ": " + e.what());
}

}  // namespace

std::string prefix_range_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

json range_request(const std::string& key, const std::string& range_end, int64_t limit,
                   int64_t revision) {
  json request = {{"key", base64_encode(key)}};
  if (!range_end.empty())
    request["range_end"] = base64_encode(range_end);
  if (limit > 0)
    request["limit"] = std::to_string(limit);
  if (revision > 0)
    request["revision"] = std::to_string(revision);
  return request;
}

json put_if_mod_revision_request(const std::string& key, const std::string& value,
                                 int64_t expected_mod_revision, int64_t lease) {
  json put = {{"key", base64_encode(key)}, {"value", base64_encode(value)}};
  if (lease != 0)
    put["lease"] = std::to_string(lease);
  return {{"compare", json::array({mod_revision_compare(key, expected_mod_revision)})},
          {"success", json::array({{{"request_put", put}}})},
          {"failure", json::array({range_op(key)})}};
}

json delete_if_mod_revision_request(const std::string& key, int64_t expected_mod_revision) {
  json del = {{"key", base64_encode(key)}, {"prev_kv", true}};
  return {{"compare", json::array({mod_revision_compare(key, expected_mod_revision)})},
          {"success", json::array({{{"request_delete_range", del}}})},
          {"failure", json::array({range_op(key)})}};
}

json delete_range_request(const std::string& key, const std::string& range_end) {
  return {{"key", base64_encode(key)}, {"range_end", base64_encode(range_end)}};
}

json watch_create_request(const std::string& key, const std::string& range_end,
                          int64_t start_revision) {
  json create = {{"key", base64_encode(key)}, {"prev_kv", true}};
  if (!range_end.empty())
    create["range_end"] = base64_encode(range_end);
  if (start_revision > 0)
    create["start_revision"] = std::to_string(start_revision);
  return {{"create_request", create}};
}

Result<KeyValue> parse_key_value(const json& kv) {
  try {
    KeyValue out;
    out.key = decoded_field(kv, "key");
    out.value = decoded_field(kv, "value");
    out.create_revision = int_field(kv, "create_revision");
    out.mod_revision = int_field(kv, "mod_revision");
    out.version = int_field(kv, "version");
    out.lease = int_field(kv, "lease");
    return out;
  } catch (const std::exception& e) {
    return malformed("key-value", e);
  }
}

Result<RangeResult> parse_range_response(const json& body) {
  try {
    RangeResult out;
    out.revision = int_field(body.value("header", json::object()), "revision");
    out.more = bool_field(body, "more");
    out.count = int_field(body, "count");
    for (const auto& kv : body.value("kvs", json::array())) {
      auto parsed = parse_key_value(kv);
      if (!parsed.ok())
        return parsed.error();
      out.kvs.push_back(std::move(parsed).value());
    }
    return out;
  } catch (const std::exception& e) {
    return malformed("range response", e);
  }
}

Result<TxnResult> parse_txn_response(const json& body) {
  try {
    TxnResult out;
    out.succeeded = bool_field(body, "succeeded");
    out.revision = int_field(body.value("header", json::object()), "revision");
    for (const auto& response : body.value("responses", json::array())) {
      if (auto range = response.find("response_range"); range != response.end()) {
        auto kvs = range->value("kvs", json::array());
        if (!kvs.empty()) {
          auto kv = parse_key_value(kvs.front());
          if (!kv.ok())
            return kv.error();
          out.current = std::move(kv).value();
        }
      } else if (auto del = response.find("response_delete_range"); del != response.end()) {
        auto prev = del->value("prev_kvs", json::array());
        if (!prev.empty()) {
          auto kv = parse_key_value(prev.front());
          if (!kv.ok())
            return kv.error();
          out.previous = std::move(kv).value();
        }
      }
    }
    return out;
  } catch (const std::exception& e) {
    return malformed("txn response", e);
  }
}

Result<WatchResponse> parse_watch_line(const std::string& line) {
  try {
    const json message = json::parse(line);
    if (auto error = message.find("error"); error != message.end()) {
      return Error(ErrorCode::kUnavailable,
                   "etcd watch: " + error->value("message", error->dump()));
    }
    const json& result = message.at("result");
    WatchResponse out;
    out.header_revision = int_field(result.value("header", json::object()), "revision");
    out.created = bool_field(result, "created");
    out.canceled = bool_field(result, "canceled");
    out.compact_revision = int_field(result, "compact_revision");
    out.cancel_reason = result.value("cancel_reason", "");
    for (const auto& event : result.value("events", json::array())) {
      WatchEvent parsed;
      parsed.type = event.value("type", "PUT") == "DELETE" ? WatchEvent::Type::kDelete
                                                           : WatchEvent::Type::kPut;
      auto kv = parse_key_value(event.at("kv"));
      if (!kv.ok())
        return kv.error();
      parsed.kv = std::move(kv).value();
      if (auto prev = event.find("prev_kv"); prev != event.end()) {
        auto prev_kv = parse_key_value(*prev);
        if (!prev_kv.ok())
          return prev_kv.error();
        parsed.prev_kv = std::move(prev_kv).value();
      }
      out.events.push_back(std::move(parsed));
    }
    return out;
  } catch (const std::exception& e) {
    return malformed("watch message", e);
  }
}

Error gateway_error(int http_status, const std::string& body, const std::string& operation) {
  std::string message = body;
  try {
    const json parsed = json::parse(body);
    message = parsed.value("message", parsed.value("error", body));
  } catch (const std::exception&) {
    // Not JSON: keep the raw body as the message.
  }
  const bool compacted = message.find("required revision has been compacted") != std::string::npos;
  const ErrorCode code = compacted ? ErrorCode::kGone : ErrorCode::kUnavailable;
  return Error(code,
               "etcd " + operation + " (HTTP " + std::to_string(http_status) + "): " + message);
}

}  // namespace hvo::apiserver::etcd
