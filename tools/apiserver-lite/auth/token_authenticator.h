// Bearer-token authentication from a static token file, as kube-apiserver's --token-auth-file:
// one CSV line per token: token,user,uid[,"group1,group2"]. Lines starting with '#' are comments.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace hvo::apiserver {

struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
};

class TokenAuthenticator {
 public:
  // kInvalidArgument naming the file and line of a malformed entry.
  static Result<TokenAuthenticator> from_file(const std::string& path);
  static Result<TokenAuthenticator> from_text(const std::string& text, const std::string& source);

  // The user of an "Authorization: Bearer <token>" header; nullopt when absent or unknown.
  std::optional<UserInfo> authenticate(const std::string& authorization_header) const;
  std::size_t size() const { return users_.size(); }

 private:
  std::map<std::string, UserInfo> users_;
};

}  // namespace hvo::apiserver
