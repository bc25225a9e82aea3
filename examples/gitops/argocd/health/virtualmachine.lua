-- hyperv.operator.io/VirtualMachine
-- Degraded: the VM failed, or its Ready/QuotaReserved condition is False for a reason that
-- waits for a person (an invalid spec, an exhausted quota). Healthy: Ready, or stopped on
-- purpose (runStrategy Halted, Manual or RerunOnFailure and phase Stopped): a halted VM must not
-- hold a sync that waits for health, and Argo CD's sync waves proceed on Healthy only.
-- Progressing: everything on the way there (scheduling, provisioning, starting, deleting).

local reasons_needing_a_person = { InvalidSpec = true, QuotaExceeded = true }
local stopped_on_purpose = { Halted = true, Manual = true, RerunOnFailure = true }

local function vm_health(vm)
  local lifecycle = lifecycle_health(vm)
  if lifecycle ~= nil then
    return lifecycle
  end
  local phase = vm.status.phase or "Pending"
  local ready = find_condition(vm, "Ready")

  for _, condition_type in ipairs({ "Ready", "QuotaReserved" }) do
    local condition = find_condition(vm, condition_type)
    if condition ~= nil and condition.status == "False" and reasons_needing_a_person[condition.reason] then
      return health("Degraded", describe(condition))
    end
  end
  if phase == "Failed" then
    if ready ~= nil and describe(ready) ~= "" then
      return health("Degraded", describe(ready))
    end
    return health("Degraded", "The VM failed.")
  end

  local run_strategy = (vm.spec ~= nil and vm.spec.runStrategy) or "Always"
  if phase == "Stopped" and stopped_on_purpose[run_strategy] then
    return health("Healthy", "Stopped as requested (runStrategy " .. run_strategy .. ").")
  end
  if ready ~= nil and ready.status == "True" then
    local where = ""
    if vm.status.host ~= nil then
      where = " on " .. vm.status.host
    end
    return health("Healthy", phase .. where .. ".")
  end
  if ready ~= nil and describe(ready) ~= "" then
    return health("Progressing", describe(ready))
  end
  return health("Progressing", "Phase " .. phase .. ".")
end

return vm_health(obj)
