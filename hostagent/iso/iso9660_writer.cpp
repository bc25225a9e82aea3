#include "hostagent/iso/iso9660_writer.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <set>

namespace hvo::agent {
namespace {

// Fixed layout (sector numbers): 0-15 system area, then the volume descriptors, the four path
// tables (primary L/M, Joliet L/M), the two one-sector root directories, then file data.
constexpr uint32_t kPrimaryDescriptorSector = 16;
constexpr uint32_t kJolietDescriptorSector = 17;
constexpr uint32_t kTerminatorSector = 18;
constexpr uint32_t kPrimaryPathTableL = 19;
constexpr uint32_t kPrimaryPathTableM = 20;
constexpr uint32_t kJolietPathTableL = 21;
constexpr uint32_t kJolietPathTableM = 22;
constexpr uint32_t kPrimaryRootSector = 23;
constexpr uint32_t kJolietRootSector = 24;
constexpr uint32_t kFirstDataSector = 25;
constexpr uint32_t kRootPathTableBytes = 10;  // one record: 8 bytes + id + pad
constexpr std::size_t kMaxNameLength = 64;

using Bytes = std::string;

void put8(Bytes& out, std::size_t at, uint8_t v) {
  out[at] = static_cast<char>(v);
}
void put_le16(Bytes& out, std::size_t at, uint16_t v) {
  put8(out, at, v & 0xff);
  put8(out, at + 1, v >> 8);
}
void put_be16(Bytes& out, std::size_t at, uint16_t v) {
  put8(out, at, v >> 8);
  put8(out, at + 1, v & 0xff);
}
void put_le32(Bytes& out, std::size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    put8(out, at + i, (v >> (8 * i)) & 0xff);
}
void put_be32(Bytes& out, std::size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    put8(out, at + i, (v >> (8 * (3 - i))) & 0xff);
}
// ECMA-119 "both-byte orders" fields: little-endian then big-endian.
void put_both16(Bytes& out, std::size_t at, uint16_t v) {
  put_le16(out, at, v);
  put_be16(out, at + 2, v);
}
void put_both32(Bytes& out, std::size_t at, uint32_t v) {
  put_le32(out, at, v);
  put_be32(out, at + 4, v);
}
void put_text(Bytes& out, std::size_t at, std::size_t width, const std::string& text) {
  for (std::size_t i = 0; i < width; ++i)
    out[at + i] = i < text.size() ? text[i] : ' ';
}
// Joliet text fields are UCS-2 big-endian, padded with UCS-2 spaces.
void put_ucs2_text(Bytes& out, std::size_t at, std::size_t width, const std::string& ascii) {
  for (std::size_t i = 0; i + 1 < width; i += 2) {
    const std::size_t index = i / 2;
    put8(out, at + i, 0);
    put8(out, at + i + 1, index < ascii.size() ? ascii[index] : ' ');
  }
  if (width % 2 == 1)
    put8(out, at + width - 1, 0);
}
std::string ucs2(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back('\0');
    out.push_back(c);
  }
  return out;
}

uint32_t sectors_for(std::size_t bytes) {
  return static_cast<uint32_t>((bytes + kIsoSectorBytes - 1) / kIsoSectorBytes);
}

// 7-byte directory record time: years since 1900, month, day, hour, minute, second, UTC offset.
std::string record_time(const std::tm& t) {
  std::string out(7, '\0');
  out[0] = static_cast<char>(t.tm_year);
  out[1] = static_cast<char>(t.tm_mon + 1);
  out[2] = static_cast<char>(t.tm_mday);
  out[3] = static_cast<char>(t.tm_hour);
  out[4] = static_cast<char>(t.tm_min);
  out[5] = static_cast<char>(t.tm_sec);
  return out;
}

// 17-byte volume descriptor time: "YYYYMMDDHHMMSScc" and a UTC offset byte.
void put_volume_time(Bytes& out, std::size_t at, const std::tm* t) {
  char text[17] = "0000000000000000";
  if (t != nullptr)
    std::strftime(text, sizeof(text), "%Y%m%d%H%M%S00", t);
  put_text(out, at, 16, text);
  put8(out, at + 16, 0);
}

struct Entry {
  std::string identifier;  // as recorded: "USER_DAT.;1" or UCS-2 "user-data"
  uint32_t sector = 0;
  uint32_t size = 0;
  bool directory = false;
};

std::string directory_record(const Entry& entry, const std::string& time) {
  const std::size_t id_length = entry.identifier.size();
  const std::size_t length = 33 + id_length + (id_length % 2 == 0 ? 1 : 0);
  std::string record(length, '\0');
  put8(record, 0, static_cast<uint8_t>(length));
  put_both32(record, 2, entry.sector);
  put_both32(record, 10, entry.size);
  record.replace(18, 7, time);
  put8(record, 25, entry.directory ? 0x02 : 0x00);
  put_both16(record, 28, 1);  // volume sequence number
  put8(record, 32, static_cast<uint8_t>(id_length));
  record.replace(33, id_length, entry.identifier);
  return record;
}

// The root directory: "." and ".." (both the root itself), then the files in identifier order.
Result<std::string> root_directory(uint32_t root_sector, std::vector<Entry> files,
                                   const std::string& time) {
  std::sort(files.begin(), files.end(),
            [](const Entry& a, const Entry& b) { return a.identifier < b.identifier; });
  std::string sector;
  sector += directory_record({std::string(1, '\0'), root_sector, kIsoSectorBytes, true}, time);
  sector += directory_record({std::string(1, '\1'), root_sector, kIsoSectorBytes, true}, time);
  for (const auto& file : files)
    sector += directory_record(file, time);
  if (sector.size() > kIsoSectorBytes) {
    return Error(ErrorCode::kInvalidArgument,
                 "ISO root directory needs more than one sector: too many or too long file names");
  }
  sector.resize(kIsoSectorBytes, '\0');
  return sector;
}

std::string path_table(uint32_t root_sector, bool big_endian) {
  std::string table(kIsoSectorBytes, '\0');
  put8(table, 0, 1);  // identifier length (root: one 0x00 byte)
  if (big_endian) {
    put_be32(table, 2, root_sector);
    put_be16(table, 6, 1);
  } else {
    put_le32(table, 2, root_sector);
    put_le16(table, 6, 1);
  }
  return table;
}

std::string volume_descriptor(bool joliet, const std::string& volume_id, uint32_t total_sectors,
                              const std::string& root_record, const std::tm& t) {
  std::string d(kIsoSectorBytes, '\0');
  put8(d, 0, joliet ? 2 : 1);
  d.replace(1, 5, "CD001");
  put8(d, 6, 1);
  auto text = [&](std::size_t at, std::size_t width, const std::string& value) {
    joliet ? put_ucs2_text(d, at, width, value) : put_text(d, at, width, value);
  };
  text(8, 32, "");          // system identifier
  text(40, 32, volume_id);  // volume identifier
  put_both32(d, 80, total_sectors);
  if (joliet)
    d.replace(88, 3, "%/E");            // UCS-2 level 3 escape sequence
  put_both16(d, 120, 1);                // volume set size
  put_both16(d, 124, 1);                // volume sequence number
  put_both16(d, 128, kIsoSectorBytes);  // logical block size
  put_both32(d, 132, kRootPathTableBytes);
  put_le32(d, 140, joliet ? kJolietPathTableL : kPrimaryPathTableL);
  put_be32(d, 148, joliet ? kJolietPathTableM : kPrimaryPathTableM);
  d.replace(156, root_record.size(), root_record);
  text(190, 128, "");                // volume set
  text(318, 128, "");                // publisher
  text(446, 128, "");                // data preparer
  text(574, 128, "HYPERV-AGENT");    // application
  text(702, 37, "");                 // copyright file
  text(739, 37, "");                 // abstract file
  text(776, 37, "");                 // bibliographic file
  put_volume_time(d, 813, &t);       // creation
  put_volume_time(d, 830, &t);       // modification
  put_volume_time(d, 847, nullptr);  // expiration: none
  put_volume_time(d, 864, nullptr);  // effective: at once
  put8(d, 881, 1);                   // file structure version
  return d;
}

std::string terminator() {
  std::string d(kIsoSectorBytes, '\0');
  put8(d, 0, 255);
  d.replace(1, 5, "CD001");
  put8(d, 6, 1);
  return d;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// ISO 9660 level 1 alias: upper-case d-characters, 8.3, version ";1".
std::string primary_identifier(const std::string& name) {
  auto d_chars = [](std::string text, std::size_t width) {
    text = text.substr(0, width);
    for (char& c : text) {
      if (c >= 'a' && c <= 'z')
        c = static_cast<char>(c - 'a' + 'A');
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
        c = '_';
    }
    return text;
  };
  const auto dot = name.rfind('.');
  const std::string base = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  return d_chars(base, 8) + "." + d_chars(ext, 3) + ";1";
}

Status check_spec(const IsoImageSpec& spec) {
  if (spec.volume_id.empty() || spec.volume_id.size() > 16) {
    return Error(ErrorCode::kInvalidArgument, "ISO volume id must be 1-16 characters");
  }
  for (char c : spec.volume_id) {
    if (!is_name_char(c) || c == '.' || c == '-') {
      return Error(ErrorCode::kInvalidArgument,
                   "ISO volume id '" + spec.volume_id + "' may hold only [A-Za-z0-9_]");
    }
  }
  std::set<std::string> names;
  std::set<std::string> aliases;
  for (const auto& file : spec.files) {
    const bool good = !file.name.empty() && file.name.size() <= kMaxNameLength &&
                      std::all_of(file.name.begin(), file.name.end(), is_name_char);
    if (!good) {
      return Error(ErrorCode::kInvalidArgument,
                   "ISO file name '" + file.name + "' must be 1-64 characters of [A-Za-z0-9._-]");
    }
    if (!names.insert(file.name).second || !aliases.insert(primary_identifier(file.name)).second) {
      return Error(ErrorCode::kInvalidArgument,
                   "ISO file name '" + file.name + "' collides with another file");
    }
    if (file.content.size() > UINT32_MAX) {
      return Error(ErrorCode::kInvalidArgument, "ISO file '" + file.name + "' exceeds 4 GiB");
    }
  }
  return OkStatus();
}

}  // namespace

Result<std::string> build_iso9660(const IsoImageSpec& spec) {
  if (auto status = check_spec(spec); !status.ok())
    return status.error();

  std::tm t{};
#ifdef _WIN32
  gmtime_s(&t, &spec.recorded_at);
#else
  gmtime_r(&spec.recorded_at, &t);
#endif
  const std::string time = record_time(t);

  // Both trees point at the same file data, laid out one file after another from sector 25.
  std::vector<Entry> primary;
  std::vector<Entry> joliet;
  uint32_t next_sector = kFirstDataSector;
  for (const auto& file : spec.files) {
    const auto size = static_cast<uint32_t>(file.content.size());
    const uint32_t sector = size == 0 ? 0 : next_sector;  // empty files own no sector
    primary.push_back({primary_identifier(file.name), sector, size, false});
    joliet.push_back({ucs2(file.name), sector, size, false});
    next_sector += sectors_for(file.content.size());
  }
  const uint32_t total_sectors = next_sector;

  auto primary_root = root_directory(kPrimaryRootSector, primary, time);
  if (!primary_root.ok())
    return primary_root.error();
  auto joliet_root = root_directory(kJolietRootSector, joliet, time);
  if (!joliet_root.ok())
    return joliet_root.error();

  const std::string primary_root_record =
      directory_record({std::string(1, '\0'), kPrimaryRootSector, kIsoSectorBytes, true}, time);
  const std::string joliet_root_record =
      directory_record({std::string(1, '\0'), kJolietRootSector, kIsoSectorBytes, true}, time);

  std::string image(kPrimaryDescriptorSector * kIsoSectorBytes, '\0');
  image += volume_descriptor(false, spec.volume_id, total_sectors, primary_root_record, t);
  image += volume_descriptor(true, spec.volume_id, total_sectors, joliet_root_record, t);
  image += terminator();
  image += path_table(kPrimaryRootSector, false);
  image += path_table(kPrimaryRootSector, true);
  image += path_table(kJolietRootSector, false);
  image += path_table(kJolietRootSector, true);
  image += primary_root.value();
  image += joliet_root.value();
  for (const auto& file : spec.files) {
    image += file.content;
    image.resize(
        image.size() + (kIsoSectorBytes - file.content.size() % kIsoSectorBytes) % kIsoSectorBytes,
        '\0');
  }
  return image;
}

}  // namespace hvo::agent
