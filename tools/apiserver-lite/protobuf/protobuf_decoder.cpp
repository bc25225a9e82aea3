#include "tools/apiserver-lite/protobuf/protobuf_decoder.h"

#include <cstdint>
#include <cstdio>
#include <ctime>

#include "tools/apiserver-lite/etcd/base64.h"
#include "tools/apiserver-lite/protobuf/message_tables.h"
#include "tools/apiserver-lite/protobuf/wire_reader.h"

namespace hvo::apiserver::protobuf {

using nlohmann::json;

namespace {

constexpr std::string_view kMagic("k8s\0", 4);
// Go's zero time.Time in Unix seconds (January 1, year 1): what a zero Time may be sent as.
constexpr std::int64_t kGoZeroTimeSeconds = -62135596800;

std::string wire_type_name(WireType type) {
  switch (type) {
    case WireType::kVarint:
      return "varint";
    case WireType::kFixed64:
      return "fixed64";
    case WireType::kLengthDelimited:
      return "length-delimited";
    case WireType::kFixed32:
      return "fixed32";
    default:
      return "group";
  }
}

[[noreturn]] void wrong_wire_type(const Message& message, const Field& field, WireType got) {
  throw WireError(std::string(message.name) + "." + field.json_name + " (field " +
                  std::to_string(field.number) + "): wire type " + wire_type_name(got) + " where " +
                  (field.kind == FieldKind::kBool || field.kind == FieldKind::kInt32 ||
                           field.kind == FieldKind::kInt64
                       ? "varint"
                       : "length-delimited") +
                  " was expected");
}

// Days since 1970-01-01 → civil date (Howard Hinnant's algorithm); valid for years 1..9999.
void civil_from_days(std::int64_t days, int& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

// A meta/v1 Time or MicroTime message as Go's JSON writes it: null when zero, else RFC3339 in
// UTC (seconds for Time, six fraction digits for MicroTime).
json time_value(std::string_view bytes, bool micro) {
  WireReader reader(bytes);
  std::int64_t seconds = 0;
  std::int64_t nanos = 0;
  while (!reader.done()) {
    const FieldTag tag = reader.tag();
    if ((tag.number == 1 || tag.number == 2) && tag.wire_type == WireType::kVarint) {
      const std::uint64_t value = reader.varint();
      if (tag.number == 1)
        seconds = static_cast<std::int64_t>(value);
      else
        nanos = static_cast<std::int32_t>(value);
    } else {
      reader.skip(tag.wire_type);
    }
  }
  if ((seconds == 0 && nanos == 0) || seconds == kGoZeroTimeSeconds)
    return nullptr;
  if (nanos < 0 || nanos > 999999999)
    throw WireError("Time.nanos out of range: " + std::to_string(nanos));
  if (seconds < kGoZeroTimeSeconds || seconds > 253402300799)  // beyond years 1..9999
    throw WireError("Time.seconds out of range: " + std::to_string(seconds));
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  char text[40];
  const int hour = static_cast<int>(rest / 3600);
  const int minute = static_cast<int>(rest / 60 % 60);
  const int second = static_cast<int>(rest % 60);
  if (micro) {
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", year, month, day, hour,
                  minute, second, static_cast<int>(nanos / 1000));
  } else {
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", year, month, day, hour,
                  minute, second);
  }
  return text;
}

// Strings reach JSON, which holds UTF-8 only (a JSON body with invalid UTF-8 is refused too).
std::string utf8(std::string_view bytes, const char* what) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    std::size_t length = 1;
    if (lead >= 0xf0 && lead <= 0xf4)
      length = 4;
    else if (lead >= 0xe0)
      length = 3;
    else if (lead >= 0xc2 && lead <= 0xdf)
      length = 2;
    else if (lead >= 0x80)
      length = 0;
    bool valid = length != 0 && i + length <= bytes.size();
    for (std::size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(bytes[i + k]) & 0xc0) == 0x80;
    if (valid && length == 3) {
      const auto next = static_cast<unsigned char>(bytes[i + 1]);
      valid =
          !(lead == 0xe0 && next < 0xa0) && !(lead == 0xed && next >= 0xa0);  // overlong, surrogate
    } else if (valid && length == 4) {
      const auto next = static_cast<unsigned char>(bytes[i + 1]);
      valid = !(lead == 0xf0 && next < 0x90) && !(lead == 0xf4 && next >= 0x90);
    }
    if (!valid)
      throw WireError(std::string(what) + " is not valid UTF-8 (byte " + std::to_string(i) + ")");
    i += length;
  }
  return std::string(bytes);
}

