// Feeds, sitemaps and pages: whatever bytes a server sends must parse or fail cleanly, and
// every string that comes out must be valid UTF-8.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wirewatch/parse/feed.hpp"
#include "wirewatch/text/normalize.hpp"

namespace {

void require_clean(const std::string& s) {
    if (ww::text::sanitize_utf8(s) != s) {
        std::abort();  // a document field that is not sanitized UTF-8 reached the matcher
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto result = ww::parse::parse(bytes, "https://example.org/feed/", "");
    for (const auto& doc : result.documents) {
        require_clean(doc.title);
        require_clean(doc.summary);
        require_clean(doc.body);
        require_clean(doc.url);
        require_clean(doc.item_id);
    }
    auto article = ww::parse::extract_article(bytes, "https://example.org/a", "");
    require_clean(article.body);
    return 0;
}
