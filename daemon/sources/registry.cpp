// The one place that maps a source `type` (and URL scheme) to its factory.

#include "sources/file_feed_source.hpp"
#include "sources/http_source.hpp"
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
        if (config.url.rfind("http://", 0) == 0 || config.url.rfind("https://", 0) == 0) {
            if (context.fetcher == nullptr) {
                diags.error(config.where, where +
                                              "http(s) sources need the fetcher, which this "
                                              "command does not start");
                return nullptr;
            }
            return std::make_unique<HttpSource>(config, context);
        }
        diags.error(config.where, where + "url must start with http://, https:// or file://");
        return nullptr;
    }
    diags.error(config.where, where + "unknown type '" + config.type + "'");
    return nullptr;
}

}  // namespace ww::sources
