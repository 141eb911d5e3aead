#include "wirewatch/ops/app.hpp"

#include <sys/stat.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ops/app_metrics.hpp"
#include "ops/args.hpp"
#include "ops/loaded_config.hpp"
#include "ops/match_pool.hpp"
#include "wirewatch/alerts/dispatcher.hpp"
#include "wirewatch/alerts/router.hpp"
#include "wirewatch/hash.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/metrics.hpp"
#include "wirewatch/net/transfers.hpp"
#include "wirewatch/sources/fetcher.hpp"
#include "wirewatch/sources/source.hpp"
#include "wirewatch/state/source_state.hpp"
#include "wirewatch/state/store.hpp"

namespace ww::ops {

namespace {

constexpr auto kRuleWatchInterval = std::chrono::seconds(2);
constexpr auto kPruneEvery = std::chrono::hours(1);

// Everything built from one version of the config. Swapped whole on reload.
struct Generation {
    LoadedConfig loaded;
    std::unique_ptr<sources::SourceContext> context;
    std::vector<std::unique_ptr<sources::Source>> sources;
    std::unique_ptr<MatchPool> matcher;  // [daemon] workers threads with their scratches
};

// Size and mtime of every rule file: a cheap fingerprint to notice edits without inotify.
std::string rule_files_signature(const std::vector<std::filesystem::path>& files) {
    std::string signature;
    for (const auto& file : files) {
        struct stat st {};
        signature += file.string();
        if (::stat(file.c_str(), &st) == 0) {
            signature += '@' + std::to_string(st.st_size) + '@' +
                         std::to_string(st.st_mtim.tv_sec) + '.' +
                         std::to_string(st.st_mtim.tv_nsec);
        }
        signature += '\n';
    }
    return signature;
}

}  // namespace

struct App::Impl {
    Impl(boost::asio::io_context& io, const Clock& clock, AppOptions options)
        : io(io), clock(clock), options(std::move(options)), watch_timer(io), prune_timer(io) {}

    boost::asio::io_context& io;
    const Clock& clock;
    AppOptions options;
    std::unique_ptr<state::Store> store;
    // HTTP fetching and source state outlive every Generation (declared after the store they
    // use, so destroyed before it).
    std::unique_ptr<net::Transfers> transfers;
    std::unique_ptr<sources::Fetcher> fetcher;
    std::unique_ptr<state::SourceState> source_state;
    std::unique_ptr<alerts::Dispatcher> dispatcher;
    std::unique_ptr<alerts::DigestTimer> digests;
    std::unique_ptr<Generation> current;
    boost::asio::thread_pool compile_pool{1};
    boost::asio::steady_timer watch_timer;
    boost::asio::steady_timer prune_timer;
    std::string watched_signature;
    std::function<void()> on_rules_changed;
    bool reloading = false;
    bool started = false;
    bool stopping = false;
    // Scraped on the loop thread (the HTTP listener runs there), like everything above.
    ww::metrics::Registry registry;
    AppMetrics app_metrics{registry};
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);

    std::unique_ptr<Generation> build(LoadedConfig loaded, Diagnostics& diags);
    void activate(std::unique_ptr<Generation> next);
    bool emit(sources::Batch& batch);
    void notify_admin(const std::string& source_id, const std::string& message);
    void collect();
    void watch_rules();
    void prune_seen();
    // What channels are built with; its pointers are set before the first load and stay.
    notify::NotifierContext channel_context() const { return {&io, transfers.get(), &clock, {}}; }
};

std::unique_ptr<Generation> App::Impl::build(LoadedConfig loaded, Diagnostics& diags) {
    auto generation = std::make_unique<Generation>();
    generation->loaded = std::move(loaded);
    generation->context = std::make_unique<sources::SourceContext>(
        sources::SourceContext{io, clock, generation->loaded.config.fetch,
                               [this](sources::Batch& batch) { return emit(batch); }});
    fetcher->configure(generation->loaded.config.fetch,
                       generation->loaded.config.daemon.user_agent);
    generation->context->fetcher = fetcher.get();
    generation->context->state = source_state.get();
    generation->context->metrics = &app_metrics.sources();
    generation->context->notify_admin = [this](const std::string& source_id,
                                               const std::string& message) {
        notify_admin(source_id, message);
    };
    for (const auto& source_config : generation->loaded.config.sources) {
        if (auto source = sources::make_source(source_config, *generation->context, diags)) {
            generation->sources.push_back(std::move(source));
        }
    }
    if (diags.has_errors()) {
        return nullptr;
    }
    generation->matcher = std::make_unique<MatchPool>(
        generation->loaded.rules, match_threads(generation->loaded.config.daemon.workers));
    return generation;
}

