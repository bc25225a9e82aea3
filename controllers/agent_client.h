// The operator's view of one host agent (docs/agent-api.md): an interface, so reconcilers are
// tested with a fake, and HttpAgentClient (http_agent_client.h) speaking HTTPS to the real one.
//
// Mutating calls (ensure, power, remove) return the agent's Operation: finished when the agent
// completed it within its own wait, else pending with an id to poll with get_operation().
#pragma once

#include <optional>
#include <string>

#include "controllers/agent_error.h"
#include "hostagent/protocol/host_info.h"
#include "hostagent/protocol/operation.h"
#include "hostagent/protocol/vm_spec.h"
#include "hostagent/protocol/vm_status.h"

namespace hvo::controllers {

class AgentClient {
 public:
  virtual ~AgentClient() = default;

  virtual AgentCallResult<agent::HostInfo> host_info() = 0;   // GET /v1/host
  virtual AgentCallResult<agent::Inventory> inventory() = 0;  // GET /v1/vms
  // GET /v1/vms/{uid}: the managed VM, or nullopt when the agent has none with this uid.
  virtual AgentCallResult<std::optional<agent::VmStatus>> vm(const std::string& uid) = 0;
  virtual AgentCallResult<agent::Operation> ensure(const agent::VmSpec& spec) = 0;  // PUT
  virtual AgentCallResult<agent::Operation> power(const std::string& uid,
                                                  const agent::PowerRequest& request) = 0;
  // Removing a VM the agent does not know is success (NotFound is mapped to a finished
  // operation), so a retried delete converges.
  virtual AgentCallResult<agent::Operation> remove(const std::string& uid) = 0;
  // DELETE /v1/vms/{uid}?policy=Orphan: the agent stops managing the VM and leaves it (and its
  // disks) on the host. A VM the agent does not know is success, as for remove().
  virtual AgentCallResult<agent::Operation> release(const std::string& uid) {
    AgentError error;
    error.operation = "release";
    error.failure = AgentFailure::kRejected;
    error.code = agent::AgentErrorCode::kDriverError;
    error.message = "this agent client cannot release vm " + uid;
    return error;
  }
  // POST /v1/vms/{uid}/migrate: live-migrates the VM to another host (the operation's
  // progressPercent says how far it got). Clients that cannot (test fakes) refuse.
  virtual AgentCallResult<agent::Operation> migrate(const std::string& uid,
                                                    const agent::MigrateRequest& request) {
    (void)request;
    AgentError error;
    error.operation = "migrate";
    error.failure = AgentFailure::kRejected;
    error.code = agent::AgentErrorCode::kDriverError;
    error.message = "this agent client cannot migrate vm " + uid;
    return error;
  }
  virtual AgentCallResult<agent::Operation> get_operation(const std::string& id) = 0;
};

}  // namespace hvo::controllers
