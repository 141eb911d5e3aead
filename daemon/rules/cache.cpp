#include "rules/cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace ww::rules::detail {

namespace {

// Version byte last: bump it when the file layout changes.
constexpr char kMagic[8] = {'W', 'W', 'H', 'S', 'D', 'B', '\0', '\1'};
// Cache files kept in the directory (the current one included); a few old ones make a quick
// switch back after a bad edit of the rules cheap without letting the state dir grow.
constexpr std::size_t kKeepFiles = 4;

// Corruption check over the payload. FNV byte-at-a-time would cost tens of milliseconds on a
// large database, so this mixes 8 bytes per step (multiply-rotate, then a murmur3-style
// finalizer). It detects truncation and bit flips; it is not meant to resist an attacker, who
// could as well replace the whole state directory.
std::uint64_t checksum64(const char* p, std::size_t n) {
    constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ULL;
    constexpr std::uint64_t k2 = 0xC2B2AE3D27D4EB4FULL;
    std::uint64_t h = 0x27D4EB2F165667C5ULL ^ (n * k2);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        h ^= w * k1;
        h = ((h << 31) | (h >> 33)) * k2;
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, p + i, n - i);
    h ^= tail * k1;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h;
}

void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
        out.push_back(static_cast<char>(v >> (8 * i)));
    }
}

bool get_u64(std::string_view& in, std::uint64_t& v) {
    if (in.size() < 8) {
        return false;
    }
    v = 0;
    for (int i = 0; i < 8; ++i) {
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
    }
    in.remove_prefix(8);
    return true;
}

void prune(const std::filesystem::path& keep) {
    std::error_code ec;
    std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> files;
    for (const auto& entry : std::filesystem::directory_iterator(keep.parent_path(), ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.path() == keep || !name.starts_with("rules-") || !name.ends_with(".hsdb")) {
            continue;
        }
        files.emplace_back(entry.last_write_time(ec), entry.path());
    }
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = kKeepFiles - 1; i < files.size(); ++i) {
        std::filesystem::remove(files[i].second, ec);
    }
}

}  // namespace

std::string Hash128::hex() const {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::uint64_t part : {hi, lo}) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.push_back(kDigits[(part >> shift) & 0xF]);
        }
    }
    return out;
}

void Fnv1a128::bytes(const void* data, std::size_t n) {
    // FNV-128 prime: 2^88 + 2^8 + 0x3b.
    const U128 prime = (static_cast<U128>(1) << 88) | 0x13B;
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
        state_ ^= p[i];
        state_ *= prime;
    }
}

void Fnv1a128::u64(std::uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) {
        b[i] = static_cast<unsigned char>(v >> (8 * i));
    }
    bytes(b, sizeof b);
}

void Fnv1a128::str(std::string_view s) {
    u64(s.size());
    bytes(s.data(), s.size());
}

Hash128 Fnv1a128::digest() const {
    return Hash128{static_cast<std::uint64_t>(state_ >> 64), static_cast<std::uint64_t>(state_)};
}

std::filesystem::path cache_file(const std::filesystem::path& dir, const Hash128& key) {
    return dir / ("rules-" + key.hex() + ".hsdb");
}

