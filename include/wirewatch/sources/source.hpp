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
};

class Source {
public:
    Source(config::SourceConfig config, SourceContext& context);
    virtual ~Source() = default;
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    const std::string& id() const { return config_.id; }
    const config::SourceConfig& config() const { return config_; }

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
    std::shared_ptr<int> lifetime_ = std::make_shared<int>(0);
};

// The source registry: one place mapping `type` to a factory. Returns nullptr with an error in
// `diags` (located at the source) when the type or URL scheme is not supported.
std::unique_ptr<Source> make_source(const config::SourceConfig& config, SourceContext& context,
                                    Diagnostics& diags);

}  // namespace ww::sources
