#pragma once
// Sources produce documents on a schedule. A Source is built by make_source() from its config
// plus a SourceContext (the loop, the clock, where documents go) — no globals.
//
// Sources live on the event-loop thread: every method is called there and every callback
// (emit, done) is invoked there.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "wirewatch/clock.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/diagnostics.hpp"
#include "wirewatch/document.hpp"
#include "wirewatch/sources/source_metrics.hpp"

namespace ww::state {
class SourceState;
}

namespace ww::sources {

class Fetcher;

// What one poll hands to the pipeline.
struct Batch {
    std::string source_id;
    std::vector<Document> documents;
    // On a source's very first poll, false means "record what exists, alert on nothing".
    bool alert_on_first_poll = false;
};

struct SourceContext {
    boost::asio::io_context& io;
    const Clock& clock;
    config::FetchConfig fetch;
    // Matches, routes and commits a batch to the state store. Returns true once it is durable,
    // so a source may then forget its input (e.g. move a spool file to done/); false when it
    // could not be committed (the source keeps its input and offers it again next poll).
    std::function<bool(Batch&)> emit;
    // Shared by every source and outliving them; null where only local files are read (then
    // http(s) sources are refused by make_source).
    Fetcher* fetcher = nullptr;
    // Persistent poll state; null for dry runs (`wirewatchd fetch`): nothing is remembered,
    // no validators are sent, every page paragraph counts as new.
    state::SourceState* state = nullptr;
    // Fetch and parse counters; null where nobody scrapes them (`wirewatchd fetch`, tests).
    SourceMetrics* metrics = nullptr;
    // Tells the administrator about something that needs a person (a source disabled by 410
    // Gone): the daemon sends it to [daemon] admin_channel. Null or empty: log only.
    std::function<void(const std::string& source_id, const std::string& message)> notify_admin;
};

// Decides whether a repeated problem is logged again: the first time, whenever its kind
// changes, and at most once an hour while it stays the same. A source down for a day is 24
// lines, not 144.
class LogThrottle {
public:
    static constexpr std::chrono::hours kEvery{1};
    bool allow(const std::string& kind, std::chrono::system_clock::time_point now);
    void reset();

private:
    std::string last_kind_;
    std::optional<std::chrono::system_clock::time_point> last_;
};

class Source {
public:
    Source(config::SourceConfig config, SourceContext& context);
    virtual ~Source() = default;
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    const std::string& id() const { return config_.id; }
    const config::SourceConfig& config() const { return config_; }
    // For wirewatch_sources_by_state and STATUS=.
    Health health() const { return health_; }
    // A reload replaces every Source: the new one for the same id keeps the old one's health
    // and log throttling, so a failing source is neither "never polled" nor logged afresh.
    void carry_over(const Source& previous);

    // Polls soon, then every `interval` with jitter, until stop().
    void start();
    void stop();

    // Polls once now; `done` runs on the loop when this poll has emitted all it found.
    virtual void poll(std::function<void()> done) = 0;

protected:
    // Subclasses may choose when the poll after the current one runs (backoff, Retry-After)
    // by calling this before `done`; otherwise the interval with jitter applies.
    void set_next_delay(std::chrono::milliseconds delay) { next_delay_override_ = delay; }
    // Delay of the first scheduled poll; default: a random spread of up to 2 s.
    virtual std::chrono::milliseconds first_delay();
    // Stops scheduling for good (e.g. 410 Gone) until the next start().
    void disable() { disabled_ = true; }
    // Expires when this source is destroyed: pass as the owner of asynchronous work.
    std::weak_ptr<void> lifetime() const { return lifetime_; }

    // A poll failed: health becomes Failing and `problem` is logged (warn) as LogThrottle
    // allows; `detail` (failure count, next try) is appended but does not make it "new".
    // `where` is the log context after source=, e.g. "url=https://host/feed" (redacted).
    void poll_failed(const std::string& where, const std::string& problem,
                     const std::string& detail = "");
    // A poll succeeded: health becomes Ok; the first success after failures is logged.
    void poll_succeeded(const std::string& where);
    // A problem that does not fail the poll (a malformed feed that was recovered): logged as
    // LogThrottle allows, independently of failures.
    void warn_throttled(const std::string& where, const std::string& problem,
                        const std::string& detail = "");
    // Restores health remembered across a restart (HTTP sources keep it in the state store).
    void restore_health(Health health, int failures);
    void set_health(Health health) { health_ = health; }
    void fetched(FetchResult result);
    void parse_error();

    config::SourceConfig config_;
    SourceContext& context_;
    std::minstd_rand random_;

private:
    void schedule(std::chrono::milliseconds delay);
    std::chrono::milliseconds next_delay();

    boost::asio::steady_timer timer_;
    bool running_ = false;
    bool polling_ = false;
    bool disabled_ = false;
    std::optional<std::chrono::milliseconds> next_delay_override_;
    Health health_ = Health::NeverPolled;
    int failures_ = 0;  // consecutive, for the "recovered" line
    LogThrottle failure_log_;
    LogThrottle warning_log_;
    std::shared_ptr<int> lifetime_ = std::make_shared<int>(0);
};

// The source registry: one place mapping `type` to a factory. Returns nullptr with an error in
// `diags` (located at the source) when the type or URL scheme is not supported.
std::unique_ptr<Source> make_source(const config::SourceConfig& config, SourceContext& context,
                                    Diagnostics& diags);

}  // namespace ww::sources
