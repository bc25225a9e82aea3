// kubeconfig loading: parse every file of the list, merge them the way kubectl does, then resolve
// the chosen context into a ClientConfig. Every error names the file and the entry at fault.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "operator/base64.h"
#include "operator/client_config.h"

namespace hvo::kube {
namespace {

namespace fs = std::filesystem;

// One named cluster, user or context, remembering where it was defined.
struct Entry {
  YAML::Node body;    // the `cluster:`, `user:` or `context:` mapping
  std::string file;   // the kubeconfig that defined it
  std::string where;  // "kubeconfig /x/config: users[1] (admin)"
};

struct MergedConfig {
  std::string current_context;
  std::string current_context_file;
  std::map<std::string, Entry> clusters;
  std::map<std::string, Entry> users;
  std::map<std::string, Entry> contexts;
};

Error invalid(const std::string& where, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, where + ": " + what);
}

Result<std::string> string_field(const YAML::Node& node, const char* field,
                                 const std::string& where) {
  const YAML::Node value = node[field];
  if (!value || value.IsNull())
    return std::string();
  if (!value.IsScalar())
    return invalid(where, std::string(field) + " must be a string");
  return value.as<std::string>();
}

Result<bool> bool_field(const YAML::Node& node, const char* field, const std::string& where) {
  const YAML::Node value = node[field];
  if (!value || value.IsNull())
    return false;
  bool parsed = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, parsed)) {
    return invalid(where, std::string(field) + " must be true or false");
  }
  return parsed;
}

// Adds each `{name, <kind>: {...}}` entry of `list_name` that no earlier file defined.
Status merge_named_list(const YAML::Node& root, const char* list_name, const char* body_name,
                        const std::string& file, std::map<std::string, Entry>& into) {
  const YAML::Node list = root[list_name];
  if (!list || list.IsNull())
    return OkStatus();
  const std::string file_where = "kubeconfig " + file;
  if (!list.IsSequence())
    return invalid(file_where, std::string(list_name) + " must be a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = file_where + ": " + list_name + "[" + std::to_string(i) + "]";
    const YAML::Node item = list[i];
    if (!item.IsMap())
      return invalid(where, "must be a mapping");
    auto name = string_field(item, "name", where);
    if (!name.ok())
      return name.error();
    if (name->empty())
      return invalid(where, "name is missing");
    const YAML::Node body = item[body_name];
    if (body && !body.IsNull() && !body.IsMap()) {
      return invalid(where, std::string(body_name) + " must be a mapping");
    }
    // kubectl's merge: the first file that defines a name wins.
    into.emplace(*name, Entry{body ? body : YAML::Node(YAML::NodeType::Map), file,
                              where + " (" + *name + ")"});
  }
  return OkStatus();
}

Status merge_file(const std::string& file, MergedConfig& merged) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::Exception& e) {
    return invalid("kubeconfig " + file, std::string("not valid YAML: ") + e.what());
  }
  if (root.IsNull())
    return OkStatus();  // an empty file contributes nothing, as with kubectl
  if (!root.IsMap())
    return invalid("kubeconfig " + file, "must be a mapping");

  auto current = string_field(root, "current-context", "kubeconfig " + file);
  if (!current.ok())
    return current.error();
  if (merged.current_context.empty() && !current->empty()) {
    merged.current_context = *current;
    merged.current_context_file = file;
  }
  for (const auto& [list, body, into] :
       {std::make_tuple("clusters", "cluster", &merged.clusters),
        std::make_tuple("users", "user", &merged.users),
        std::make_tuple("contexts", "context", &merged.contexts)}) {
    Status status = merge_named_list(root, list, body, file, *into);
    if (!status.ok())
      return status;
  }
  return OkStatus();
}

// A path from a kubeconfig, made absolute against the folder of the file that holds it.
std::string resolve_path(const std::string& path, const std::string& file) {
  if (path.empty() || fs::path(path).is_absolute())
    return path;
  return (fs::absolute(file).parent_path() / path).lexically_normal().string();
}

// `<field>-data` as decoded PEM, or `<field>` as an absolute path; both at once is an error, as
// in kubectl's validation.
Status file_or_data(const Entry& entry, const std::string& field, std::string& file_out,
                    std::string& pem_out) {
  auto path = string_field(entry.body, field.c_str(), entry.where);
  if (!path.ok())
    return path.error();
  auto data = string_field(entry.body, (field + "-data").c_str(), entry.where);
  if (!data.ok())
    return data.error();
  if (!path->empty() && !data->empty()) {
    return invalid(entry.where, field + " and " + field + "-data are both set; keep one");
  }
  if (!data->empty()) {
    auto decoded = base64_decode(*data);
    if (!decoded)
      return invalid(entry.where, field + "-data is not valid base64");
    pem_out = std::move(*decoded);
  }
  if (!path->empty()) {
    file_out = resolve_path(*path, entry.file);
    if (!fs::exists(file_out)) {
      return invalid(entry.where, field + " " + file_out + " does not exist");
    }
  }
  return OkStatus();
}

