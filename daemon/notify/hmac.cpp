#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "wirewatch/notify/formats.hpp"

namespace ww::notify {

std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    // One-shot HMAC(): not deprecated in OpenSSL 3 (only the HMAC_CTX API is).
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest,
             &length) == nullptr) {
        return {};
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

}  // namespace ww::notify
