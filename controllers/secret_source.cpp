#include "controllers/secret_source.h"

#include "controllers/kinds.h"

namespace hvo::controllers {

Result<kube::ObjectPtr> ApiSecretSource::secret(const std::string& ns, const std::string& name) {
  auto read = api_.get(kSecrets, ns, name);
  if (!read.ok())
    return read.error();
  return kube::ObjectPtr(std::make_shared<const k8s::Json>(std::move(read).value()));
}

}  // namespace hvo::controllers
