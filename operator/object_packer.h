// How a kPacked Store keeps an object: CBOR, deflated against a sample object of the same
// kind. Objects of one kind repeat the same keys and most values (a VirtualMachine's eight
// conditions, its typeMeta, its status words), so with the sample as the compressor's preset
// dictionary a settled VM of ~2 KB of JSON keeps in ~150 bytes instead of ~1.7 KB of CBOR; a
// read inflates (microseconds) and parses the CBOR. The sample only sets the ratio: any object
// packs and unpacks exactly, whatever it holds.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace hvo::kube {

class ObjectPacker {
 public:
  // `sample`: a typical object of the kind (null: deflate without a dictionary).
  explicit ObjectPacker(const nlohmann::json& sample = nullptr);

  std::vector<std::uint8_t> pack(const nlohmann::json& object) const;
  // Throws std::runtime_error when `packed` was not made by pack() with the same sample.
  nlohmann::json unpack(const std::vector<std::uint8_t>& packed) const;

 private:
  std::vector<std::uint8_t> dictionary_;  // the sample as CBOR
};

}  // namespace hvo::kube