bool load_cache(const std::filesystem::path& file, const Hash128& key,
                const std::array<bool, kSlots>& expected, DatabaseSlots& dbs, std::string& why) {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in) {
        why = "not found";
        return false;
    }
    // One read of the whole file: istreambuf_iterator went byte by byte (~10 ms for 3 MB).
    const std::streamoff file_size = in.tellg();
    std::string data(file_size > 0 ? static_cast<std::size_t>(file_size) : 0, '\0');
    in.seekg(0);
    if (!in.read(data.data(), static_cast<std::streamsize>(data.size()))) {
        why = "cannot read";
        return false;
    }
    std::string_view rest = data;
    if (rest.size() < sizeof kMagic + 16 + 8 + 8 ||
        std::memcmp(rest.data(), kMagic, sizeof kMagic) != 0) {
        why = "not a wirewatch rule cache (or an older format)";
        return false;
    }
    const std::size_t body_size = rest.size() - sizeof kMagic - 8;
    std::string_view tail = rest.substr(rest.size() - 8);
    std::uint64_t stored_sum = 0;
    get_u64(tail, stored_sum);
    if (checksum64(rest.data() + sizeof kMagic, body_size) != stored_sum) {
        why = "checksum mismatch (truncated or corrupt)";
        return false;
    }
    rest = rest.substr(sizeof kMagic, body_size);
    Hash128 stored;
    std::uint64_t mask = 0;
    get_u64(rest, stored.hi);
    get_u64(rest, stored.lo);
    get_u64(rest, mask);
    if (!(stored == key)) {
        why = "key mismatch";
        return false;
    }
    for (std::size_t slot = 0; slot < kSlots; ++slot) {
        const bool present = (mask >> slot) & 1u;
        if (present != expected[slot]) {
            why = "database set does not match the rules";
            return false;
        }
        if (!present) {
            continue;
        }
        std::uint64_t size = 0;
        if (!get_u64(rest, size) || size > rest.size()) {
            why = "truncated";
            return false;
        }
        // Hyperscan checks the version and platform recorded in the bytes and refuses a
        // database built by another release or for another CPU.
        hs_database_t* db = nullptr;
        hs_error_t err = hs_deserialize_database(rest.data(), size, &db);
        if (err != HS_SUCCESS) {
            why = err == HS_DB_VERSION_ERROR ? "built by another Hyperscan version"
                  : err == HS_DB_PLATFORM_ERROR
                      ? "built for another CPU"
                      : "Hyperscan rejected it (error " + std::to_string(err) + ")";
            return false;
        }
        dbs[slot].reset(db);
        rest.remove_prefix(size);
    }
    if (!rest.empty()) {
        why = "trailing bytes";
        return false;
    }
    return true;
}

bool write_cache(const std::filesystem::path& file, const Hash128& key, const DatabaseSlots& dbs,
                 std::string& why) {
    std::string out(kMagic, sizeof kMagic);
    put_u64(out, key.hi);
    put_u64(out, key.lo);
    std::uint64_t mask = 0;
    for (std::size_t slot = 0; slot < kSlots; ++slot) {
        mask |= static_cast<std::uint64_t>(dbs[slot] != nullptr) << slot;
    }
    put_u64(out, mask);
    for (const auto& db : dbs) {
        if (!db) {
            continue;
        }
        char* bytes = nullptr;
        std::size_t length = 0;
        if (hs_serialize_database(db.get(), &bytes, &length) != HS_SUCCESS) {
            why = "hs_serialize_database failed";
            return false;
        }
        put_u64(out, length);
        out.append(bytes, length);
        std::free(bytes);  // allocated by Hyperscan's misc allocator, malloc by default
    }
    put_u64(out, checksum64(out.data() + sizeof kMagic, out.size() - sizeof kMagic));

    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    // Unique per process and call, so concurrent writers never share a temp file; rename()
    // within one directory is atomic, so readers see the old file or the whole new one.
    static std::atomic<unsigned> counter{0};
    const std::filesystem::path tmp =
        file.parent_path() / ("." + file.filename().string() + ".tmp-" + std::to_string(getpid()) +
                              "-" + std::to_string(counter++));
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f.write(out.data(), static_cast<std::streamsize>(out.size()));
        f.flush();
        if (!f) {
            why = "cannot write " + tmp.string();
            f.close();
            std::filesystem::remove(tmp, ec);
            return false;
        }
    }
    std::filesystem::rename(tmp, file, ec);
    if (ec) {
        why = "cannot rename " + tmp.string() + ": " + ec.message();
        std::filesystem::remove(tmp, ec);
        return false;
    }
    prune(file);
    return true;
}

}  // namespace ww::rules::detail
