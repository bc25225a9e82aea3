// The packed store's codec: exact round trips with or without a sample, a sample that makes
// objects of its kind small, and corrupt input refused instead of misread.
#include "operator/object_packer.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace hvo::kube {
namespace {

using nlohmann::json;

json vm(const std::string& name, const std::string& host) {
  json conditions = json::array();
  for (const char* type : {"Scheduled", "Provisioned", "Ready", "Reconciling"}) {
    conditions.push_back({{"type", type},
                          {"status", "True"},
                          {"reason", type},
                          {"message", std::string("On host ") + host + "."},
                          {"lastTransitionTime", "2026-12-07T10:00:00Z"}});
  }
  return {{"apiVersion", "hyperv.operator.io/v1alpha1"},
          {"kind", "VirtualMachine"},
          {"metadata", {{"name", name}, {"namespace", "team-a"}, {"resourceVersion", "7"}}},
          {"spec", {{"cpu", {{"count", 2}}}, {"ratio", 0.5}, {"big", 1LL << 40}}},
          {"status", {{"host", host}, {"conditions", conditions}, {"gone", nullptr}}}};
}

TEST(ObjectPacker, RoundTripsExactlyWithAndWithoutASample) {
  const json object = vm("web-1", "hv-07");
  for (const ObjectPacker& packer : {ObjectPacker(), ObjectPacker(vm("sample", "hv-01"))}) {
    const json back = packer.unpack(packer.pack(object));
    EXPECT_EQ(back, object);
    EXPECT_TRUE(back["spec"]["big"].is_number_integer());
    EXPECT_TRUE(back["spec"]["ratio"].is_number_float());
  }
}

TEST(ObjectPacker, ObjectsUnlikeTheSampleStillRoundTrip) {
  const ObjectPacker packer(vm("sample", "hv-01"));
  const json other = {{"kind", "Namespace"}, {"metadata", {{"name", "a"}}}, {"data", "é\u0001"}};
  EXPECT_EQ(packer.unpack(packer.pack(other)), other);
  EXPECT_EQ(packer.unpack(packer.pack(json::object())), json::object());
}

// The point of the sample: what every object of the kind repeats is kept once.
TEST(ObjectPacker, ASampleOfTheKindMakesItsObjectsSmall) {
  const json object = vm("web-1", "hv-07");
  const std::size_t cbor = json::to_cbor(object).size();
  const std::size_t plain = ObjectPacker().pack(object).size();
  const std::size_t with_sample = ObjectPacker(vm("sample", "hv-01")).pack(object).size();
  EXPECT_LT(plain, cbor);
  EXPECT_LT(with_sample * 4, plain)
      << "cbor " << cbor << ", deflated " << plain << ", against the sample " << with_sample;
}

TEST(ObjectPacker, CorruptOrForeignInputIsRefused) {
  const ObjectPacker packer(vm("sample", "hv-01"));
  std::vector<std::uint8_t> packed = packer.pack(vm("web-1", "hv-07"));
  std::vector<std::uint8_t> truncated(packed.begin(), packed.begin() + packed.size() / 2);
  EXPECT_THROW(packer.unpack(truncated), std::exception);
  EXPECT_THROW(packer.unpack({0xff, 0xff, 0xff, 0xff}), std::exception);
  // Packed against another sample: the back-references point into the wrong dictionary.
  const ObjectPacker other(json{{"unrelated", std::string(600, 'x')}});
  bool refused_or_different = false;
  try {
    refused_or_different = other.unpack(packed) != vm("web-1", "hv-07");
  } catch (const std::exception&) {
    refused_or_different = true;
  }
  EXPECT_TRUE(refused_or_different);
}

// Each thread reuses one compressor and one decompressor: a refused input must not leave them
// unusable, and two packers with different samples must not see each other's dictionary.
TEST(ObjectPacker, ReusedStreamsRecoverFromAFailureAndKeepSamplesApart) {
  const ObjectPacker with_sample(vm("sample", "hv-01"));
  const ObjectPacker plain;
  const json object = vm("web-1", "hv-07");
  const auto packed = with_sample.pack(object);
  EXPECT_THROW(with_sample.unpack({0xff, 0xff, 0xff, 0xff}), std::exception);
  EXPECT_EQ(with_sample.unpack(packed), object);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(plain.unpack(plain.pack(object)), object);
    EXPECT_EQ(with_sample.unpack(with_sample.pack(object)), object);
  }
}

}  // namespace
}  // namespace hvo::kube
