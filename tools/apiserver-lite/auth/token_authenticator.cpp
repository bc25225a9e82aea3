#include "tools/apiserver-lite/auth/token_authenticator.h"

#include <fstream>
#include <sstream>

namespace hvo::apiserver {
namespace {

// Splits one CSV line; double quotes group a field that contains commas.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  fields.push_back(field);
  return fields;
}

std::vector<std::string> split_groups(const std::string& text) {
  std::vector<std::string> groups;
  std::stringstream stream(text);
  std::string group;
  while (std::getline(stream, group, ',')) {
    if (!group.empty())
      groups.push_back(group);
  }
  return groups;
}

}  // namespace

Result<TokenAuthenticator> TokenAuthenticator::from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return Error(ErrorCode::kInvalidArgument, "token file " + path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return from_text(text.str(), path);
}

Result<TokenAuthenticator> TokenAuthenticator::from_text(const std::string& text,
                                                         const std::string& source) {
  TokenAuthenticator authenticator;
  std::stringstream stream(text);
  std::string line;
  int number = 0;
  while (std::getline(stream, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty() || line[0] == '#')
      continue;
    const auto fields = split_csv(line);
    if (fields.size() < 3 || fields[0].empty() || fields[1].empty()) {
      return Error(ErrorCode::kInvalidArgument, "token file " + source + " line " +
                                                    std::to_string(number) +
                                                    ": want token,user,uid[,\"groups\"]");
    }
    UserInfo user{fields[1], fields[2],
                  fields.size() > 3 ? split_groups(fields[3]) : std::vector<std::string>{}};
    authenticator.users_[fields[0]] = std::move(user);
  }
  return authenticator;
}

std::optional<UserInfo> TokenAuthenticator::authenticate(const std::string& header) const {
  static const std::string kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    return std::nullopt;
  }
  auto it = users_.find(header.substr(kBearer.size()));
  if (it == users_.end())
    return std::nullopt;
  return it->second;
}

}  // namespace hvo::apiserver
