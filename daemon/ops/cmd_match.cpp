// `wirewatchd match` and `wirewatchd explain`: tools for people who write rules.

#include <chrono>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "ops/args.hpp"
#include "ops/loaded_config.hpp"
#include "sources/read_file.hpp"
#include "sources/spool_source.hpp"
#include "wirewatch/ops/commands.hpp"
#include "wirewatch/rules/explain.hpp"
#include "wirewatch/rules/rule_def.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::ops {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxInput = 64ull << 20;

struct Input {
    std::string name;
    std::vector<Document> documents;
    std::size_t bytes = 0;
};

// Plain text is matched as one body so that spans are byte offsets into the file; .html,
// .xml and .json go through the same readers as the spool source (article extraction, feeds).
std::optional<Input> read_input(const std::string& name, std::string& error) {
    Input input{name, {}, 0};
    if (name == "-") {
        std::string text(std::istreambuf_iterator<char>(std::cin), {});
        input.bytes = text.size();
        Document doc;
        doc.body = text::sanitize_utf8(text);
        input.documents.push_back(std::move(doc));
        return input;
    }
    const std::string ext = fs::path(name).extension().string();
    if (ext == ".html" || ext == ".htm" || ext == ".xml" || ext == ".json") {
        auto docs = sources::SpoolSource::read_file(name, kMaxInput, error);
        if (!docs) {
            return std::nullopt;
        }
        std::error_code ec;
        input.bytes = static_cast<std::size_t>(fs::file_size(name, ec));
        input.documents = std::move(*docs);
        return input;
    }
    auto text = sources::read_capped(name, kMaxInput, error);
    if (!text) {
        return std::nullopt;
    }
    input.bytes = text->size();
    Document doc;
    doc.body = text::sanitize_utf8(*text);
    input.documents.push_back(std::move(doc));
    return input;
}

std::string marked_snippet(const rules::Hit& hit) {
    std::string out;
    std::size_t pos = 0;
    for (const auto& [begin, end] : hit.marks) {
        if (begin < pos || end > hit.snippet.size()) {
            continue;
        }
        out += hit.snippet.substr(pos, begin - pos) + "**" +
               hit.snippet.substr(begin, end - begin) + "**";
        pos = end;
    }
    return out + hit.snippet.substr(pos);
}

void print_hit(const std::string& name, const rules::Hit& hit, bool json) {
    if (json) {
        nlohmann::json spans = nlohmann::json::array();
        for (const auto& span : hit.spans) {
            // The field names where the offsets count from: a title hit is not at body[start].
            spans.push_back(
                {{"field", field_name(span.field)}, {"start", span.begin}, {"end", span.end}});
        }
        nlohmann::json line = {{"file", name},
                               {"rule", hit.rule_id},
                               {"terms", hit.terms},
                               {"spans", spans},
                               {"snippet", hit.snippet}};
        std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return;
    }
    std::string terms;
    for (const auto& term : hit.terms) {
        terms += (terms.empty() ? "" : ", ") + term;
    }
    std::cout << name << ": " << hit.rule_id << " (" << rules::severity_name(hit.severity) << ") — "
              << terms << "\n    " << marked_snippet(hit) << "\n";
}

}  // namespace

int cmd_match(const Args& args) {
    ArgReader reader(args, {"--rules"}, {"--json", "--stats"});
    if (!reader.ok() || !reader.value("--rules")) {
        std::cerr << "wirewatchd match: "
                  << (reader.ok() ? "--rules PATH is required" : reader.error())
                  << "\nusage: wirewatchd match --rules PATH [--json] [--stats] [FILE|-]...\n";
        return kExitUsage;
    }
    Diagnostics diags;
    auto rule_set = load_rules_only(*reader.value("--rules"), diags);
    print_diagnostics(diags);
    if (!rule_set) {
        return kExitConfig;
    }
    auto files = reader.positional();
    if (files.empty()) {
        files.push_back("-");
    }
    auto scratch = rule_set->make_scratch();
    const bool json = reader.flag("--json");
    std::size_t documents = 0;
    std::size_t bytes = 0;
    std::chrono::steady_clock::duration spent{};
    int status = kExitOk;
    for (const auto& name : files) {
        std::string error;
        auto input = read_input(name, error);
        if (!input) {
            std::cerr << name << ": " << error << "\n";
            status = kExitFailure;
            continue;
        }
        bytes += input->bytes;
        for (const auto& doc : input->documents) {
            ++documents;
            const auto start = std::chrono::steady_clock::now();
            auto hits = rule_set->match(doc, *scratch);
            spent += std::chrono::steady_clock::now() - start;
            for (const auto& hit : hits) {
                print_hit(input->name, hit, json);
            }
        }
    }
    if (reader.flag("--stats")) {
        const double seconds = std::chrono::duration<double>(spent).count();
        std::cerr << "documents " << documents << ", bytes " << bytes << ", seconds " << seconds
                  << ", MB/s " << (seconds > 0 ? static_cast<double>(bytes) / 1e6 / seconds : 0.0)
                  << "\n";
    }
    return status;
}

int cmd_explain(const Args& args) {
    ArgReader reader(args, {"--rules"}, {});
    if (!reader.ok() || !reader.value("--rules") || reader.positional().size() != 2) {
        std::cerr << "wirewatchd explain: "
                  << (reader.ok() ? "needs --rules PATH, a rule id and a file" : reader.error())
                  << "\nusage: wirewatchd explain --rules PATH RULE FILE\n";
        return kExitUsage;
    }
    Diagnostics diags;
    auto defs = rules::load_rule_files(rule_files_in(*reader.value("--rules"), diags), diags);
    print_diagnostics(diags);
    const std::string& rule_id = reader.positional()[0];
    auto rule = rules::find_rule(defs, rule_id);
    if (!rule) {
        std::cerr << "wirewatchd explain: no rule \"" << rule_id << "\" in "
                  << *reader.value("--rules") << "\n";
        return kExitFailure;
    }
    std::string error;
    auto input = read_input(reader.positional()[1], error);
    if (!input) {
        std::cerr << reader.positional()[1] << ": " << error << "\n";
        return kExitFailure;
    }
    for (const auto& doc : input->documents) {
        std::cout << rules::explain(*rule, doc);
    }
    return kExitOk;
}

}  // namespace ww::ops
