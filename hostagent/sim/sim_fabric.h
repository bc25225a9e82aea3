// The shared folder through which sim agents move VMs between each other, standing in for the
// network Hyper-V's live migration runs over. Every agent started with the same sim.fabricDir
// registers its host name there (hosts/<name>/incoming/); a move is a hand-over in three steps,
// each an atomic rename, so a crash or a timeout on either side never leaves the VM on both
// hosts or on none:
//   source:      writes hosts/<dest>/incoming/<uid>.vm            (offer)
//   destination: renames it to <uid>.claimed, adopts the VM, then writes <uid>.ack (or
//                <uid>.refused with the reason) and removes <uid>.claimed
//   source:      sees the ack, drops its VM and removes the ack   (or withdraws an unclaimed
//                offer by renaming it away when it gives up)
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::agent {

class SimFabric {
 public:
  SimFabric(std::string dir, std::string host_name);

  // Creates this host's incoming folder (and the fabric's).
  Status register_host();
  bool has_host(const std::string& name) const;
  const std::string& host_name() const { return host_name_; }

  // Source side.
  Status offer(const std::string& destination, const std::string& uid, const std::string& record);
  enum class OfferState { kWaiting, kTaken, kRefused };
  // `reason` receives the destination's refusal.
  OfferState poll(const std::string& destination, const std::string& uid,
                  std::string& reason) const;
  // Takes back an offer the destination has not claimed; false when it already did (then wait
  // for its answer).
  bool withdraw(const std::string& destination, const std::string& uid);
  // Removes the destination's answer once the source acted on it.
  void forget(const std::string& destination, const std::string& uid);

  // Destination side.
  struct Incoming {
    std::string uid;
    std::string record;
  };
  // Claims every offer waiting for this host (each at most once).
  std::vector<Incoming> claim();
  Status acknowledge(const std::string& uid);
  Status refuse(const std::string& uid, const std::string& reason);

 private:
  std::string incoming(const std::string& host) const;

  const std::string dir_;
  const std::string host_name_;
};

}  // namespace hvo::agent
