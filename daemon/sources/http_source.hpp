#pragma once
// A feed, sitemap or page polled over http(s) through the shared Fetcher.
//
// Each poll: a conditional GET (validators from state, echoed byte-exact); 304 parses nothing;
// 200 is parsed (format detected from the content), a sitemap index's child sitemaps are
// fetched, `fetch_article` replaces each new item's text with its page's article text, a
// `page` source hands on only paragraphs it has not seen before. Failures back off
// exponentially with jitter (capped, never giving up); 429/503 Retry-After pauses the host;
// 410 Gone disables the source (logged, counted, announced on the admin channel); a permanent
// redirect seen on kRedirectPolls consecutive polls becomes the polled URL.

#include <set>

#include "wirewatch/sources/fetcher.hpp"
#include "wirewatch/sources/source.hpp"
#include "wirewatch/state/source_state.hpp"

namespace ww::sources {

inline constexpr int kRedirectPolls = 3;
inline constexpr std::chrono::hours kBackoffCap{6};
inline constexpr std::size_t kMaxChildSitemaps = 50;
inline constexpr std::size_t kMaxArticlesPerPoll = 100;

class HttpSource final : public Source {
public:
    HttpSource(config::SourceConfig config, SourceContext& context);
    void poll(std::function<void()> done) override;

    // For tests: the state as this source last wrote it (also when no store is attached).
    const state::SourceRecord& record() const { return record_; }

protected:
    std::chrono::milliseconds first_delay() override;

private:
    struct Poll;
    void on_response(const std::shared_ptr<Poll>& poll, net::Response response);
    void on_documents(const std::shared_ptr<Poll>& poll);
    void fetch_children(const std::shared_ptr<Poll>& poll, std::vector<Document> children);
    void fetch_articles(const std::shared_ptr<Poll>& poll);
    void finish(const std::shared_ptr<Poll>& poll);
    void failed(const std::shared_ptr<Poll>& poll, const std::string& problem,
                std::optional<TimePoint> retry_at = std::nullopt);
    void succeeded();
    void gone(const std::shared_ptr<Poll>& poll);
    void track_redirects(const net::Response& response);
    void save();
    // Reads record_ from the state store once; sets the health it remembers.
    void load_record();
    net::Request make_request(const std::string& url, bool conditional, std::string& error);
    // "url=..." with userinfo and tokens redacted, for log lines.
    std::string where() const;

    state::SourceRecord record_;
    bool loaded_ = false;
};

}  // namespace ww::sources
