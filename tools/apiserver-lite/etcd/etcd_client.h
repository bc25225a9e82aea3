// A client of etcd's v3 JSON gateway: ranges, compare-and-swap transactions on mod_revision (the
// way kube-apiserver writes), leases, compaction and watch streams with previous values.
// Thread-safe: every call is one independent HTTP request.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/net/http_client.h"
#include "common/status.h"
#include "tools/apiserver-lite/etcd/etcd_types.h"

namespace hvo::apiserver::etcd {

class EtcdClient {
 public:
  // `endpoint` is etcd's client URL, e.g. "http://127.0.0.1:2379".
  static Result<std::unique_ptr<EtcdClient>> create(const std::string& endpoint);

  // Keys in [key, range_end) (only `key` when range_end is empty), at most `limit` (0: all),
  // read at `revision` (0: latest). kGone when that revision was compacted.
  Result<RangeResult> range(const std::string& key, const std::string& range_end = "",
                            int64_t limit = 0, int64_t revision = 0);
  // Writes `value` if the key's mod_revision equals `expected_mod_revision` (0: key absent).
  Result<TxnResult> put_if(const std::string& key, const std::string& value,
                           int64_t expected_mod_revision, int64_t lease = 0);
  // Deletes the key if its mod_revision equals `expected_mod_revision`.
  Result<TxnResult> delete_if(const std::string& key, int64_t expected_mod_revision);
  // Deletes every key in [key, range_end); returns the store revision after the delete.
  Result<int64_t> delete_range(const std::string& key, const std::string& range_end);
  Result<int64_t> grant_lease(std::chrono::seconds ttl);
  // Compacts history up to `revision` (physical compaction is left to etcd's background).
  Status compact(int64_t revision);
  // The current store revision.
  Result<int64_t> current_revision();

  // Streams changes of [key, range_end) from `start_revision` (inclusive), calling on_response
  // for every message until it returns false, `cancel` fires, or the stream ends. A start
  // revision below the compacted one gives a canceled response carrying compact_revision.
  Status watch(const std::string& key, const std::string& range_end, int64_t start_revision,
               const std::function<bool(const WatchResponse&)>& on_response,
               std::shared_ptr<net::Cancellation> cancel);

  const std::string& endpoint() const { return endpoint_; }

 private:
  EtcdClient(std::string endpoint, std::unique_ptr<net::HttpClient> http)
      : endpoint_(std::move(endpoint)), http_(std::move(http)) {}
  // `idempotent`: the call may be resent after a connection failure (see post()).
  Result<nlohmann::json> post(const std::string& path, const nlohmann::json& body,
                              const std::string& operation, bool idempotent = false);

  std::string endpoint_;
  std::unique_ptr<net::HttpClient> http_;
};

}  // namespace hvo::apiserver::etcd
