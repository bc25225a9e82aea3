// The dryRun query parameter of every write (create, update, patch, delete, deletecollection):
// "All" runs decoding, defaulting, admission and validation and answers with what would have
// been stored, without writing to etcd (so no watch event and no new resourceVersion). Any
// other value is 422 Invalid on the verb's options kind, as upstream's ValidateDryRun.
#pragma once

#include <string>
#include <vector>

#include "common/net/http_types.h"

namespace hvo::apiserver {

// True for dryRun=All; false when absent. `options_kind` names the verb's options in the
// error ("CreateOptions", "UpdateOptions", "PatchOptions", "DeleteOptions").
bool dry_run_requested(const net::HttpRequest& request, const std::string& options_kind);
// The same check on DeleteOptions.dryRun sent in a DELETE's body (kubectl and client-go send
// the options there); true when non-empty and all "All".
bool dry_run_requested(const std::vector<std::string>& values, const std::string& options_kind);

}  // namespace hvo::apiserver
