#include "tools/apiserver-lite/etcd/base64.h"

#include <openssl/evp.h>

#include <vector>

namespace hvo::apiserver::etcd {

std::string base64_encode(std::string_view bytes) {
  if (bytes.empty())
    return {};
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty())
    return std::string();
  if (text.size() % 4 != 0)
    return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  const int written =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  if (written < 0)
    return std::nullopt;
  // EVP_DecodeBlock keeps the bytes that padding stands for; drop one per '='.
  std::size_t size = static_cast<std::size_t>(written);
  if (text.back() == '=')
    --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=')
    --size;
  return std::string(reinterpret_cast<const char*>(out.data()), size);
}

}  // namespace hvo::apiserver::etcd
