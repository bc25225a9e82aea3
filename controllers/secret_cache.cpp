#include "controllers/secret_cache.h"

#include <spdlog/spdlog.h>

#include "controllers/kinds.h"

namespace hvo::controllers {

SecretCache::SecretCache(kube::RestClient& client, SecretSource& fallback, ChangeHandler on_change)
    : client_(client), fallback_(fallback), on_change_(std::move(on_change)) {}

SecretCache::~SecretCache() {
  stop();
}

kube::SharedInformer* SecretCache::informer_for(const std::string& ns) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_)
    return nullptr;
  auto& informer = informers_[ns];
  if (!informer) {
    kube::InformerOptions options;
    options.reflector.gvr = kSecrets;
    options.reflector.namespace_name = ns;
    informer = std::make_unique<kube::SharedInformer>(client_, options);
    if (on_change_) {
      kube::EventHandlers handlers;
      handlers.on_add = [this](const k8s::Json& secret) { on_change_(secret); };
      handlers.on_update = [this](const k8s::Json& old_secret, const k8s::Json& secret) {
        // A resync or an unchanged write carries the same resourceVersion: nothing to redo.
        if (old_secret.value(k8s::Json::json_pointer("/metadata/resourceVersion"), "") !=
            secret.value(k8s::Json::json_pointer("/metadata/resourceVersion"), ""))
          on_change_(secret);
      };
      handlers.on_delete = [this](const k8s::Json& secret) { on_change_(secret); };
      informer->add_event_handlers(std::move(handlers));
    }
    informer->start();
    spdlog::info("secret_cache_watching namespace={}", ns);
  }
  return informer.get();
}

Result<kube::ObjectPtr> SecretCache::secret(const std::string& ns, const std::string& name) {
  kube::SharedInformer* informer = informer_for(ns);
  if (!informer || !informer->has_synced())
    return fallback_.secret(ns, name);
  const kube::ObjectPtr object = informer->store().get(ns + "/" + name);
  if (!object)
    return Error(ErrorCode::kNotFound, "secrets " + ns + "/" + name + " not found");
  return object;
}

bool SecretCache::synced(const std::string& ns) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto found = informers_.find(ns);
  return found != informers_.end() && found->second->has_synced();
}

void SecretCache::stop() {
  std::map<std::string, std::unique_ptr<kube::SharedInformer>> informers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    informers.swap(informers_);
  }
  for (auto& [ns, informer] : informers)
    informer->stop();
}

}  // namespace hvo::controllers
