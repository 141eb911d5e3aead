// normalize_into copies plain ASCII a block at a time (32 bytes with AVX2, else 16 with SSE2;
// detail::normalize_into_sse2 forces the latter) and takes shortcuts for accented letters and
// punctuation; detail::normalize_into_scalar goes byte by byte through the general path. All
// must give the same text and the same offset for every byte, whatever sits where relative to
// the blocks.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "wirewatch/text/normalize.hpp"

namespace ww::text {
namespace {

const std::vector<NormalizeOptions> kAllOptions = {
    {true, true}, {false, true}, {true, false}, {false, false}};
// The two the matcher uses.
const std::vector<NormalizeOptions> kMatcherOptions = {{true, true}, {false, true}};

// Compares the paths on `input` for each option combination; returns false (after reporting)
// on the first difference, so that loops over many inputs stop early.
bool same_as_scalar(const std::string& input,
                    const std::vector<NormalizeOptions>& options_list = kAllOptions) {
    NormalizedText fast;
    NormalizedText sse2;
    NormalizedText scalar;
    for (const NormalizeOptions& options : options_list) {
        normalize_into(input, fast, options);
        detail::normalize_into_sse2(input, sse2, options);
        detail::normalize_into_scalar(input, scalar, options);
        const bool same = fast.text == scalar.text && fast.to_original == scalar.to_original &&
                          sse2.text == scalar.text && sse2.to_original == scalar.to_original &&
                          normalize_string(input, options) == scalar.text;
        if (!same) {
            ADD_FAILURE() << "fold_case " << options.fold_case << " fold_diacritics "
                          << options.fold_diacritics << "\ninput:  [" << input << "]\nfast:   ["
                          << fast.text << "]\nsse2:   [" << sse2.text << "]\nscalar: ["
                          << scalar.text << "]";
            EXPECT_EQ(fast.to_original, scalar.to_original);
            EXPECT_EQ(sse2.to_original, scalar.to_original);
            return false;
        }
    }
    return true;
}

int env_int(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::atoi(v) : fallback;
}

// Pieces that end or bend a block: whitespace runs, non-ASCII letters (two-byte, three-byte,
// four-byte), combining marks, invisible characters, dashes, quotes, controls.
const std::vector<std::string> kPieces = {
    " ",      "  ",      "\n",     "\n\n",   "\t",           " \n ",   "\r\n",   "\v\f",   "\u00E9",
    "\u00C9", "e\u0301", "\u0301", "\u00AD", "\u200D",       "\u200B", "\u2014", "\u2013", "\u2011",
    "\u2019", "\u201C",  "\u201D", "`",      "\x01",         "\x7F",   "\u00DF", "\uFB01", "\u216B",
    "\u00A0", "\u0141",  "\u0416", "\u4E2D", "\U0001F642",   "\u3000", "\u2026", "A",      "Z",
    "@",      "[",       "\u00A8", "\u0640", "\u05D0\u05B8", "\u2060"};

// English-like news text with a few names with diacritics, curly quotes and dashes, in
// paragraphs separated by blank lines (what the matcher sees in bench/match's corpus).
std::string news_like(std::mt19937& rng, std::size_t bytes) {
    static const std::vector<std::string> words = {"the",
                                                   "of",
                                                   "said",
                                                   "officials",
                                                   "Ministry",
                                                   "ceasefire",
                                                   "talks",
                                                   "in",
                                                   "a",
                                                   "and",
                                                   "Aleppo",
                                                   "police",
                                                   "reported",
                                                   "NATO",
                                                   "S\u00E3o",
                                                   "Paulo",
                                                   "Al\u00E8p",
                                                   "Gda\u0144sk",
                                                   "\u0141\u00F3d\u017A",
                                                   "M\u00FCller",
                                                   "state\u2019s",
                                                   "\u201Cwe",
                                                   "will\u201D",
                                                   "\u2014",
                                                   "2024",
                                                   "54.9",
                                                   "percent",
                                                   "U.S.",
                                                   "cease-fire",
                                                   "Stra\u00DFe",
                                                   "(AP)",
                                                   "Zo\u00EB",
                                                   "co\u00F6perate",
                                                   "it\u2019s"};
    std::string out;
    std::size_t sentence = 0;
    while (out.size() < bytes) {
        std::string w = words[rng() % words.size()];
        if (sentence == 0 && w[0] >= 'a' && w[0] <= 'z') {
            w[0] = static_cast<char>(w[0] - 32);
        }
        out += w;
        ++sentence;
        if (sentence > 6 && rng() % 8 == 0) {
            out += rng() % 5 == 0 ? ".\n\n" : ". ";
            sentence = 0;
        } else {
            out += rng() % 12 == 0 ? ", " : " ";
        }
    }
    return out;
}

TEST(BlockCopy, NewsLikeTextSameAsScalar) {
    std::mt19937 rng(42);
    for (int k = 0; k < 20; ++k) {
        ASSERT_TRUE(same_as_scalar(news_like(rng, 100 + static_cast<std::size_t>(k) * 900)));
    }
}

// Every piece at every position of a sentence long enough for several blocks, and replacing
// every byte: each position relative to a block start, at the start, the end and the tail.
TEST(BlockCopy, EveryPieceAtEveryPositionSameAsScalar) {
    const std::string base =
        "The Quick brown fox jumps over the lazy dog near Aleppo, officials said on Monday.";
    for (const std::string& piece : kPieces) {
        for (std::size_t at = 0; at <= base.size(); ++at) {
            std::string inserted = base;
            inserted.insert(at, piece);
            ASSERT_TRUE(same_as_scalar(inserted));
            if (at < base.size()) {
                std::string replaced = base;
                replaced.replace(at, 1, piece);
                ASSERT_TRUE(same_as_scalar(replaced));
            }
        }
    }
}

// Two pieces at every distance up to two blocks apart, starting at every offset of a block.
TEST(BlockCopy, PiecePairsAcrossBlockBoundariesSameAsScalar) {
    const std::string base(80, 'x');
    const std::vector<std::string> pieces = {" ",      "\n\n",   "\u00E9", "e\u0301",
                                             "\u00AD", "\u2019", "\x01",   "  "};
    for (const std::string& a : pieces) {
        for (const std::string& b : pieces) {
            for (std::size_t at = 0; at < 32; ++at) {
                for (std::size_t gap = 0; gap <= 34; ++gap) {
                    std::string s = base;
                    s.insert(at + gap, b);
                    s.insert(at, a);
                    ASSERT_TRUE(same_as_scalar(s, kMatcherOptions));
                }
            }
        }
    }
}

// Short texts of random pieces and letters: most of them end inside the first block.
TEST(BlockCopy, ShortRandomTextsSameAsScalar) {
    std::mt19937 rng(7);
    const int rounds = env_int("WW_BLOCK_COPY_ROUNDS", 3000);
    for (int round = 0; round < rounds; ++round) {
        std::string s;
        const std::size_t parts = rng() % 12;
        for (std::size_t k = 0; k < parts; ++k) {
            if (rng() % 2 == 0) {
                s += kPieces[rng() % kPieces.size()];
            } else {
                s.append(rng() % 9, static_cast<char>('a' + rng() % 26));
            }
        }
        ASSERT_TRUE(same_as_scalar(s)) << "round " << round;
    }
}

// News-like paragraphs with random pieces inserted and bytes replaced.
TEST(BlockCopy, MutatedNewsSameAsScalar) {
    std::mt19937 rng(11);
    const int rounds = env_int("WW_BLOCK_COPY_ROUNDS", 3000);
    for (int round = 0; round < rounds; ++round) {
        std::string s = news_like(rng, 40 + rng() % 300);
        const std::size_t edits = 1 + rng() % 8;
        for (std::size_t k = 0; k < edits; ++k) {
            const std::string& piece = kPieces[rng() % kPieces.size()];
            // Only at character starts: the input must be valid UTF-8.
            std::size_t at = rng() % (s.size() + 1);
            while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) {
                ++at;
            }
            s.insert(at, piece);
        }
        ASSERT_TRUE(same_as_scalar(s)) << "round " << round;
    }
}

// Every fixture text in the repository (feeds, pages, rules, demo articles), sanitized as
// the daemon does before normalizing.
TEST(BlockCopy, FixtureFilesSameAsScalar) {
    namespace fs = std::filesystem;
    std::size_t files = 0;
    for (const fs::path& root : {fs::path(WW_TEST_DATA), fs::path(WW_SOURCE_DIR) / "demo",
                                 fs::path(WW_SOURCE_DIR) / "rules"}) {
        for (const auto& entry : fs::recursive_directory_iterator(root)) {
            if (!entry.is_regular_file() || entry.file_size() > (1u << 20)) {
                continue;
            }
            std::ifstream in(entry.path(), std::ios::binary);
            std::stringstream bytes;
            bytes << in.rdbuf();
            ASSERT_TRUE(same_as_scalar(sanitize_utf8(bytes.str()))) << entry.path();
            ++files;
        }
    }
    EXPECT_GT(files, 20u);
}

}  // namespace
}  // namespace ww::text
