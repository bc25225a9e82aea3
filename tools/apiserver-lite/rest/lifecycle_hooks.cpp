#include "tools/apiserver-lite/rest/lifecycle_hooks.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "tools/apiserver-lite/cel/cel_validation.h"
#include "tools/apiserver-lite/etcd/base64.h"
#include "tools/apiserver-lite/registry/builtin_types.h"
#include "tools/apiserver-lite/registry/crd_types.h"
#include "tools/apiserver-lite/rest/api_error.h"

namespace hvo::apiserver {

using nlohmann::json;

bool is_crd(const ResourceType& type) {
  return type.group == kCrdGroup && type.plural == kCrdPlural;
}

bool is_namespace(const ResourceType& type) {
  return type.group.empty() && type.plural == "namespaces";
}

bool is_secret(const ResourceType& type) {
  return type.group.empty() && type.plural == "secrets";
}

namespace {

// Secret.stringData is write-only: the real server folds it into data (base64, overriding keys of
// the same name) and never stores or returns it.
void fold_string_data(json& secret) {
  auto it = secret.find("stringData");
  if (it == secret.end())
    return;
  if (it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (value.is_string())
        secret["data"][key] = etcd::base64_encode(value.get<std::string>());
    }
  }
  secret.erase("stringData");
}

// SetDefaults_Secret: a Secret without a type is Opaque (applied on every write, as defaulting
// runs on each decode).
void default_secret_type(json& secret) {
  if (!secret.contains("type") || !secret["type"].is_string() || secret["type"] == "")
    secret["type"] = "Opaque";
}

// The namespace strategy's PrepareForCreate: Active, and the "kubernetes" finalizer added to
// whatever finalizers the client asked for.
void prepare_namespace(json& ns) {
  json& spec = ns["spec"];
  if (!spec.is_object())
    spec = json::object();
  json finalizers = spec.value("finalizers", json::array());
  if (!finalizers.is_array())
    finalizers = json::array();
  if (std::find(finalizers.begin(), finalizers.end(), "kubernetes") == finalizers.end())
    finalizers.push_back("kubernetes");
  spec["finalizers"] = finalizers;
  ns["status"] = {{"phase", "Active"}};
  ns["metadata"]["labels"]["kubernetes.io/metadata.name"] = object_name(ns);
}

void check_crd(const ResourceType& type, const json& crd) {
  const auto errors = validate_crd(crd);
  if (!errors.empty())
    throw invalid(type, object_name(crd), errors);
}

}  // namespace

void LifecycleHooks::before_create(const ResourceType& type, json& object, const std::string& now) {
  if (is_crd(type)) {
    check_crd(type, object);
    set_crd_status(object, now);
  } else if (is_namespace(type)) {
    prepare_namespace(object);
  } else if (is_secret(type)) {
    fold_string_data(object);
    default_secret_type(object);
  }
}

void LifecycleHooks::before_update(const ResourceType& type, json& updated,
                                   const std::string& now) {
  if (is_crd(type)) {
    check_crd(type, updated);
    set_crd_status(updated, now);
  } else if (is_secret(type)) {
    fold_string_data(updated);
    default_secret_type(updated);
  }
}

void LifecycleHooks::after_write(const ResourceType& type, const json& stored) {
  if (is_crd(type))
    serve_crd(stored);
}

void LifecycleHooks::after_delete(const ResourceType& type, const json& last) {
  if (!is_crd(type))
    return;
  const std::string name = object_name(last);
  registry_.set_crd_versions(name, {});
  const auto spec = last.value("spec", json::object());
  const std::string prefix = "/registry/" + spec.value("group", "") + "/" +
                             spec.value("names", json::object()).value("plural", "") + "/";
  auto removed = store_.etcd().delete_range(prefix, etcd::prefix_range_end(prefix));
  if (!removed.ok()) {
    spdlog::error("crd_cleanup_failed crd={} error={}", name, removed.error().message());
  }
  spdlog::info("crd_removed crd={}", name);
}

void LifecycleHooks::serve_crd(const json& crd) {
  const std::string name = object_name(crd);
  auto versions = crd_resource_types(crd);
  for (const auto& version : versions) {
    if (!version.schema)
      continue;
    for (const auto& rule : cel::rules_not_supported(*version.schema)) {
      spdlog::warn("crd_cel_rule_not_evaluated crd={} version={} rule={}", name, version.version,
                   rule);
    }
  }
  spdlog::info("crd_served crd={} versions={}", name, versions.size());
  registry_.set_crd_versions(name, std::move(versions));
}

Status LifecycleHooks::load_stored_crds() {
  auto crd_type = registry_.find(kCrdGroup, "v1", kCrdPlural);
  if (!crd_type)
    return Error(ErrorCode::kInternal, "the CRD resource is not registered");
  auto page = store_.list(*crd_type, "", "", 0, 0, nullptr);
  if (!page.ok())
    return page.error().with_context("loading stored CRDs");
  for (const auto& crd : page->items) {
    if (validate_crd(crd).empty())
      serve_crd(crd);
  }
  return OkStatus();
}

}  // namespace hvo::apiserver
