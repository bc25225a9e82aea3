#include "tests/crds/schema_walk.h"

#include <sstream>

namespace hvo::testing {
namespace {

using nlohmann::json;

std::string join(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

void walk(const json& node, const std::string& path,
          const std::function<void(const std::string&, const json&)>& on_property) {
  if (auto props = node.find("properties"); props != node.end()) {
    for (auto it = props->begin(); it != props->end(); ++it) {
      const std::string child = join(path, it.key());
      on_property(child, *it);
      walk(*it, child, on_property);
    }
  }
  if (auto items = node.find("items"); items != node.end() && items->is_object()) {
    walk(*items, path + "[]", on_property);
  }
  if (auto extra = node.find("additionalProperties"); extra != node.end() && extra->is_object()) {
    walk(*extra, join(path, "*"), on_property);
  }
}

}  // namespace

const json* schema_at(const json& root, const std::string& path) {
  const json* node = &root;
  std::stringstream steps(path);
  std::string step;
  while (std::getline(steps, step, '.')) {
    bool into_items = false;
    if (step.size() >= 2 && step.compare(step.size() - 2, 2, "[]") == 0) {
      into_items = true;
      step.resize(step.size() - 2);
    }
    auto props = node->find("properties");
    if (props == node->end() || !props->contains(step))
      return nullptr;
    node = &(*props)[step];
    if (into_items) {
      auto items = node->find("items");
      if (items == node->end())
        return nullptr;
      node = &*items;
    }
  }
  return node;
}

std::string jsonpath_to_schema_path(const std::string& jsonpath) {
  std::string out;
  int depth = 0;
  for (char c : jsonpath) {
    if (c == '[') {
      if (depth++ == 0)
        out += "[]";
    } else if (c == ']') {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  if (!out.empty() && out[0] == '.')
    out.erase(0, 1);
  return out;
}

void for_each_property(const json& root,
                       const std::function<void(const std::string&, const json&)>& visit) {
  walk(root, "", visit);
}

void for_each_default(const json& root,
                      const std::function<void(const std::string&, const json&)>& visit) {
  walk(root, "", [&](const std::string& path, const json& node) {
    if (node.contains("default"))
      visit(path, node);
  });
}

}  // namespace hvo::testing
