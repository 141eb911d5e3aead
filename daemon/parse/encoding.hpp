#pragma once
// Choosing the character encoding of fetched bytes and converting them to UTF-8 before any
// parser sees them, so libxml2 never has to guess (and never trusts a wrong declaration).

#include <string>
#include <string_view>

namespace ww::parse::detail {

// encoding="..." of a leading XML declaration, "" if none.
std::string xml_declared_encoding(std::string_view bytes);
// <meta charset="..."> or <meta http-equiv="Content-Type" content="...; charset=..."> within the
// first few KiB, "" if none.
std::string html_meta_charset(std::string_view bytes);

// Bytes to sanitized UTF-8 (no BOM). Order of trust:
//   1. a UTF-8/UTF-16/UTF-32 byte order mark;
//   2. UTF-16 without BOM, recognised from "<\0" / "\0<";
//   3. bytes that validate as UTF-8 are UTF-8, whatever the labels say (feeds labelled
//      ISO-8859-1 that really are UTF-8 are common; Latin text that happens to validate as
//      UTF-8 is vanishingly rare), unless a label names a 7-bit stateful encoding;
//   4. the HTTP charset, then the declared one, unless it says UTF-8;
//   5. UTF-8 text with some broken bytes (at least one valid multi-byte sequence per four
//      broken bytes: legacy 8-bit text almost never forms valid sequences) is UTF-8 with
//      U+FFFD for the broken bytes;
//   6. Windows-1252, which is what ISO-8859-1 labels and unlabelled Western pages mean.
std::string decode_to_utf8(std::string_view bytes, std::string_view http_charset,
                           std::string_view declared_charset);

// decode_to_utf8 without the copy in the common case: a view of `bytes` themselves when they
// are clean UTF-8 already, else of `storage`, which then holds the converted text.
std::string_view utf8_view(std::string_view bytes, std::string_view http_charset,
                           std::string_view declared_charset, std::string& storage);

// ASCII view of the start of `bytes` for sniffing: BOM skipped, UTF-16/32 zero bytes dropped.
std::string sniff_prefix(std::string_view bytes, std::size_t max_bytes);
// The same, as a view of `bytes` when nothing needs dropping, else of `storage`.
std::string_view ascii_head(std::string_view bytes, std::size_t max_bytes, std::string& storage);

}  // namespace ww::parse::detail
