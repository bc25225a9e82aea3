#include "tests/support/log_secrets.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace hvo::testing {

namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

void LogSecrets::add(const std::string& label, const std::string& value) {
  auto remember = [&](const std::string& text) {
    if (text.size() < kMinLength)
      return;
    const bool known = std::any_of(secrets_.begin(), secrets_.end(), [&](const Secret& secret) {
      return secret.value == text && secret.label == label;
    });
    if (!known)
      secrets_.push_back({label, text});
  };
  remember(value);
  if (value.find('\n') == std::string::npos)
    return;
  std::istringstream lines(value);
  std::string line;
  while (std::getline(lines, line)) {
    line = trimmed(line);
    if (line.rfind("-----", 0) == 0)
      continue;  // "-----BEGIN PRIVATE KEY-----" is in every key and says nothing
    remember(line);
  }
}

std::vector<SecretLeak> LogSecrets::scan_text(const std::string& name,
                                              const std::string& text) const {
  std::vector<SecretLeak> leaks;
  for (const auto& secret : secrets_) {
    for (auto at = text.find(secret.value); at != std::string::npos;
         at = text.find(secret.value, at + 1)) {
      const auto line =
          static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n')) + 1;
      leaks.push_back({secret.label, name, line});
    }
  }
  std::sort(leaks.begin(), leaks.end(), [](const SecretLeak& a, const SecretLeak& b) {
    return a.line != b.line ? a.line < b.line : a.label < b.label;
  });
  // A multi-line secret and its lines are found together: one report per label and line.
  leaks.erase(std::unique(leaks.begin(), leaks.end(),
                          [](const SecretLeak& a, const SecretLeak& b) {
                            return a.line == b.line && a.label == b.label;
                          }),
              leaks.end());
  return leaks;
}

std::vector<SecretLeak> LogSecrets::scan_dir(const std::string& dir) const {
  std::vector<SecretLeak> leaks;
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::recursive_directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file(error) && ends_with(it->path().filename().string(), ".log"))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto found = scan_text(file.string(), text);
    leaks.insert(leaks.end(), found.begin(), found.end());
  }
  return leaks;
}

std::string describe(const std::vector<SecretLeak>& leaks) {
  std::string out;
  for (const auto& leak : leaks)
    out += leak.file + ":" + std::to_string(leak.line) + ": " + leak.label + "\n";
  return out;
}

}  // namespace hvo::testing
