// Encoding of etcd v3 JSON-gateway requests and decoding of its responses (keys and values in
// base64, 64-bit numbers as strings). Pure functions; etcd_client.cpp does the I/O.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "tools/apiserver-lite/etcd/etcd_types.h"

namespace hvo::apiserver::etcd {

nlohmann::json range_request(const std::string& key, const std::string& range_end, int64_t limit,
                             int64_t revision);
// Txn: If(ModRevision(key) == expected_mod_revision) Then Put(key, value) Else Range(key).
// expected_mod_revision 0 means "the key does not exist" (create).
nlohmann::json put_if_mod_revision_request(const std::string& key, const std::string& value,
                                           int64_t expected_mod_revision, int64_t lease);
// Txn: If(ModRevision(key) == expected_mod_revision) Then DeleteRange(key, prev_kv) Else
// Range(key).
nlohmann::json delete_if_mod_revision_request(const std::string& key,
                                              int64_t expected_mod_revision);
nlohmann::json delete_range_request(const std::string& key, const std::string& range_end);
nlohmann::json watch_create_request(const std::string& key, const std::string& range_end,
                                    int64_t start_revision);

Result<KeyValue> parse_key_value(const nlohmann::json& kv);
Result<RangeResult> parse_range_response(const nlohmann::json& body);
Result<TxnResult> parse_txn_response(const nlohmann::json& body);
// One line of the watch stream: {"result": {...}} or {"error": {...}}.
Result<WatchResponse> parse_watch_line(const std::string& line);

// An error body of the gateway ({"error","message","code"}) as a Status; kGone for compaction.
Error gateway_error(int http_status, const std::string& body, const std::string& operation);

}  // namespace hvo::apiserver::etcd