void App::Impl::activate(std::unique_ptr<Generation> next) {
    if (current) {
        std::map<std::string, const sources::Source*> previous;
        for (auto& source : current->sources) {
            source->stop();
            previous.emplace(source->id(), source.get());
        }
        for (auto& source : next->sources) {
            if (auto it = previous.find(source->id()); it != previous.end()) {
                source->carry_over(*it->second);
            }
        }
    }
    dispatcher->set_channels(next->loaded.channels);
    dispatcher->set_rate_limits(alerts::rate_limits(next->loaded.config.channels));
    dispatcher->set_admin_channel(next->loaded.config.daemon.admin_channel);
    digests->set_router(next->loaded.router);
    // Keep the old generation alive until the loop has unwound any handler of it.
    auto old = std::move(current);
    current = std::move(next);
    boost::asio::post(io, [old = std::shared_ptr<Generation>(std::move(old))] {});
    if (started) {
        for (auto& source : current->sources) {
            source->start();
        }
    }
    watched_signature = rule_files_signature(current->loaded.rule_files);
    set_log_level(current->loaded.config.daemon.log_level);
    app_metrics.activated(current->loaded, clock.now());
}

bool App::Impl::emit(sources::Batch& batch) {
    auto log = logger("sources");
    const auto now = clock.now();
    const Generation& generation = *current;
    try {
        const bool record_only =
            !batch.alert_on_first_poll && !store->source_polled_before(batch.source_id);
        std::vector<std::string> new_ids;
        std::vector<const Document*> to_match;
        std::set<std::string> in_batch;
        for (auto& doc : batch.documents) {
            if (doc.item_id.empty()) {
                doc.item_id = "h:" + hex64(fnv1a64(doc.url + "\x1f" + doc.title));
            }
            if (!in_batch.insert(doc.item_id).second ||
                store->has_seen(batch.source_id, doc.item_id)) {
                continue;
            }
            new_ids.push_back(doc.item_id);
            if (!record_only) {
                to_match.push_back(&doc);
            }
        }
        auto matched = generation.matcher->match(to_match);
        alerts::Routed routed;  // queued, held for digests, or folded (near-duplicates)
        for (std::size_t i = 0; i < to_match.size(); ++i) {
            app_metrics.matched(batch.source_id, matched[i].hits, matched[i].took);
            if (!matched[i].hits.empty()) {
                generation.loaded.router->route_into(*to_match[i], matched[i].hits, now, *store,
                                                     routed);
            }
        }
        const int added =
            store->record(batch.source_id, new_ids, routed.alerts, routed.prints, now);
        app_metrics.alerts_queued(added);
        if (record_only) {
            log->info("source={}: first poll, recorded {} existing items without alerting",
                      batch.source_id, new_ids.size());
        } else if (!new_ids.empty()) {
            log->info("source={}: {} new item{}, {} alert{}", batch.source_id, new_ids.size(),
                      new_ids.size() == 1 ? "" : "s", added, added == 1 ? "" : "s");
        }
    } catch (const state::StoreError& e) {
        log->error("source={}: cannot record {} documents, will retry next poll: {}",
                   batch.source_id, batch.documents.size(), e.what());
        return false;
    }
    dispatcher->kick();
    return true;
}

void App::Impl::notify_admin(const std::string& source_id, const std::string& message) {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
    try {
        if (dispatcher->notify_admin(
                "source-" + source_id + "-" + std::to_string(now), "source-disabled", message,
                "`wirewatchd fetch " + source_id + "` shows what its url answers now.")) {
            logger("ops")->info("source={}: admin channel notified", source_id);
        }
    } catch (const state::StoreError& e) {
        logger("ops")->error("source={}: cannot queue the admin notice: {}", source_id, e.what());
    }
}

