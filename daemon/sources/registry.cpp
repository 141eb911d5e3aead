// The one place that maps a source `type` (and URL scheme) to its factory.

#include "sources/file_feed_source.hpp"
#include "sources/spool_source.hpp"
#include "wirewatch/sources/source.hpp"

namespace ww::sources {

std::unique_ptr<Source> make_source(const config::SourceConfig& config, SourceContext& context,
                                    Diagnostics& diags) {
    const std::string where = "source \"" + config.id + "\": ";
    if (config.type == "spool") {
        return std::make_unique<SpoolSource>(config, context);
    }
    if (config.type == "feed" || config.type == "sitemap" || config.type == "page") {
        if (config.url.rfind("file://", 0) == 0) {
            return std::make_unique<FileFeedSource>(config, context);
        }
        diags.error(config.where, where + "only file:// URLs can be fetched by this build; "
                                          "http(s) fetching is not available yet");
        return nullptr;
    }
    diags.error(config.where, where + "unknown type '" + config.type + "'");
    return nullptr;
}

}  // namespace ww::sources
