// A settled VirtualMachine as the operator writes it: the VM cache packs each VM against it
// (kube::ObjectPacker), so what every VM repeats (keys, condition types, reasons, messages) is
// kept once. Only the compression ratio depends on it; keep it close to what the reconciler
// writes when status changes shape.
#pragma once

#include <nlohmann/json.hpp>

namespace hvo::controllers {

const nlohmann::json& vm_packing_sample();

}  // namespace hvo::controllers
