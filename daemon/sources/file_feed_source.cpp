#include "sources/file_feed_source.hpp"

#include "sources/read_file.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/parse/feed.hpp"

namespace ww::sources {

FileFeedSource::FileFeedSource(config::SourceConfig config, SourceContext& context)
    : Source(std::move(config), context) {}

void FileFeedSource::poll(std::function<void()> done) {
    auto log = logger("sources");
    std::string error;
    auto path = file_url_path(config_.url);
    auto content = path ? read_capped(*path, context_.fetch.max_body, error) : std::nullopt;
    if (!content) {
        log->error("source={} url={}: cannot read: {}", id(), config_.url,
                   path ? error : "not a local file URL");
        done();
        return;
    }
    parse::ParseResult result = parse::parse(*content, config_.url);
    if (!result.ok()) {
        log->error("source={} url={}: not a feed, sitemap or page", id(), config_.url);
        done();
        return;
    }
    if (result.recovered) {
        log->warn("source={} url={}: malformed {}, recovered {} items: {}", id(), config_.url,
                  parse::content_kind_name(result.kind), result.documents.size(),
                  result.errors.empty() ? std::string("(no detail)") : result.errors.front());
    }
    for (auto& doc : result.documents) {
        doc.source_id = id();
        doc.source_tags = config_.tags;
    }
    Batch batch{id(), std::move(result.documents), config_.alert_on_first_poll};
    context_.emit(batch);
    done();
}

}  // namespace ww::sources
