#pragma once
// A news-alert email (RFC 5322 + MIME) dropped into a spool folder, read as one Document:
// Subject (RFC 2047 encoded-words decoded) is the title, the first text/plain part (else the
// first text/html part, reduced to its article text) the body, quoted-printable and base64
// decoded and converted to UTF-8 from the part's charset. Message-ID becomes the item id,
// Date the published time. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "wirewatch/document.hpp"

namespace ww::sources {

std::optional<Document> parse_eml(std::string_view message, std::string& error);

// Exposed for tests.
std::string decode_quoted_printable(std::string_view in, bool header_q = false);
std::string decode_base64(std::string_view in);
std::string decode_encoded_words(std::string_view header);

}  // namespace ww::sources
