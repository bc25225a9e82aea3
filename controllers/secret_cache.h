// Secrets read from informer caches, one informer per namespace that a read asked for (in
// practice the namespace of the hosts' credentialsSecretRef, e.g. hyperv-system), so the host
// monitor's polls and every VM pass do not each GET a Secret, and a changed Secret (a rotated
// token or certificate) is noticed at once: `on_change` gets every added, changed or deleted
// Secret of a watched namespace, and the wiring requeues the hosts that name it.
//
// Only namespaces something asked for are watched: never every Secret of the cluster. Until a
// namespace's first LIST arrived, reads go to the API (a GET), so the first poll is not delayed.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controllers/secret_source.h"
#include "operator/informer.h"
#include "operator/rest_client.h"

namespace hvo::controllers {

class SecretCache : public SecretSource {
 public:
  using ChangeHandler = std::function<void(const k8s::Json& secret)>;

  // `fallback` serves reads while a namespace's informer has not synced.
  SecretCache(kube::RestClient& client, SecretSource& fallback, ChangeHandler on_change);
  ~SecretCache() override;
  SecretCache(const SecretCache&) = delete;
  SecretCache& operator=(const SecretCache&) = delete;

  // Starts watching `ns` on first use.
  Result<kube::ObjectPtr> secret(const std::string& ns, const std::string& name) override;
  // Whether `ns` is watched and its first LIST has arrived.
  bool synced(const std::string& ns);
  // Stops every informer; later reads use the fallback. Call after the readers stopped.
  // Idempotent.
  void stop();

 private:
  kube::SharedInformer* informer_for(const std::string& ns);

  kube::RestClient& client_;
  SecretSource& fallback_;
  const ChangeHandler on_change_;
  std::mutex mu_;
  bool stopped_ = false;
  std::map<std::string, std::unique_ptr<kube::SharedInformer>> informers_;  // by namespace
};

}  // namespace hvo::controllers
