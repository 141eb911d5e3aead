#include "sources/http_source.hpp"

#include <algorithm>

#include "wirewatch/hash.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/parse/feed.hpp"
#include "wirewatch/parse/url.hpp"

namespace ww::sources {

namespace {

std::string content_charset(const net::Response& r) {
    auto type = r.header("content-type");
    if (!type) {
        return {};
    }
    std::string lower = *type;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto pos = lower.find("charset=");
    if (pos == std::string::npos) {
        return {};
    }
    std::string value = type->substr(pos + 8);
    value = value.substr(0, value.find_first_of("; "));
    value.erase(std::remove(value.begin(), value.end(), '"'), value.end());
    return value;
}

bool is_http(const std::string& url) {
    return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

std::vector<std::string> split_paragraphs(const std::string& body) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < body.size()) {
        std::size_t end = body.find("\n\n", pos);
        std::string p = body.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        if (p.find_first_not_of(" \t\r\n") != std::string::npos) {
            out.push_back(std::move(p));
        }
        if (end == std::string::npos) {
            break;
        }
        pos = end + 2;
    }
    return out;
}

// Whitespace-insensitive, so re-wrapped text is not "new".
std::string fingerprint(const std::string& paragraph) {
    std::string squeezed;
    bool space = false;
    for (char c : paragraph) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = !squeezed.empty();
            continue;
        }
        if (space) {
            squeezed += ' ';
            space = false;
        }
        squeezed += c;
    }
    return hex64(fnv1a64(squeezed));
}

}  // namespace

struct HttpSource::Poll {
    std::function<void()> done;
    std::string url;
    std::vector<Document> documents;
    std::size_t pending = 0;  // child sitemaps or articles in flight
    bool was_page = false;
    std::vector<std::string> new_fingerprints;
};

HttpSource::HttpSource(config::SourceConfig config, SourceContext& context)
    : Source(std::move(config), context) {
    record_.config_url = config_.url;
    record_.url = config_.url;
}

void HttpSource::load_record() {
    if (context_.state == nullptr || loaded_) {
        return;
    }
    try {
        record_ = context_.state->load(id(), config_.url);
        loaded_ = true;
    } catch (const state::StoreError& e) {
        logger("sources")->error("source={}: cannot read its state: {}", id(), e.what());
        return;
    }
    if (record_.disabled) {
        restore_health(Health::Disabled, 0);
    } else if (record_.failures > 0) {
        restore_health(Health::Failing, record_.failures);
    } else if (record_.last_success) {
        restore_health(Health::Ok, 0);
    }
}

std::string HttpSource::where() const {
    return "url=" + ww::redact_secrets(record_.url.empty() ? config_.url : record_.url);
}

std::chrono::milliseconds HttpSource::first_delay() {
    auto delay = Source::first_delay();
    load_record();
    if (!loaded_) {
        return delay;
    }
    if (record_.disabled) {
        logger("sources")->warn(
            "source={} {}: stays disabled ({}); change its url or remove "
            "it from the state to poll it again",
            id(), where(), record_.disabled_reason);
        disable();
        return std::chrono::hours(24 * 365);
    }
    // A restart during backoff keeps the backoff.
    if (record_.next_poll) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
            *record_.next_poll - context_.clock.now());
        return std::max(delay, wait);
    }
    return delay;
}

net::Request HttpSource::make_request(const std::string& url, bool conditional,
                                      std::string& error) {
    const auto& fetch = context_.fetcher->fetch_config();
    net::Request request;
    request.url = url;
    request.timeout = fetch.timeout;
    request.connect_timeout = fetch.connect_timeout;
    request.max_body = fetch.max_body;
    for (const auto& [name, ref] : config_.headers) {
        std::string resolve_error;
        auto value = config::resolve(ref, resolve_error);
        if (!value) {
            error = "header '" + name + "': " + resolve_error;
            return request;
        }
        request.headers.push_back(name + ": " + *value);
    }
    if (conditional) {
        // Byte-exact: weak ETags, quotes and odd dates go back as the server sent them.
        if (!record_.etag.empty()) {
            request.headers.push_back("If-None-Match: " + record_.etag);
        }
        if (!record_.last_modified.empty()) {
            request.headers.push_back("If-Modified-Since: " + record_.last_modified);
        }
    }
    return request;
}

