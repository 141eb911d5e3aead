#include "wirewatch/sources/fetcher.hpp"

#include <algorithm>
#include <cctype>

#include "wirewatch/parse/date.hpp"
#include "wirewatch/sources/source_metrics.hpp"

namespace ww::sources {

SourceCounters& counters() {
    static SourceCounters c;
    return c;
}

std::chrono::milliseconds backoff_delay(int failures, std::chrono::milliseconds interval,
                                        std::chrono::milliseconds cap, std::minstd_rand& random) {
    using std::chrono::milliseconds;
    const milliseconds base = std::max(interval, milliseconds(1000));
    milliseconds delay = base;
    for (int i = 1; i < failures && delay < cap; ++i) {
        delay *= 2;
    }
    delay = std::min(delay, cap);
    std::uniform_int_distribution<long long> jitter(delay.count() / 2, delay.count());
    return milliseconds(jitter(random));
}

std::optional<TimePoint> parse_retry_after(std::string_view value, TimePoint now) {
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
        value.remove_prefix(1);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
        value.remove_suffix(1);
    }
    if (value.empty()) {
        return std::nullopt;
    }
    if (std::all_of(value.begin(), value.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        if (value.size() > 9) {
            return std::nullopt;  // absurd; treat as unparsable rather than pause for decades
        }
        return now + std::chrono::seconds(std::stoll(std::string(value)));
    }
    auto date = parse::parse_date(value);
    if (!date) {
        return std::nullopt;
    }
    return std::max(now, TimePoint(*date));
}

std::string url_host(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return {};
    }
    url.remove_prefix(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (auto at = url.rfind('@'); at != std::string_view::npos) {
        url.remove_prefix(at + 1);
    }
    std::string host(url);
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return host;
}

Fetcher::Fetcher(net::Transfers& transfers, const Clock& clock, config::FetchConfig fetch,
                 std::string user_agent)
    : transfers_(transfers),
      clock_(clock),
      fetch_(std::move(fetch)),
      user_agent_(std::move(user_agent)) {}

void Fetcher::configure(config::FetchConfig fetch, std::string user_agent) {
    fetch_ = std::move(fetch);
    user_agent_ = std::move(user_agent);
    pump();
}

void Fetcher::fetch(net::Request request, std::weak_ptr<void> owner,
                    std::function<void(net::Response)> done) {
    std::string host = url_host(request.url);
    queue_.push_back({std::move(request), std::move(host), std::move(owner), std::move(done)});
    pump();
}

void Fetcher::pause_host(const std::string& host, TimePoint until) {
    auto& current = paused_[host];
    current = std::max(current, until);
    ++counters().host_pauses;
}

std::optional<TimePoint> Fetcher::host_paused_until(const std::string& host) const {
    auto it = paused_.find(host);
    if (it == paused_.end() || it->second <= clock_.now()) {
        return std::nullopt;
    }
    return it->second;
}

void Fetcher::pump() {
    const int per_host = std::max(1, fetch_.per_host);
    const std::size_t global = static_cast<std::size_t>(std::max(1, fetch_.max_parallel));
    // Answered after the scan: their callbacks may queue more requests (re-entering pump()).
    std::vector<std::pair<Pending, net::Response>> refused;
    for (auto it = queue_.begin(); it != queue_.end() && in_flight_ < global;) {
        if (it->owner.expired()) {
            it = queue_.erase(it);
            continue;
        }
        if (per_host_[it->host] >= per_host) {
            ++it;
            continue;
        }
        // A paused host's requests complete at once, as a 429 would: the source backs off.
        Pending p = std::move(*it);
        it = queue_.erase(it);
        if (auto until = host_paused_until(p.host)) {
            net::Response paused;
            paused.result = CURLE_OK;
            paused.status = 429;
            paused.error = "host paused by an earlier Retry-After";
            const auto seconds =
                std::chrono::duration_cast<std::chrono::seconds>(*until - clock_.now()).count();
            paused.headers.emplace_back("retry-after",
                                        std::to_string(std::max<long long>(1, seconds)));
            refused.emplace_back(std::move(p), std::move(paused));
            continue;
        }
        ++in_flight_;
        ++per_host_[p.host];
        ++counters().fetches;
        if (p.request.user_agent.empty()) {
            p.request.user_agent = user_agent_;
        }
        transfers_.fetch(std::move(p.request),
                         [this, alive = std::weak_ptr<bool>(alive_), host = p.host, owner = p.owner,
                          started = std::chrono::steady_clock::now(),
                          done = std::move(p.done)](net::Response r) {
                             if (alive.expired()) {
                                 return;
                             }
                             if (metrics_ != nullptr) {
                                 metrics_->fetch_took(std::chrono::steady_clock::now() - started);
                             }
                             --in_flight_;
                             if (--per_host_[host] <= 0) {
                                 per_host_.erase(host);
                             }
                             if (!owner.expired()) {
                                 done(std::move(r));
                             }
                             pump();
                         });
        // Transfers never calls back synchronously, so the iterator stays valid.
    }
    for (auto& [p, response] : refused) {
        if (!p.owner.expired()) {
            p.done(std::move(response));
        }
    }
}

}  // namespace ww::sources
