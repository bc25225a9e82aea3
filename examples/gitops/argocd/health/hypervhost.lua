-- hyperv.operator.io/HyperVHost
-- Degraded when Ready is False (the agent misses heartbeats or reports a fault: its VMs are
-- left alone and nothing new is placed there). Suspended while in maintenance: the host is
-- drained on purpose and takes no VMs until spec.maintenance is cleared.

local function host_health(host)
  local lifecycle = lifecycle_health(host)
  if lifecycle ~= nil then
    return lifecycle
  end
  local result = ready_health(host, "Waiting for the first heartbeat from the host's agent.")
  if result.status == "Healthy" and host.spec ~= nil then
    if host.spec.maintenance then
      return health("Suspended", "In maintenance: VMs are moved or stopped and none are placed here.")
    end
    if host.spec.unschedulable then
      return health("Healthy", "Unschedulable: running VMs stay, new ones are placed elsewhere.")
    end
  end
  return result
end

return host_health(obj)
