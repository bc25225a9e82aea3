// The emulator's serving certificate when none is given: a self-signed CA and a server
// certificate it signs (EC P-256, SANs localhost / 127.0.0.1 / ::1 plus any extra names), written
// as ca.crt, server.crt and server.key into a directory. Clients trust ca.crt (the kubeconfig
// embeds it).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::apiserver {

struct ServingCertFiles {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// Writes the files into `dir` (created if missing); the key file is mode 0600.
Result<ServingCertFiles> generate_serving_certs(const std::string& dir,
                                                const std::vector<std::string>& extra_names);

// The files already in `dir` when all three exist (a restart keeps the CA clients trust),
// otherwise freshly generated ones.
Result<ServingCertFiles> load_or_generate_serving_certs(
    const std::string& dir, const std::vector<std::string>& extra_names);

}  // namespace hvo::apiserver
