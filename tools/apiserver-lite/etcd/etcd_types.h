// Values exchanged with etcd's v3 API: key-value records, range results, transaction outcomes and
// watch events. Revisions are etcd's global store revisions (the Kubernetes resourceVersion).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hvo::apiserver::etcd {

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;
  int64_t lease = 0;
};

struct RangeResult {
  int64_t revision = 0;  // store revision the range was read at (response header)
  std::vector<KeyValue> kvs;
  bool more = false;  // the limit cut the range short
  int64_t count = 0;  // keys in the whole range, not only those returned
};

// Outcome of a compare-and-swap transaction on one key.
struct TxnResult {
  bool succeeded = false;
  int64_t revision = 0;              // store revision after the transaction
  std::optional<KeyValue> current;   // on failure: the key as it is now (absent: no such key)
  std::optional<KeyValue> previous;  // on a successful delete: the deleted record
};

struct WatchEvent {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  KeyValue kv;  // for kDelete: key and mod_revision (the deletion revision) only
  std::optional<KeyValue> prev_kv;
};

// One message of a watch stream.
struct WatchResponse {
  int64_t header_revision = 0;
  bool created = false;
  bool canceled = false;
  int64_t compact_revision = 0;  // set when canceled because the start revision was compacted
  std::string cancel_reason;
  std::vector<WatchEvent> events;
};

// The first key after every key that starts with `prefix` (etcd's range_end for a prefix).
std::string prefix_range_end(const std::string& prefix);

}  // namespace hvo::apiserver::etcd
