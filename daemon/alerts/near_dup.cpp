#include "wirewatch/alerts/near_dup.hpp"

#include <array>
#include <bit>
#include <set>

#include "wirewatch/hash.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::alerts {

namespace {

constexpr std::size_t kLeadWords = 40;
constexpr std::size_t kMinLeadWords = 8;
// A dateline ends with ") -" within this many bytes of the start: "GENEVA (Reuters) -",
// "LONDON, Nov 25 (Reuters) -", "BEIRUT (AP) -" (every dash is '-' once normalized).
constexpr std::size_t kDatelineBytes = 80;

bool word_byte(char c) {
    return (static_cast<unsigned char>(c) & 0x80) != 0 || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9');
}

std::string_view drop_dateline(std::string_view text) {
    const std::size_t paren = text.substr(0, kDatelineBytes).find(')');
    if (paren == std::string_view::npos) {
        return text;
    }
    std::size_t i = paren + 1;
    while (i < text.size() && text[i] == ' ') {
        ++i;
    }
    if (i >= text.size() || text[i] != '-') {
        return text;
    }
    return text.substr(i + 1);
}

// 40 words and a dateline fit in far fewer bytes; a body may be megabytes, and normalizing is
// the costly part of a fingerprint.
constexpr std::size_t kLeadBytes = 2048;

// The first `max` bytes of UTF-8 `text`, not cutting a character.
std::string_view prefix(std::string_view text, std::size_t max) {
    if (text.size() <= max) {
        return text;
    }
    while (max > 0 && (static_cast<unsigned char>(text[max]) & 0xC0) == 0x80) {
        --max;
    }
    return text.substr(0, max);
}

// Normalized words of `text`, at most `limit` of them appended to `out`.
void append_words(std::string_view text, std::size_t limit, bool dateline,
                  std::vector<std::string>& out) {
    const std::string folded = text::normalize_string(prefix(text, kLeadBytes));
    std::string_view rest = folded;
    if (dateline) {
        rest = drop_dateline(rest);
    }
    std::size_t taken = 0;
    std::size_t i = 0;
    while (i < rest.size() && taken < limit) {
        while (i < rest.size() && !word_byte(rest[i])) {
            ++i;
        }
        std::size_t j = i;
        while (j < rest.size() && (word_byte(rest[j]) || rest[j] == '\'')) {
            ++j;
        }
        if (j > i) {
            out.emplace_back(rest.substr(i, j - i));
            ++taken;
        }
        i = j;
    }
}

// FNV-1a spreads short strings poorly over the high bits; murmur3's finalizer mixes them.
std::uint64_t mix(std::uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

}  // namespace

std::vector<std::string> story_words(const Document& doc) {
    std::vector<std::string> words;
    const std::string& lead = doc.summary.empty() ? doc.body : doc.summary;
    append_words(lead, kLeadWords, /*dateline=*/true, words);
    if (words.size() < kMinLeadWords) {  // none, or boilerplate like "Read more"
        words.clear();
        append_words(doc.title, kLeadWords, /*dateline=*/false, words);
    }
    return words;
}

std::uint64_t simhash(const std::vector<std::string>& words) {
    std::set<std::uint64_t> features;
    for (std::size_t i = 0; i < words.size(); ++i) {
        features.insert(mix(fnv1a64(words[i])));
        if (i + 1 < words.size()) {
            features.insert(mix(fnv1a64(words[i] + ' ' + words[i + 1])));
        }
    }
    std::array<int, 64> votes{};
    for (std::uint64_t f : features) {
        for (int bit = 0; bit < 64; ++bit) {
            votes[bit] += ((f >> bit) & 1) != 0 ? 1 : -1;
        }
    }
    std::uint64_t hash = 0;
    for (int bit = 0; bit < 64; ++bit) {
        if (votes[bit] > 0) {
            hash |= 1ull << bit;
        }
    }
    return hash;
}

std::uint64_t story_fingerprint(const Document& doc) { return simhash(story_words(doc)); }

int hamming_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

}  // namespace ww::alerts
