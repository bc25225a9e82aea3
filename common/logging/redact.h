// Keeping secrets out of logs. The rule: never pass a token, password, private key or Secret
// value to a log call; log its presence or its name instead (token_set=true, secret=ns/name).
// As a second line of defence, the formatters of logging.h mask the value of every key=value
// pair whose key looks secret, and the word after "Bearer".
#pragma once

#include <string>
#include <string_view>

namespace hvo::logging {

inline constexpr std::string_view kRedacted = "<redacted>";

// True for keys and header names that name secrets (ignoring case and '_', '-', '.'): they
// contain token, password, passwd, secret, authorization, cookie, credential, or name private
// key data (private_key, key_pem, key_data, client_key). Over-cautious rather than leaky:
// secretName is masked too.
bool is_sensitive_key(std::string_view key);

// `value`, or kRedacted when `key` is sensitive. For logging a header or a config field.
std::string redact(std::string_view key, std::string_view value);

// Masks, inside a `key=value ...` log message, the values of sensitive keys (quoted or not)
// and the credential after "Bearer "/"Basic ".
std::string scrub_message(std::string_view message);

}  // namespace hvo::logging
