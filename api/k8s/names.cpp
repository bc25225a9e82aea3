#include "api/k8s/names.h"

namespace hvo::k8s {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_name_part(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back()))
    return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.')
      return false;
  }
  return true;
}

// [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_dns_label(std::string_view s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back()))
    return false;
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-')
      return false;
  }
  return true;
}

std::string too_long(std::size_t max) {
  return "must be no more than " + std::to_string(max) + " characters";
}

}  // namespace

std::vector<std::string> check_dns1123_label(std::string_view value) {
  std::vector<std::string> problems;
  if (value.size() > 63)
    problems.push_back(too_long(63));
  if (!is_dns_label(value)) {
    problems.push_back(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')");
  }
  return problems;
}

std::vector<std::string> check_dns1123_subdomain(std::string_view value) {
  std::vector<std::string> problems;
  if (value.size() > 253)
    problems.push_back(too_long(253));
  bool valid = !value.empty();
  std::size_t begin = 0;
  while (valid && begin <= value.size()) {
    const std::size_t dot = value.find('.', begin);
    const std::size_t end = dot == std::string_view::npos ? value.size() : dot;
    valid = is_dns_label(value.substr(begin, end - begin));
    if (dot == std::string_view::npos)
      break;
    begin = dot + 1;
  }
  if (!valid) {
    problems.push_back(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com')");
  }
  return problems;
}

std::vector<std::string> check_qualified_name(std::string_view value) {
  std::vector<std::string> problems;
  std::string_view name = value;
  const std::size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      problems.push_back("prefix part must be non-empty");
    } else {
      for (const std::string& problem : check_dns1123_subdomain(prefix)) {
        problems.push_back("prefix part " + problem);
      }
    }
    if (name.find('/') != std::string_view::npos) {
      problems.push_back(
          "a qualified name must consist of an optional DNS subdomain prefix and '/', then a "
          "name (e.g. 'example.com/MyName')");
      return problems;
    }
  }
  if (name.empty()) {
    problems.push_back("name part must be non-empty");
  } else {
    if (name.size() > 63)
      problems.push_back("name part " + too_long(63));
    if (!is_name_part(name)) {
      problems.push_back(
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
          "and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')");
    }
  }
  return problems;
}

std::vector<std::string> check_label_value(std::string_view value) {
  std::vector<std::string> problems;
  if (value.empty())
    return problems;
  if (value.size() > 63)
    problems.push_back(too_long(63));
  if (!is_name_part(value)) {
    problems.push_back(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or "
        "'my_value', or '12345')");
  }
  return problems;
}

}  // namespace hvo::k8s