// Gauges read on demand, just before a scrape.
void App::Impl::collect() {
    try {
        const auto pending = store->list(state::DeliveryState::Pending, 1);
        std::optional<double> age;
        if (!pending.empty()) {
            age = std::chrono::duration<double>(clock.now() - pending.front().created_at).count();
        }
        app_metrics.outbox(store->pending_count(), age);
    } catch (const state::StoreError& e) {
        logger("ops")->warn("metrics: cannot read the outbox: {}", e.what());
    }
    std::vector<sources::Health> health;
    if (current) {
        for (const auto& source : current->sources) {
            health.push_back(source->health());
        }
    }
    app_metrics.sources().health(health);
}

void App::Impl::watch_rules() {
    watch_timer.expires_after(kRuleWatchInterval);
    watch_timer.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping) {
            return;
        }
        if (current && current->loaded.config.rules.watch && !reloading) {
            Diagnostics ignored;
            auto files = current->loaded.config.rule_files(ignored);
            auto signature = rule_files_signature(files);
            if (signature != watched_signature) {
                watched_signature = signature;
                logger("rules")->info("rule files changed on disk; reloading");
                on_rules_changed();
            }
        }
        watch_rules();
    });
}

// Seen ids and page fingerprints older than [daemon] seen_retention go, now and every hour.
void App::Impl::prune_seen() {
    try {
        const int removed =
            source_state->maybe_prune(clock.now(), current->loaded.config.daemon.seen_retention);
        if (removed > 0) {
            logger("state")->info("pruned {} seen item{} older than seen_retention", removed,
                                  removed == 1 ? "" : "s");
        }
    } catch (const state::StoreError& e) {
        logger("state")->warn("cannot prune seen items: {}", e.what());
    }
    prune_timer.expires_after(kPruneEvery);
    prune_timer.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !stopping) {
            prune_seen();
        }
    });
}

App::App(boost::asio::io_context& io, const Clock& clock, AppOptions options)
    : impl_(std::make_unique<Impl>(io, clock, std::move(options))) {
    impl_->on_rules_changed = [this] { reload(); };
}

App::~App() {
    *impl_->alive = false;
    impl_->compile_pool.join();
}

bool App::load(Diagnostics& diags) {
    // Channels are built with the config, so the transport they send on must exist first.
    if (!impl_->transfers) {
        impl_->transfers = std::make_unique<net::Transfers>(impl_->io);
    }
    auto loaded = load_config_and_rules(impl_->options.config_path, impl_->options.state_dir,
                                        /*use_cache=*/true, diags, impl_->channel_context());
    if (!loaded) {
        return false;
    }
    config::register_secrets(loaded->config);
    try {
        impl_->store = state::Store::open(loaded->config.daemon.state_dir);
        impl_->source_state = std::make_unique<state::SourceState>(*impl_->store);
    } catch (const state::StoreError& e) {
        diags.error({impl_->options.config_path.string(), 0, 0}, std::string("state: ") + e.what());
        return false;
    }
    impl_->fetcher = std::make_unique<sources::Fetcher>(
        *impl_->transfers, impl_->clock, loaded->config.fetch, loaded->config.daemon.user_agent);
    impl_->fetcher->set_metrics(&impl_->app_metrics.sources());
    impl_->dispatcher =
        std::make_unique<alerts::Dispatcher>(impl_->io, *impl_->store, impl_->clock);
    impl_->digests = std::make_unique<alerts::DigestTimer>(
        impl_->io, *impl_->store, impl_->clock, [&impl = *impl_] { impl.dispatcher->kick(); });
    impl_->dispatcher->set_metrics(impl_->registry);
    auto generation = impl_->build(std::move(*loaded), diags);
    if (!generation) {
        return false;
    }
    impl_->activate(std::move(generation));
    impl_->registry.on_collect([&impl = *impl_] { impl.collect(); });
    return true;
}

void App::start() {
    impl_->started = true;
    for (auto& source : impl_->current->sources) {
        source->start();
    }
    impl_->dispatcher->kick();
    impl_->digests->kick();  // a digest that fell due while the daemon was down goes out now
    impl_->watch_rules();
    impl_->prune_seen();
}

