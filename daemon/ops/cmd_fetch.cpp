// `wirewatchd fetch SOURCE_ID|URL [--json] [--config PATH]`: fetch and parse one source now and
// print its documents and the rules they would hit. A dry run: no state is read or written (so
// no conditional GET and every page paragraph is shown), nothing is sent or marked seen.

#include <boost/asio/io_context.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ops/args.hpp"
#include "ops/loaded_config.hpp"
#include "sources/http_source.hpp"
#include "sources/spool_source.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/net/transfers.hpp"
#include "wirewatch/ops/commands.hpp"
#include "wirewatch/rules/rule_set.hpp"
#include "wirewatch/sources/fetcher.hpp"

namespace ww::ops {

namespace {

bool is_url(const std::string& s) {
    return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("file://", 0) == 0;
}

std::string iso_time(const std::optional<std::chrono::sys_seconds>& t) {
    if (!t) {
        return {};
    }
    const std::time_t seconds = t->time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string excerpt(const std::string& text, std::size_t max) {
    if (text.size() <= max) {
        return text;
    }
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;  // never split a UTF-8 sequence
    }
    return text.substr(0, cut) + "…";
}

struct Printer {
    bool json = false;
    const rules::RuleSet* rules = nullptr;
    std::unique_ptr<rules::Scratch> scratch;
    std::size_t count = 0;

    void print(const Document& doc) {
        ++count;
        std::vector<rules::Hit> hits;
        if (rules != nullptr) {
            hits = rules->match(doc, *scratch);
        }
        if (json) {
            nlohmann::json j = {{"id", doc.item_id},
                                {"url", doc.url},
                                {"title", doc.title},
                                {"summary", doc.summary},
                                {"body", doc.body},
                                {"author", doc.author},
                                {"published", iso_time(doc.published)},
                                {"language", doc.language}};
            if (rules != nullptr) {
                nlohmann::json list = nlohmann::json::array();
                for (const auto& hit : hits) {
                    list.push_back(
                        {{"rule", hit.rule_id}, {"severity", rules::severity_name(hit.severity)}});
                }
                j["hits"] = list;
            }
            std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
            return;
        }
        std::cout << "== " << (doc.title.empty() ? "(untitled)" : doc.title) << "\n";
        std::cout << "   id:        " << doc.item_id << "\n";
        if (!doc.url.empty()) {
            std::cout << "   url:       " << doc.url << "\n";
        }
        if (doc.published) {
            std::cout << "   published: " << iso_time(doc.published) << "\n";
        }
        if (!doc.author.empty()) {
            std::cout << "   author:    " << doc.author << "\n";
        }
        if (!doc.language.empty()) {
            std::cout << "   language:  " << doc.language << "\n";
        }
        const std::string& text = doc.body.empty() ? doc.summary : doc.body;
        if (!text.empty()) {
            std::cout << "   " << excerpt(text, 300) << "\n";
        }
        if (rules != nullptr) {
            std::cout << "   hits:      ";
            if (hits.empty()) {
                std::cout << "(none)";
            }
            for (std::size_t i = 0; i < hits.size(); ++i) {
                std::cout << (i > 0 ? ", " : "") << hits[i].rule_id << " ("
                          << rules::severity_name(hits[i].severity) << ")";
            }
            std::cout << "\n";
        }
        std::cout << "\n";
    }
};

}  // namespace

int cmd_fetch(const Args& args) {
    ArgReader reader(args, {"--config"}, {"--json"});
    if (!reader.ok() || reader.positional().size() != 1) {
        std::cerr << "wirewatchd fetch: "
                  << (reader.ok() ? "expected one SOURCE_ID or URL" : reader.error())
                  << "\nusage: wirewatchd fetch SOURCE_ID|URL [--json] [--config PATH]\n";
        return kExitUsage;
    }
    configure_logging("warn");
    const std::string target = reader.positional().front();
    const bool url_given = is_url(target);
    std::optional<LoadedConfig> loaded;
    if (!url_given || reader.value("--config")) {
        Diagnostics diags;
        const std::string path = reader.value("--config").value_or(default_config_path());
        loaded = load_config_and_rules(path, std::nullopt, /*use_cache=*/true, diags);
        print_diagnostics(diags);
        if (!loaded) {
            return kExitConfig;
        }
    }
    config::SourceConfig source_config;
    if (url_given) {
        source_config.id = "fetch";
        source_config.type = "feed";  // the content decides: feed, sitemap or page
        source_config.url = target;
    } else {
        auto& sources = loaded->config.sources;
        auto it = std::find_if(sources.begin(), sources.end(),
                               [&](const config::SourceConfig& s) { return s.id == target; });
        if (it == sources.end()) {
            std::cerr << "wirewatchd fetch: no source with id '" << target << "' in "
                      << loaded->config.file.string() << "\n";
            return kExitUsage;
        }
        source_config = *it;
        // A page source in a dry run shows the whole page text.
    }

    Printer printer;
    printer.json = reader.flag("--json");
    if (loaded && loaded->rules) {
        printer.rules = loaded->rules.get();
        printer.scratch = loaded->rules->make_scratch();
    }
    const config::FetchConfig fetch = loaded ? loaded->config.fetch : config::FetchConfig{};

    if (source_config.type == "spool") {
        // Read what is waiting, without moving anything.
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(source_config.path, ec)) {
            if (!entry.is_regular_file(ec)) {
                continue;
            }
            std::string error;
            auto docs = sources::SpoolSource::read_file(entry.path(), fetch.max_body, error);
            if (!docs) {
                std::cerr << entry.path().string() << ": " << error << "\n";
                continue;
            }
            for (auto& doc : *docs) {
                doc.source_id = source_config.id;
                printer.print(doc);
            }
        }
        return kExitOk;
    }

    boost::asio::io_context io;
    SystemClock clock;
    net::Transfers transfers(io);
    sources::Fetcher fetcher(transfers, clock, fetch,
                             loaded ? loaded->config.daemon.user_agent : std::string());
    sources::SourceContext context{io, clock, fetch, [&](sources::Batch& batch) {
                                       for (const auto& doc : batch.documents) {
                                           printer.print(doc);
                                       }
                                       return false;  // a dry run commits nothing
                                   }};
    context.fetcher = &fetcher;
    Diagnostics diags;
    auto source = sources::make_source(source_config, context, diags);
    if (!source) {
        print_diagnostics(diags);
        return kExitUsage;
    }
    configure_logging("info");  // the source's own failure lines go to stderr
    bool done = false;
    source->poll([&] { done = true; });
    while (!done && io.run_one() > 0) {
    }
    if (auto* http = dynamic_cast<sources::HttpSource*>(source.get())) {
        if (http->record().failures > 0 || http->record().disabled) {
            return kExitFailure;
        }
    }
    if (printer.count == 0 && !printer.json) {
        std::cerr << "no documents\n";
    }
    return kExitOk;
}

}  // namespace ww::ops
