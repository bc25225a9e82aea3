-- hyperv.operator.io/Tenant
-- Healthy once every namespace of the tenant exists, is labelled and has its admins bound;
-- Degraded when the operator cannot set one up (e.g. a namespace owned by someone else).

local function tenant_health(tenant)
  return lifecycle_health(tenant) or
    ready_health(tenant, "Waiting for the operator to set up the tenant's namespaces.")
end

return tenant_health(obj)
