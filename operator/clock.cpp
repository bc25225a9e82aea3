#include "operator/clock.h"

namespace hvo::kube {

const Clock& real_clock() {
  static const RealClock clock;
  return clock;
}

}  // namespace hvo::kube