// One map entry {key=1, value=2}.
std::pair<std::string, std::string> map_entry(std::string_view bytes, bool bytes_value) {
  WireReader reader(bytes);
  std::pair<std::string, std::string> entry;
  while (!reader.done()) {
    const FieldTag tag = reader.tag();
    if (tag.number == 1 && tag.wire_type == WireType::kLengthDelimited) {
      entry.first = utf8(reader.length_delimited(), "map key");
    } else if (tag.number == 2 && tag.wire_type == WireType::kLengthDelimited) {
      const std::string_view value = reader.length_delimited();
      entry.second = bytes_value ? etcd::base64_encode(value) : utf8(value, "map value");
    } else {
      reader.skip(tag.wire_type);
    }
  }
  return entry;
}

json fields_v1(std::string_view bytes) {
  WireReader reader(bytes);
  json value = json::object();
  while (!reader.done()) {
    const FieldTag tag = reader.tag();
    if (tag.number == 1 && tag.wire_type == WireType::kLengthDelimited) {
      const std::string_view raw = reader.length_delimited();
      value = json::parse(raw.begin(), raw.end(), nullptr, false);
      if (value.is_discarded())
        throw WireError("FieldsV1.Raw is not JSON");
    } else {
      reader.skip(tag.wire_type);
    }
  }
  return value;
}

bool is_zero(const json& value) {
  return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
         (value.is_boolean() && !value.get<bool>()) || (value.is_number() && value == 0) ||
         (value.is_object() && value.empty());
}

json decode_message(std::string_view bytes, const Message& message);

// Reads one field's value (the tag is already read) and adds it to `object`.
void decode_field(WireReader& reader, WireType wire_type, const Message& message,
                  const Field& field, json& object) {
  const bool varint_kind = field.kind == FieldKind::kBool || field.kind == FieldKind::kInt32 ||
                           field.kind == FieldKind::kInt64;
  if (varint_kind != (wire_type == WireType::kVarint) ||
      (!varint_kind && wire_type != WireType::kLengthDelimited)) {
    wrong_wire_type(message, field, wire_type);
  }
  if (field.kind == FieldKind::kStringMap || field.kind == FieldKind::kBytesMap) {
    auto [key, value] = map_entry(reader.length_delimited(), field.kind == FieldKind::kBytesMap);
    json& map = object[field.json_name];
    if (!map.is_object())
      map = json::object();
    map[key] = std::move(value);
    return;
  }
  json value;
  switch (field.kind) {
    case FieldKind::kString:
      value = utf8(reader.length_delimited(), "string");
      break;
    case FieldKind::kBool:
      value = reader.varint() != 0;
      break;
    case FieldKind::kInt32:
      value = static_cast<std::int32_t>(reader.varint());
      break;
    case FieldKind::kInt64:
      value = static_cast<std::int64_t>(reader.varint());
      break;
    case FieldKind::kMessage:
      value = decode_message(reader.length_delimited(), field.message());
      break;
    case FieldKind::kTime:
    case FieldKind::kMicroTime:
      value = time_value(reader.length_delimited(), field.kind == FieldKind::kMicroTime);
      break;
    case FieldKind::kFieldsV1:
      value = fields_v1(reader.length_delimited());
      break;
    case FieldKind::kStringMap:
    case FieldKind::kBytesMap:
      break;  // handled above
  }
  if (field.repeated) {
    json& list = object[field.json_name];
    if (!list.is_array())
      list = json::array();
    list.push_back(std::move(value));
    return;
  }
  // Messages are always kept (an empty spec is `{}` in Go's JSON too); zero scalars only when
  // the Go field is a pointer or not omitempty. A zero Time is null either way, as in Go.
  const bool time = field.kind == FieldKind::kTime || field.kind == FieldKind::kMicroTime;
  if (field.kind != FieldKind::kMessage && !time && !field.keep_zero && is_zero(value)) {
    object.erase(field.json_name);  // a later zero overrides an earlier value (last one wins)
    return;
  }
  object[field.json_name] = std::move(value);
}

