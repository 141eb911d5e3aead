#include "sources/file_feed_source.hpp"

#include "sources/read_file.hpp"
#include "wirewatch/parse/feed.hpp"

namespace ww::sources {

FileFeedSource::FileFeedSource(config::SourceConfig config, SourceContext& context)
    : Source(std::move(config), context) {}

void FileFeedSource::poll(std::function<void()> done) {
    const std::string where = "url=" + config_.url;
    std::string error;
    auto path = file_url_path(config_.url);
    auto content = path ? read_capped(*path, context_.fetch.max_body, error) : std::nullopt;
    if (!content) {
        fetched(FetchResult::Error);
        poll_failed(where, "cannot read: " + (path ? error : std::string("not a local file URL")));
        done();
        return;
    }
    parse::ParseResult result = parse::parse(*content, config_.url);
    if (!result.ok()) {
        fetched(FetchResult::Error);
        parse_error();
        poll_failed(where, "not a feed, sitemap or page");
        done();
        return;
    }
    fetched(FetchResult::Ok);
    poll_succeeded(where);
    if (result.recovered) {
        parse_error();
        warn_throttled(
            where, "malformed " + std::string(parse::content_kind_name(result.kind)),
            ", recovered " + std::to_string(result.documents.size()) + " items: " +
                (result.errors.empty() ? std::string("(no detail)") : result.errors.front()));
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
