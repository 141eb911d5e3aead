#include "parse/placeholder.hpp"

#include <cstdint>

namespace ww::parse::detail {

namespace {

constexpr std::uint32_t kPlaceholderCode = 0xE000;

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    const char l = static_cast<char>(c | 0x20);
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

// The code point of the numeric reference whose "&#" ends at `i`, as libxml2 reads it: values
// past U+10FFFF stick at 0x110000 (htmlParseCharRef, xmlParseCharRef), so none wraps round.
std::uint32_t reference_value(std::string_view doc, std::size_t i) {
    const bool hex = i < doc.size() && (doc[i] == 'x' || doc[i] == 'X');
    if (hex) {
        ++i;
    }
    std::uint32_t value = 0;
    for (; i < doc.size(); ++i) {
        const int digit =
            hex ? hex_value(doc[i]) : (doc[i] >= '0' && doc[i] <= '9' ? doc[i] - '0' : -1);
        if (digit < 0) {
            break;
        }
        value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
        if (value > 0x110000) {
            value = 0x110000;
        }
    }
    return value;
}

}  // namespace

bool may_forge_placeholder(std::string_view doc) {
    if (doc.find(kPlaceholder) != std::string_view::npos) {
        return true;
    }
    for (std::size_t i = doc.find("&#"); i != std::string_view::npos; i = doc.find("&#", i + 2)) {
        if (reference_value(doc, i + 2) == kPlaceholderCode) {
            return true;
        }
    }
    return false;
}

}  // namespace ww::parse::detail
