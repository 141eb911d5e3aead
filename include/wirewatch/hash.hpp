#pragma once
// Small stable hashes for ids that must not change between runs or builds (alert ids, item ids
// when a feed gives none). Not for security.

#include <cstdint>
#include <string>
#include <string_view>

namespace ww {

// FNV-1a, 64 bits.
std::uint64_t fnv1a64(std::string_view data, std::uint64_t seed = 14695981039346656037ull);

// 16 lowercase hex digits.
std::string hex64(std::uint64_t value);

}  // namespace ww