void HttpSource::poll(std::function<void()> done) {
    load_record();
    if (record_.disabled) {
        disable();
        done();
        return;
    }
    auto poll = std::make_shared<Poll>();
    poll->done = std::move(done);
    poll->url = record_.url.empty() ? config_.url : record_.url;
    const std::string host = url_host(poll->url);
    if (auto until = context_.fetcher->host_paused_until(host)) {
        // Not a failure of this source: wait for the host like everyone else.
        fetched(FetchResult::Paused);
        set_next_delay(
            std::chrono::duration_cast<std::chrono::milliseconds>(*until - context_.clock.now()) +
            std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 5000)(random_)));
        poll->done();
        return;
    }
    std::string error;
    net::Request request = make_request(poll->url, context_.state != nullptr, error);
    if (!error.empty()) {
        fetched(FetchResult::Error);
        failed(poll, error);
        return;
    }
    context_.fetcher->fetch(std::move(request), lifetime(),
                            [this, poll](net::Response r) { on_response(poll, std::move(r)); });
}

void HttpSource::on_response(const std::shared_ptr<Poll>& poll, net::Response r) {
    const auto now = context_.clock.now();
    if (r.too_large) {
        ++counters().too_large;
    }
    if (r.status == 429 || r.status == 503) {
        std::optional<TimePoint> until;
        if (auto value = r.header("retry-after")) {
            until = parse_retry_after(*value, now);
        }
        if (until) {
            context_.fetcher->pause_host(url_host(poll->url), *until);
        }
        fetched(FetchResult::Paused);
        failed(poll, "HTTP " + std::to_string(r.status), until);
        return;
    }
    if (r.result != CURLE_OK) {
        std::string problem = r.error.empty() ? curl_easy_strerror(r.result) : r.error;
        if (r.result == CURLE_UNSUPPORTED_PROTOCOL && r.status >= 300 && r.status < 400) {
            problem = "redirect to a non-http(s) URL refused (" +
                      ww::redact_secrets(r.header("location").value_or("?")) + ")";
        }
        fetched(FetchResult::Error);
        failed(poll, problem);
        return;
    }
    track_redirects(r);
    if (r.status == 410) {
        gone(poll);
        return;
    }
    if (r.status == 304) {
        ++counters().not_modified;
        fetched(FetchResult::NotModified);
        succeeded();
        poll->done();
        return;
    }
    if (r.status < 200 || r.status >= 300) {
        fetched(FetchResult::Error);
        failed(poll, "HTTP " + std::to_string(r.status));
        return;
    }
    // Validators for next time; a response without them clears the old ones.
    record_.etag = r.header("etag").value_or("");
    record_.last_modified = r.header("last-modified").value_or("");
    const std::string base = r.effective_url.empty() ? poll->url : r.effective_url;
    const std::string charset = content_charset(r);
    if (config_.type == "page") {
        fetched(FetchResult::Ok);
        parse::Article article = parse::extract_article(r.body, base, charset);
        poll->was_page = true;
        std::set<std::string> known;
        if (context_.state != nullptr) {
            try {
                known = context_.state->fingerprints(id());
            } catch (const state::StoreError& e) {
                failed(poll, std::string("state: ") + e.what());
                return;
            }
        }
        std::string fresh;
        std::vector<std::string> fresh_fps;
        for (const auto& paragraph : split_paragraphs(article.body)) {
            std::string fp = fingerprint(paragraph);
            if (known.count(fp) != 0 ||
                std::find(fresh_fps.begin(), fresh_fps.end(), fp) != fresh_fps.end()) {
                continue;
            }
            fresh_fps.push_back(fp);
            fresh += (fresh.empty() ? "" : "\n\n") + paragraph;
        }
        succeeded();
        if (!fresh_fps.empty()) {
            Document doc;
            doc.title = article.title;
            doc.body = std::move(fresh);
            doc.language = article.language;
            doc.url =
                article.canonical_url.empty() ? parse::canonical_url(base) : article.canonical_url;
            auto sorted = fresh_fps;
            std::sort(sorted.begin(), sorted.end());
            std::string joined;
            for (const auto& fp : sorted) {
                joined += fp;
            }
            doc.item_id = "page:" + hex64(fnv1a64(joined));
            poll->documents.push_back(std::move(doc));
            poll->new_fingerprints = std::move(fresh_fps);
        }
        on_documents(poll);
        return;
    }
    parse::ParseResult result = parse::parse(r.body, base, charset);
    if (!result.ok()) {
        fetched(FetchResult::Error);
        parse_error();
        failed(poll, "not a feed, sitemap or page (" + std::to_string(r.body.size()) + " bytes)");
        return;
    }
    fetched(FetchResult::Ok);
    if (result.recovered) {
        parse_error();
        warn_throttled(where(), "malformed " + std::string(parse::content_kind_name(result.kind)),
                       ", recovered " + std::to_string(result.documents.size()) + " items: " +
                           (result.errors.empty() ? std::string("(no detail)")
                                                  : ww::redact_secrets(result.errors.front())));
    }
    succeeded();
    if (result.kind == parse::ContentKind::SitemapIndex) {
        fetch_children(poll, std::move(result.documents));
        return;
    }
    poll->documents = std::move(result.documents);
    on_documents(poll);
}