json decode_message(std::string_view bytes, const Message& message) {
  WireReader reader(bytes);
  json object = json::object();
  while (!reader.done()) {
    const FieldTag tag = reader.tag();
    const Field* field = message.field(tag.number);
    if (field == nullptr) {
      reader.skip(tag.wire_type);  // fields newer than our tables are ignored, as by Go
      continue;
    }
    try {
      decode_field(reader, tag.wire_type, message, *field, object);
    } catch (const WireError& e) {
      const std::string what = e.what();
      // Say which field a nested failure was in, outermost first.
      if (what.rfind(message.name, 0) == 0)
        throw;
      throw WireError(std::string(message.name) + "." + field->json_name + ": " + what);
    }
  }
  return object;
}

struct Envelope {
  std::string api_version;
  std::string kind;
  std::string_view raw;
  std::string content_encoding;
  std::string content_type;
};

Envelope read_envelope(std::string_view bytes) {
  Envelope envelope;
  WireReader reader(bytes);
  while (!reader.done()) {
    const FieldTag tag = reader.tag();
    if (tag.wire_type != WireType::kLengthDelimited || tag.number > 4) {
      reader.skip(tag.wire_type);
      continue;
    }
    const std::string_view value = reader.length_delimited();
    if (tag.number == 1) {
      WireReader type_meta(value);
      while (!type_meta.done()) {
        const FieldTag inner = type_meta.tag();
        if ((inner.number == 1 || inner.number == 2) &&
            inner.wire_type == WireType::kLengthDelimited) {
          (inner.number == 1 ? envelope.api_version : envelope.kind) =
              utf8(type_meta.length_delimited(), "TypeMeta string");
        } else {
          type_meta.skip(inner.wire_type);
        }
      }
    } else if (tag.number == 2) {
      envelope.raw = value;
    } else if (tag.number == 3) {
      envelope.content_encoding = std::string(value);
    } else {
      envelope.content_type = std::string(value);
    }
  }
  return envelope;
}

}  // namespace

DecodedBody decode_kubernetes_protobuf(std::string_view body) {
  DecodedBody result;
  if (body.substr(0, kMagic.size()) != kMagic) {
    result.error = "the body does not start with the protobuf prefix \"k8s\\x00\"";
    return result;
  }
  Envelope envelope;
  try {
    envelope = read_envelope(body.substr(kMagic.size()));
  } catch (const WireError& e) {
    result.error = std::string("malformed runtime.Unknown envelope: ") + e.what();
    return result;
  }
  result.api_version = envelope.api_version;
  result.kind = envelope.kind;
  if (envelope.kind.empty()) {
    result.error = "the protobuf envelope names no kind";
    return result;
  }
  if (!envelope.content_encoding.empty()) {
    result.error = "unsupported protobuf contentEncoding \"" + envelope.content_encoding + "\"";
    return result;
  }
  const KindTable* table = find_kind(envelope.api_version, envelope.kind);
  if (table == nullptr) {
    result.outcome = DecodedBody::Outcome::kUnknownKind;
    result.error = "no protobuf decoding for " + envelope.api_version + ", Kind=" + envelope.kind;
    return result;
  }
  try {
    json object = decode_message(envelope.raw, table->message());
    json typed = {{"apiVersion", envelope.api_version}, {"kind", envelope.kind}};
    typed.update(object);
    result.object = std::move(typed);
  } catch (const WireError& e) {
    result.error = "malformed " + envelope.kind + ": " + e.what();
    return result;
  }
  result.outcome = DecodedBody::Outcome::kOk;
  return result;
}

}  // namespace hvo::apiserver::protobuf
