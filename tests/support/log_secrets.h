// Secrets must never reach a log (docs/development.md, "Logs"). End-to-end fixtures register
// every secret value they create or hand to a process (API tokens, agent tokens, private keys,
// cloud-init user data, Secret data), and on teardown scan the logs their processes wrote: a
// value found there fails the test. Reports name the secret's label, the file and the line,
// never the value itself (the report is a log too).
//
//   hvo::testing::LogSecrets secrets;
//   secrets.add("admin token", token);
//   for (const auto& leak : secrets.scan_dir(dir)) ...  // every *.log file under dir
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hvo::testing {

struct SecretLeak {
  std::string label;     // what the secret is ("agent hv-01 token")
  std::string file;      // where it was found
  std::size_t line = 0;  // 1-based
};

class LogSecrets {
 public:
  // Shorter values are not registered: they would match ordinary words and numbers, and are no
  // secret anyway. Tokens, keys and user data are longer.
  static constexpr std::size_t kMinLength = 12;

  // Registers `value` (if long enough) under `label`. Multi-line values (user data, PEM keys)
  // also register each line of at least kMinLength characters that is not a PEM armour line,
  // so a partial leak is found too (a log line holds one line of a key at most).
  void add(const std::string& label, const std::string& value);
  // Registers the secrets a manifest stream (YAML or JSON, several documents allowed) carries:
  // every value of a Secret's `data` (decoded) and `stringData`, and a VirtualMachine's
  // `spec.cloudInit.userData`. Text that is not a manifest registers nothing.
  void add_manifests(const std::string& manifests);
  // Registers the content of every file under `dir` named "*.key" (private keys) or "token"
  // (agent tokens), as the fixtures' processes and `hyperv-agent certs` write them.
  void add_key_files(const std::string& dir);
  // Every registered value; for tests of this class.
  std::size_t size() const { return secrets_.size(); }

  // The leaks in `text`, reported as file `name`.
  std::vector<SecretLeak> scan_text(const std::string& name, const std::string& text) const;
  // The leaks in every regular file under `dir` (recursively) whose name ends in ".log".
  std::vector<SecretLeak> scan_dir(const std::string& dir) const;

 private:
  struct Secret {
    std::string label;
    std::string value;
  };
  std::vector<Secret> secrets_;
};

// One line per leak: "operator.log:12: agent hv-01 token" (the value is never printed).
std::string describe(const std::vector<SecretLeak>& leaks);

}  // namespace hvo::testing