void App::poll_all_once(std::function<void()> done) {
    // Then the digests due by now: a cron-style `run --once` sends them too.
    done = [&impl = *impl_, done = std::move(done)] {
        impl.digests->kick();
        done();
    };
    auto remaining = std::make_shared<std::size_t>(impl_->current->sources.size());
    if (*remaining == 0) {
        boost::asio::post(impl_->io, std::move(done));
        return;
    }
    auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
    for (auto& source : impl_->current->sources) {
        source->poll([remaining, shared_done] {
            if (--*remaining == 0) {
                (*shared_done)();
            }
        });
    }
}

void App::reload(std::function<void(bool)> done) {
    Impl& impl = *impl_;
    if (impl.reloading) {
        logger("ops")->warn("reload already in progress; ignoring this request");
        if (done) {
            done(false);
        }
        return;
    }
    impl.reloading = true;
    logger("ops")->info("reloading config={}", impl.options.config_path.string());
    // Parsing and compiling may take seconds with many rules: do it off the loop, then
    // swap on the loop. Documents being matched keep using the old generation meanwhile.
    boost::asio::post(impl.compile_pool, [&impl, alive = impl.alive, done = std::move(done)] {
        auto diags = std::make_shared<Diagnostics>();
        auto loaded = std::make_shared<std::optional<LoadedConfig>>(
            load_config_and_rules(impl.options.config_path, impl.options.state_dir,
                                  /*use_cache=*/true, *diags, impl.channel_context()));
        boost::asio::post(impl.io, [&impl, alive, done, diags, loaded] {
            if (!*alive) {
                return;
            }
            impl.reloading = false;
            std::unique_ptr<Generation> next;
            if (*loaded) {
                config::register_secrets((**loaded).config);
                next = impl.build(std::move(**loaded), *diags);
            }
            auto log = logger("ops");
            log_diagnostics(*diags, "ops");
            impl.app_metrics.reload_finished(next != nullptr);
            if (!next) {
                log->error(
                    "reload failed with {} errors; the previous config and rules stay "
                    "in force",
                    diags->error_count());
                if (done) {
                    done(false);
                }
                return;
            }
            impl.activate(std::move(next));
            log->info("reloaded: {}", impl.current->loaded.summary());
            if (done) {
                done(true);
            }
        });
    });
}

void App::shutdown(std::function<void()> done) {
    impl_->stopping = true;
    impl_->watch_timer.cancel();
    if (impl_->digests) {
        impl_->digests->stop();
    }
    impl_->prune_timer.cancel();
    if (impl_->current) {
        for (auto& source : impl_->current->sources) {
            source->stop();
        }
    }
    if (!impl_->dispatcher) {
        boost::asio::post(impl_->io, std::move(done));
        return;
    }
    impl_->dispatcher->drain(impl_->current ? impl_->current->loaded.config.daemon.shutdown_grace
                                            : std::chrono::seconds(10),
                             std::move(done));
}

ww::metrics::Registry& App::metrics() { return impl_->registry; }

bool App::healthy() const { return impl_->current && impl_->current->loaded.rules; }

bool App::ready() const { return impl_->started && !impl_->stopping && healthy(); }

std::optional<std::string> App::http_listen() const {
    if (!impl_->current || !impl_->current->loaded.config.daemon.http) {
        return std::nullopt;
    }
    return impl_->current->loaded.config.daemon.http->listen;
}

std::string App::status() const {
    if (!impl_->current) {
        return "not loaded";
    }
    std::string text = impl_->current->loaded.summary();
    std::map<sources::Health, int> by_health;
    for (const auto& source : impl_->current->sources) {
        ++by_health[source->health()];
    }
    if (!impl_->current->sources.empty()) {
        // "sources: 3 ok, 1 failing"; states no source is in are left out.
        std::string health;
        for (auto state : {sources::Health::Ok, sources::Health::Failing, sources::Health::Disabled,
                           sources::Health::NeverPolled}) {
            if (by_health[state] > 0) {
                health += (health.empty() ? "" : ", ") + std::to_string(by_health[state]) + " " +
                          sources::health_name(state);
            }
        }
        text += "; sources: " + health;
    }
    try {
        text += "; outbox " + std::to_string(impl_->store->pending_count()) + " pending";
    } catch (const state::StoreError&) {
    }
    return text;
}

}  // namespace ww::ops
