// Reads the JSON fixtures in tests/api/fixtures.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace hvo::api::testing_support {

inline std::string read_fixture_text(const std::string& name) {
  std::ifstream in(std::string(HVO_SOURCE_DIR) + "/tests/api/fixtures/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json read_fixture(const std::string& name) {
  return nlohmann::json::parse(read_fixture_text(name));
}

}  // namespace hvo::api::testing_support
