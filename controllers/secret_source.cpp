#include "controllers/secret_source.h"

#include "controllers/kinds.h"

namespace hvo::controllers {

Result<k8s::Json> ApiSecretSource::secret(const std::string& ns, const std::string& name) {
  return api_.get(kSecrets, ns, name);
}

}  // namespace hvo::controllers
