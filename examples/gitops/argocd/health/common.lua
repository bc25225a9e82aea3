-- Helpers shared by the four hyperv.operator.io health checks. Argo CD runs each check as one
-- self-contained script with the live object in the global `obj`, so generate-argocd-cm.sh
-- puts this file in front of every kind's script in argocd-cm-health.yaml.

local function health(status, message)
  return { status = status, message = message or "" }
end

-- The condition of the given type from status.conditions, or nil.
local function find_condition(object, condition_type)
  if object.status == nil or object.status.conditions == nil then
    return nil
  end
  for _, condition in ipairs(object.status.conditions) do
    if condition.type == condition_type then
      return condition
    end
  end
  return nil
end

-- "Reason: message", or whichever of the two is present.
local function describe(condition)
  local reason = condition.reason or ""
  local message = condition.message or ""
  if reason ~= "" and message ~= "" then
    return reason .. ": " .. message
  end
  if message ~= "" then
    return message
  end
  return reason
end

-- The kstatus rules every kind shares, in kstatus order: an object being deleted, or whose
-- status (or Ready condition) describes an older generation than its spec, is Progressing
-- whatever else its status says; Stalled=True (the operator cannot go on without a person) is
-- Degraded and Reconciling=True is Progressing. Returns nil when none of these applies.
local function lifecycle_health(object)
  if object.metadata.deletionTimestamp ~= nil then
    return health("Progressing", "Being deleted: the operator is finishing its cleanup.")
  end
  local generation = object.metadata.generation or 0
  if object.status == nil then
    return health("Progressing", "Waiting for the operator to report status.")
  end
  local observed = object.status.observedGeneration or 0
  if observed < generation then
    return health("Progressing", "Waiting for the operator to observe generation " ..
      tostring(generation) .. " (status describes generation " .. tostring(observed) .. ").")
  end
  local ready = find_condition(object, "Ready")
  if ready ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation then
    return health("Progressing", "Ready describes generation " .. tostring(ready.observedGeneration) ..
      ", waiting for generation " .. tostring(generation) .. ".")
  end
  local stalled = find_condition(object, "Stalled")
  if stalled ~= nil and stalled.status == "True" then
    return health("Degraded", describe(stalled))
  end
  local reconciling = find_condition(object, "Reconciling")
  if reconciling ~= nil and reconciling.status == "True" then
    return health("Progressing", describe(reconciling))
  end
  return nil
end

-- Ready True is Healthy, Ready False is Degraded, anything else is still Progressing: the
-- rule for kinds whose Ready=False always needs a person (hosts, tenants, quotas).
local function ready_health(object, waiting_message)
  local ready = find_condition(object, "Ready")
  if ready == nil or ready.status == "Unknown" then
    return health("Progressing", waiting_message)
  end
  if ready.status == "True" then
    return health("Healthy", describe(ready))
  end
  return health("Degraded", describe(ready))
end
