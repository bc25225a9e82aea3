-- hyperv.operator.io/Quota
-- Healthy while usage is counted and within limits; Degraded when Ready is False (e.g. usage
-- above a limit that was lowered, or a tenant that does not exist).

local function quota_health(quota)
  return lifecycle_health(quota) or
    ready_health(quota, "Waiting for the operator to count the tenant's usage.")
end

return quota_health(obj)