Status apply_cluster(const Entry& cluster, ClientConfig& config) {
  auto server = string_field(cluster.body, "server", cluster.where);
  if (!server.ok())
    return server.error();
  if (server->empty())
    return invalid(cluster.where, "server is missing");
  config.server = *server;
  while (!config.server.empty() && config.server.back() == '/')
    config.server.pop_back();

  auto insecure = bool_field(cluster.body, "insecure-skip-tls-verify", cluster.where);
  if (!insecure.ok())
    return insecure.error();
  config.tls.insecure_skip_verify = *insecure;
  auto server_name = string_field(cluster.body, "tls-server-name", cluster.where);
  if (!server_name.ok())
    return server_name.error();
  config.tls.server_name = *server_name;

  Status ca = file_or_data(cluster, "certificate-authority", config.tls.ca_file, config.tls.ca_pem);
  if (!ca.ok())
    return ca;
  if (*insecure && (!config.tls.ca_file.empty() || !config.tls.ca_pem.empty())) {
    return invalid(cluster.where,
                   "insecure-skip-tls-verify cannot be combined with a certificate authority");
  }
  return OkStatus();
}

Status apply_user(const Entry& user, ClientConfig& config) {
  for (const char* unsupported : {"exec", "auth-provider", "username", "password"}) {
    if (user.body[unsupported]) {
      return invalid(user.where, std::string(unsupported) +
                                     " is not supported; use a token, tokenFile or a client "
                                     "certificate");
    }
  }
  auto token = string_field(user.body, "token", user.where);
  if (!token.ok())
    return token.error();
  config.token = *token;
  auto token_file = string_field(user.body, "tokenFile", user.where);
  if (!token_file.ok())
    return token_file.error();
  config.token_file = resolve_path(*token_file, user.file);
  if (!config.token_file.empty() && !fs::exists(config.token_file)) {
    return invalid(user.where, "tokenFile " + config.token_file + " does not exist");
  }

  Status cert = file_or_data(user, "client-certificate", config.tls.cert_file, config.tls.cert_pem);
  if (!cert.ok())
    return cert;
  Status key = file_or_data(user, "client-key", config.tls.key_file, config.tls.key_pem);
  if (!key.ok())
    return key;
  const bool has_cert = !config.tls.cert_file.empty() || !config.tls.cert_pem.empty();
  const bool has_key = !config.tls.key_file.empty() || !config.tls.key_pem.empty();
  if (has_cert != has_key) {
    return invalid(user.where, has_cert ? "client-certificate is set without client-key"
                                        : "client-key is set without client-certificate");
  }
  return OkStatus();
}

std::string joined(const std::vector<std::string>& paths) {
  std::ostringstream out;
  for (std::size_t i = 0; i < paths.size(); ++i)
    out << (i ? ", " : "") << paths[i];
  return out.str();
}

}  // namespace

Result<ClientConfig> load_kubeconfig(const std::vector<std::string>& paths,
                                     const std::string& context) {
  MergedConfig merged;
  std::vector<std::string> read;
  for (const std::string& path : paths) {
    if (path.empty() || !fs::exists(path))
      continue;
    Status status = merge_file(path, merged);
    if (!status.ok())
      return status.error();
    read.push_back(path);
  }
  if (read.empty()) {
    return Error(ErrorCode::kNotFound, "no kubeconfig file found among: " + joined(paths));
  }

  const std::string context_name = context.empty() ? merged.current_context : context;
  if (context_name.empty()) {
    return invalid("kubeconfig " + joined(read), "current-context is not set and no context given");
  }
  auto found_context = merged.contexts.find(context_name);
  if (found_context == merged.contexts.end()) {
    return invalid("kubeconfig " + joined(read), "context \"" + context_name + "\" not found");
  }
  const Entry& ctx = found_context->second;

  ClientConfig config;
  config.origin = "kubeconfig " + ctx.file + " context " + context_name;
  auto cluster_name = string_field(ctx.body, "cluster", ctx.where);
  if (!cluster_name.ok())
    return cluster_name.error();
  auto user_name = string_field(ctx.body, "user", ctx.where);
  if (!user_name.ok())
    return user_name.error();
  auto namespace_name = string_field(ctx.body, "namespace", ctx.where);
  if (!namespace_name.ok())
    return namespace_name.error();
  config.namespace_name = namespace_name->empty() ? "default" : *namespace_name;

  auto cluster = merged.clusters.find(*cluster_name);
  if (cluster_name->empty() || cluster == merged.clusters.end()) {
    return invalid(ctx.where, "cluster \"" + *cluster_name + "\" not found");
  }
  Status status = apply_cluster(cluster->second, config);
  if (!status.ok())
    return status.error();

  // A context without a user is valid (anonymous access, or client certs not needed).
  if (!user_name->empty()) {
    auto user = merged.users.find(*user_name);
    if (user == merged.users.end()) {
      return invalid(ctx.where, "user \"" + *user_name + "\" not found");
    }
    status = apply_user(user->second, config);
    if (!status.ok())
      return status.error();
  }
  return config;
}

std::vector<std::string> split_kubeconfig_list(const std::string& value) {
  std::vector<std::string> paths;
  std::string current;
  std::istringstream in(value);
  while (std::getline(in, current, ':')) {
    if (!current.empty())
      paths.push_back(current);
  }
  return paths;
}

}  // namespace hvo::kube
