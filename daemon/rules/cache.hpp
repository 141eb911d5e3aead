#pragma once
// On-disk cache of compiled Hyperscan databases, keyed by a hash of everything that affects
// compilation (Suricata's util-mpm-hs-cache idea). Any problem with the cache is reported to
// the caller as a reason string; the caller logs a warning and compiles.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "rules/compiled.hpp"

namespace ww::rules::detail {

struct Hash128 {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    std::string hex() const;
    bool operator==(const Hash128&) const = default;
};

// FNV-1a with the 128-bit FNV prime and offset basis (IETF draft-eastlake-fnv): simple,
// public, byte-at-a-time; a cache key only has to avoid accidental collisions, and its input
// (patterns, flags, versions) is small. Lengths are hashed before strings so that
// ("ab","c") and ("a","bc") differ.
class Fnv1a128 {
public:
    void bytes(const void* data, std::size_t n);
    void u64(std::uint64_t v);
    void str(std::string_view s);
    Hash128 digest() const;

private:
    __extension__ using U128 = unsigned __int128;
    U128 state_ = (static_cast<U128>(0x6c62272e07bb0142ULL) << 64) | 0x62b821756295c58dULL;
};

// Slots: group * 2 + (0 = literals, 1 = regexes); an empty slot has no database.
inline constexpr std::size_t kSlots = kGroups * 2;
using DatabaseSlots = std::array<HsDatabase, kSlots>;

std::filesystem::path cache_file(const std::filesystem::path& dir, const Hash128& key);

// Loads `file` into `dbs`; `expected[i]` says which slots must be present. False with `why`.
bool load_cache(const std::filesystem::path& file, const Hash128& key,
                const std::array<bool, kSlots>& expected, DatabaseSlots& dbs, std::string& why);

// Writes atomically (temporary file in the same directory, then rename), then prunes old
// cache files. False with `why`.
bool write_cache(const std::filesystem::path& file, const Hash128& key, const DatabaseSlots& dbs,
                 std::string& why);

}  // namespace ww::rules::detail
