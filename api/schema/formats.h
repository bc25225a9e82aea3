// The string formats the API server checks in custom resources (go-openapi strfmt, as
// apiextensions registers them). Formats it does not know are not checked.
#pragma once

#include <string>

namespace hvo::schema {

// Whether `value` is a valid string of `format`. Known formats: date-time (datetime), date,
// byte (base64), uuid, uuid3, uuid4, uuid5, ipv4, ipv6, cidr, mac, hostname, uri, email.
// Any other format (int32, int64, password, ...) accepts every string.
bool matches_format(const std::string& format, const std::string& value);

}  // namespace hvo::schema
