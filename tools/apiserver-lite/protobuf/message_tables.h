// The Kubernetes messages the emulator decodes from protobuf, one declarative table per message:
// field number → JSON name, how the value is read and written as JSON. Numbers and names are
// those of the published generated.proto files of k8s.io/api and k8s.io/apimachinery.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hvo::apiserver::protobuf {

enum class FieldKind : std::uint8_t {
  kString,
  kBool,
  kInt32,
  kInt64,
  kMessage,    // a nested table
  kTime,       // meta/v1 Time {seconds=1, nanos=2} → RFC3339 (seconds); zero → null
  kMicroTime,  // meta/v1 MicroTime → RFC3339 with microseconds; zero → null
  kStringMap,  // map<string,string>: repeated {key=1, value=2}
  kBytesMap,   // map<string,bytes>: values base64
  kFieldsV1,   // meta/v1 FieldsV1 {Raw=1}: the raw bytes are JSON, embedded as JSON
};

struct Message;

struct Field {
  std::uint32_t number;
  const char* json_name;
  FieldKind kind;
  bool repeated = false;
  // Go pointer fields and fields without omitempty: written to JSON even when zero or empty.
  // Others are left out when zero, as Go's encoding/json leaves them out (omitempty).
  bool keep_zero = false;
  const Message& (*message)() = nullptr;  // kMessage only
};

struct Message {
  const char* name;
  std::vector<Field> fields;
  const Field* field(std::uint32_t number) const;
};

// A top-level kind and the table of its message, found by the runtime.Unknown envelope's
// apiVersion and kind.
struct KindTable {
  const char* api_version;
  const char* kind;
  const Message& (*message)();
};

// Every kind this emulator accepts in protobuf (the built-in kinds it stores, the
// authorization.k8s.io reviews, DeleteOptions).
const std::vector<KindTable>& kind_tables();
// The table of apiVersion + kind, or nullptr. DeleteOptions matches any apiVersion (clients
// send it in the group-version of the resource being deleted).
const KindTable* find_kind(const std::string& api_version, const std::string& kind);

}  // namespace hvo::apiserver::protobuf
