#pragma once
// Near-duplicate stories: the same story carried by several outlets, found by a 64-bit SimHash
// of its lead. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wirewatch/document.hpp"

namespace ww::alerts {

// Two stories whose fingerprints differ in at most this many bits are the same story.
inline constexpr int kNearDuplicateBits = 3;

// The words a story's fingerprint is made of: the first 40 words of its lead (the summary,
// else the body) normalized with ww::text (case, diacritics, dashes folded), without a
// leading dateline ("GENEVA (Reuters) -"); the title's words instead when the lead has fewer
// than 8.
//
// Why the lead and not the title: outlets that carry a wire story keep its lead word for word
// but write their own headline, and a 64-bit SimHash of ~50 words moves by 6-8 bits when a
// third of the headline changes, past kNearDuplicateBits; the lead alone moves by 0.
std::vector<std::string> story_words(const Document& doc);

// Charikar's SimHash over the words and word pairs of `words`, each feature counted once.
std::uint64_t simhash(const std::vector<std::string>& words);

// simhash(story_words(doc)).
std::uint64_t story_fingerprint(const Document& doc);

int hamming_distance(std::uint64_t a, std::uint64_t b);

}  // namespace ww::alerts
