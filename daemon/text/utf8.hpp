#pragma once
// UTF-8 decoding shared by the text part. Internal: not part of the public interface.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ww::text::detail {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at `p` (with `avail` >= 1 bytes readable). Returns its length in bytes
// and sets `cp`, or returns 0 when the bytes there are not a well-formed UTF-8 sequence
// (overlong, surrogate, > U+10FFFF, truncated, stray continuation byte). In that case `cp` is
// untouched and `bad_len` (when not null) receives the length of the maximal invalid subpart
// (>= 1), so callers can emit one U+FFFD per subpart as Unicode recommends.
std::size_t decode(const unsigned char* p, std::size_t avail, char32_t& cp,
                   std::size_t* bad_len = nullptr);

// Appends the UTF-8 encoding of a valid scalar value.
void append_utf8(std::string& out, char32_t cp);

// Encodes into `buf` (4 bytes) and returns the length.
std::size_t encode(char32_t cp, char* buf);

// Start offset of the code point that ends just before `pos` (pos > 0) in valid UTF-8.
std::size_t previous_start(std::string_view text, std::size_t pos);

}  // namespace ww::text::detail
