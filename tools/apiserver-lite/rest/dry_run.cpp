#include "tools/apiserver-lite/rest/dry_run.h"

#include "tools/apiserver-lite/rest/api_error.h"
#include "tools/apiserver-lite/rest/query_params.h"

namespace hvo::apiserver {

bool dry_run_requested(const std::vector<std::string>& values, const std::string& options_kind) {
  bool all = true;
  for (const auto& value : values)
    all = all && value == "All";
  if (all)
    return !values.empty();
  // field.NotSupported(dryRun, values, ["All"]) inside NewInvalid on the options kind; the Go
  // slice is printed with %#v.
  std::string printed;
  for (const auto& value : values) {
    printed += printed.empty() ? "\"" : ", \"";
    for (char c : value) {
      if (c == '"' || c == '\\')
        printed += '\\';
      printed += c;
    }
    printed += '"';
  }
  ResourceType options;
  options.group = "meta.k8s.io";
  options.kind = options_kind;
  throw invalid(options, "",
                {{"FieldValueNotSupported", "dryRun",
                  "Unsupported value: []string{" + printed + "}: supported values: \"All\""}});
}

bool dry_run_requested(const net::HttpRequest& request, const std::string& options_kind) {
  const QueryParams query(request);
  if (!query.has("dryRun"))
    return false;
  return dry_run_requested(std::vector<std::string>{query.text("dryRun")}, options_kind);
}

}  // namespace hvo::apiserver
