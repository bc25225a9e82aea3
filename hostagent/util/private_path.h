// Folders and files that hold secrets (the token, TLS keys, cloud-init seeds with user data) are
// kept from other local users, the same way on both systems:
//   POSIX:   folders 0700, secret files 0600 (write_file_atomically creates them 0600).
//   Windows: folders get a protected DACL "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)" (SYSTEM and
//            Administrators only, nothing inherited from the parent; files created inside inherit
//            it), plus the account the agent runs as when that is not SYSTEM, so a dedicated
//            service account keeps access to its own folders.
// The implementation is private_path_posix.cpp or private_path_windows.cpp.
#pragma once

#include <string>

#include "common/status.h"

namespace hvo::agent {

// Creates `dir` and its missing parents, each new folder private from the moment it exists (no
// window with wider access). Folders that already exist are left as they are.
// kInvalidArgument naming the folder and the system's reason.
Status create_private_directories(const std::string& dir);

// Makes an existing folder private (POSIX chmod 0700; Windows the protected DACL above, which
// Windows also passes on to the inherited entries of what the folder holds). For folders only
// the agent writes into, such as the seed folder.
Status restrict_directory(const std::string& dir);

// Ok when no other local user can read or write `path`; otherwise kPermissionDenied with a
// message naming the file, `what` refers to it as (e.g. "auth.tokenFile"), who has access and
// the command that fixes it.
//   POSIX:   any group or other read or write bit.
//   Windows: a NULL DACL, or an allow entry that applies to the file and grants read or write to
//            Users (S-1-5-32-545), Everyone (S-1-1-0) or Authenticated Users (S-1-5-11).
Status check_private_file(const std::string& path, const std::string& what);

}  // namespace hvo::agent