void HttpSource::fetch_children(const std::shared_ptr<Poll>& poll, std::vector<Document> children) {
    // Newest sitemaps first when dated; news sites append, so the last entries are the fresh
    // ones otherwise.
    std::stable_sort(children.begin(), children.end(), [](const Document& a, const Document& b) {
        return a.published.value_or(std::chrono::sys_seconds{}) >
               b.published.value_or(std::chrono::sys_seconds{});
    });
    if (children.size() > kMaxChildSitemaps) {
        children.resize(kMaxChildSitemaps);
    }
    std::vector<std::string> urls;
    for (const auto& child : children) {
        if (is_http(child.url)) {
            urls.push_back(child.url);
        }
    }
    if (urls.empty()) {
        on_documents(poll);
        return;
    }
    poll->pending = urls.size();
    for (const auto& url : urls) {
        std::string error;
        net::Request request = make_request(url, false, error);
        context_.fetcher->fetch(std::move(request), lifetime(), [this, poll, url](net::Response r) {
            if (r.result == CURLE_OK && r.status == 200) {
                auto result = parse::parse(r.body, url, content_charset(r));
                if (result.kind == parse::ContentKind::Sitemap) {
                    for (auto& doc : result.documents) {
                        poll->documents.push_back(std::move(doc));
                    }
                }
            } else {
                warn_throttled(where(), "child sitemap " + ww::redact_secrets(url) + " not fetched",
                               ": " + (r.error.empty() ? "HTTP " + std::to_string(r.status)
                                                       : ww::redact_secrets(r.error)));
            }
            if (--poll->pending == 0) {
                on_documents(poll);
            }
        });
    }
}

void HttpSource::on_documents(const std::shared_ptr<Poll>& poll) {
    for (auto& doc : poll->documents) {
        doc.source_id = id();
        doc.source_tags = config_.tags;
    }
    if (config_.fetch_article && !poll->was_page) {
        fetch_articles(poll);
        return;
    }
    finish(poll);
}

void HttpSource::fetch_articles(const std::shared_ptr<Poll>& poll) {
    std::vector<std::size_t> wanted;
    for (std::size_t i = 0; i < poll->documents.size() && wanted.size() < kMaxArticlesPerPoll;
         ++i) {
        const Document& doc = poll->documents[i];
        if (!is_http(doc.url)) {
            continue;
        }
        bool seen = false;
        if (context_.state != nullptr) {
            try {
                seen = context_.state->has_seen(id(), doc.item_id);
            } catch (const state::StoreError&) {
            }
        }
        if (!seen) {
            wanted.push_back(i);
        }
    }
    if (wanted.empty()) {
        finish(poll);
        return;
    }
    poll->pending = wanted.size();
    for (std::size_t index : wanted) {
        std::string error;
        const std::string url = poll->documents[index].url;
        net::Request request = make_request(url, false, error);
        context_.fetcher->fetch(
            std::move(request), lifetime(), [this, poll, index, url](net::Response r) {
                if (r.result == CURLE_OK && r.status == 200) {
                    auto article = parse::extract_article(r.body, url, content_charset(r));
                    if (!article.body.empty()) {
                        poll->documents[index].body = std::move(article.body);
                    }
                } else {
                    // The summary still gets matched: not worth a failure.
                    logger("sources")->debug(
                        "source={} url={}: article not fetched: {}", id(), ww::redact_secrets(url),
                        r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error);
                }
                if (--poll->pending == 0) {
                    finish(poll);
                }
            });
    }
}

