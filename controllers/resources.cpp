#include "controllers/resources.h"

#include "api/k8s/quantity.h"

namespace hvo::controllers {

std::string format_bytes(std::int64_t bytes) {
  return k8s::Quantity::from_int(bytes, k8s::Quantity::Format::kBinarySI).to_string();
}

}  // namespace hvo::controllers