void HttpSource::finish(const std::shared_ptr<Poll>& poll) {
    if (!poll->documents.empty()) {
        Batch batch{id(), std::move(poll->documents), config_.alert_on_first_poll};
        const bool committed = context_.emit(batch);
        if (committed && context_.state != nullptr && !poll->new_fingerprints.empty()) {
            try {
                context_.state->add_fingerprints(id(), poll->new_fingerprints,
                                                 context_.clock.now());
            } catch (const state::StoreError& e) {
                logger("sources")->error("source={}: cannot record page fingerprints: {}", id(),
                                         e.what());
            }
        }
    }
    poll->done();
}

void HttpSource::track_redirects(const net::Response& r) {
    // The leading run of permanent hops says where the resource now lives; a temporary hop
    // anywhere before it means "keep asking the old URL".
    std::string target;
    for (const auto& [status, location] : r.redirects) {
        if (status != 301 && status != 308) {
            break;
        }
        target = location;
    }
    if (target.empty() || !is_http(target)) {
        record_.redirect_target.clear();
        record_.redirect_polls = 0;
        return;
    }
    if (target == record_.redirect_target) {
        ++record_.redirect_polls;
    } else {
        record_.redirect_target = target;
        record_.redirect_polls = 1;
    }
    if (record_.redirect_polls >= kRedirectPolls) {
        logger("sources")->info(
            "source={}: permanent redirect seen on {} polls; now polling "
            "url={} (was {})",
            id(), record_.redirect_polls, ww::redact_secrets(target),
            ww::redact_secrets(record_.url));
        ++counters().redirects_adopted;
        record_.url = target;
        record_.redirect_target.clear();
        record_.redirect_polls = 0;
        // Validators belonged to the old URL's responses; the new URL's come with this one.
    }
}

void HttpSource::succeeded() {
    poll_succeeded(where());
    record_.failures = 0;
    record_.last_success = context_.clock.now();
    record_.next_poll.reset();
    save();
}

void HttpSource::failed(const std::shared_ptr<Poll>& poll, const std::string& problem,
                        std::optional<TimePoint> retry_at) {
    ++counters().failures;
    ++record_.failures;
    const auto now = context_.clock.now();
    auto delay =
        backoff_delay(record_.failures, config_.interval,
                      std::chrono::duration_cast<std::chrono::milliseconds>(kBackoffCap), random_);
    if (retry_at) {
        delay =
            std::max(delay, std::chrono::duration_cast<std::chrono::milliseconds>(*retry_at - now));
    }
    record_.next_poll = now + delay;
    // Logged once per kind of problem (or once an hour), not at every poll; the counters in
    // the detail do not make it a new problem.
    poll_failed(
        where(), ww::redact_secrets(problem),
        " (failure " + std::to_string(record_.failures) + ", next try in " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(delay).count()) +
            " s)");
    save();
    set_next_delay(delay);
    poll->done();
}

void HttpSource::gone(const std::shared_ptr<Poll>& poll) {
    ++counters().gone;
    fetched(FetchResult::Gone);
    record_.disabled = true;
    record_.disabled_reason = "410 Gone";
    set_health(Health::Disabled);
    const std::string url = ww::redact_secrets(poll->url);
    logger("sources")->error("source={} url={}: 410 Gone; source disabled until its url changes",
                             id(), url);
    if (context_.notify_admin) {
        context_.notify_admin(id(), "source \"" + id() + "\" disabled: " + url +
                                        " answered 410 Gone. Change its url in the config "
                                        "(or remove the source) and reload.");
    }
    save();
    disable();
    poll->done();
}

void HttpSource::save() {
    if (context_.state == nullptr) {
        return;
    }
    try {
        context_.state->save(id(), record_);
    } catch (const state::StoreError& e) {
        logger("sources")->error("source={}: cannot save its state: {}", id(), e.what());
    }
}

}  // namespace ww::sources
