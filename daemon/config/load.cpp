// Loading and validating conf/wirewatch.toml.
//
// Every section is described by a table of keys (name, kind, the source/channel types it
// applies to, allowed values, where the value goes), in the manner of Fluent Bit's config map.
// One generic pass checks a TOML table against such a key table and reports unknown keys,
// keys for another type, wrong value types and missing required keys; the section functions
// below it only add the checks that need more than one key. Errors are gathered, never
// thrown, and reported sorted by position like a compiler's.

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>

#include "wirewatch/config/config.hpp"

namespace ww::config {

namespace {

namespace fs = std::filesystem;
using Names = std::vector<std::string_view>;

const Names kSourceTypes = {"feed", "sitemap", "page", "spool"};
const Names kNetworkSources = {"feed", "sitemap", "page"};
const Names kChannelTypes = {"stdout", "file", "email", "slack", "syslog", "webhook"};
const Names kUrlChannels = {"email", "slack", "webhook"};
const Names kSeverities = {"info", "low", "medium", "high", "critical"};
const Names kLogLevels = {"trace", "debug", "info", "warn", "error"};
const Names kFacilities = {"kern",   "user",   "mail",   "daemon",   "auth",   "syslog", "lpr",
                           "news",   "uucp",   "cron",   "authpriv", "ftp",    "local0", "local1",
                           "local2", "local3", "local4", "local5",   "local6", "local7"};
const Names kAll = {"*"};

constexpr Duration kMinNetworkInterval = std::chrono::seconds(30);
constexpr Duration kMinSpoolInterval = std::chrono::seconds(1);
constexpr const char* kDurationForms = "write e.g. '250ms', '30s', '5m', '1h30m' or '2d'";
constexpr const char* kSizeForms =
    "write e.g. '100B', '512KiB', '10MiB', '1GiB', '100KB', '10MB' or a number of bytes";

// How a value is checked and converted before it is handed to a key's setter.
enum class Kind {
    String,
    Env,         // the name of an environment variable
    Url,         // a string; "file:relative" is made absolute against the config folder
    Path,        // a string; made absolute against the config folder
    SecretFile,  // a Path that is also looked up in $CREDENTIALS_DIRECTORY when relative
    Bool,
    Integer,
    Number,  // integer or float
    Duration,
    Size,
    StringList,
    TimeList,  // ["HH:MM", ...]
    Headers,   // { Name = "value" | { env = "X" } | { file = "/path" } }
    Table,     // a sub-table, checked by the section itself
};

// A checked value. Only the member matching the key's Kind is meaningful.
struct Value {
    std::string str;
    fs::path path;
    bool boolean = false;
    std::int64_t integer = 0;
    double number = 0;
    Duration duration{};
    std::uint64_t size = 0;
    std::vector<std::string> list;
    std::map<std::string, SecretRef> headers;
};

template <class T>
struct Key {
    std::string_view name;
    Kind kind = Kind::String;
    Names types{};             // the `type`s this key applies to; empty = every type
    Names choices{};           // allowed values of a string; empty = any
    std::string_view group{};  // alternatives for one setting (url, url_env, url_file)
    Names required_for{};      // types that must set this key (or its group); kAll = always
    std::optional<std::int64_t> min{};  // Integer
    void (*set)(const Value&, T&) = nullptr;
};

bool contains(const Names& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string join(const Names& names) {
    std::string out;
    for (const auto& name : names) {
        out += out.empty() ? "" : ", ";
        out += name;
    }
    return out;
}

std::vector<std::string> to_strings(const Names& names) { return {names.begin(), names.end()}; }

std::string describe(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

bool is_time_of_day(const std::string& text) {
    if (text.size() != 5 || text[2] != ':') {
        return false;
    }
    for (std::size_t i : {0u, 1u, 3u, 4u}) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    const int hours = (text[0] - '0') * 10 + (text[1] - '0');
    const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    return hours < 24 && minutes < 60;
}

bool is_env_name(const std::string& text) {
    if (text.empty() || (text[0] >= '0' && text[0] <= '9')) {
        return false;
    }
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

bool is_id(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.';
    });
}

// RFC 9110 token characters: anything else cannot be sent as a header name.
bool is_header_name(const std::string& text) {
    static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               kExtra.find(c) != std::string_view::npos;
    });
}

bool starts_with(const std::string& text, std::string_view prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

std::string format_duration(Duration d) {
    const auto ms = d.count();
    if (ms % 1000 != 0) {
        return std::to_string(ms) + "ms";
    }
    return std::to_string(ms / 1000) + "s";
}

// Where the messages about one table come from: "[daemon] workers: ..." for a section,
// "source \"x\": interval: ..." for an item of an array of tables.
struct Scope {
    std::string what{};  // "[daemon]", "source \"x\""
    bool item = false;   // an element of [[source]], [[channel]], [[subscriber]]
    bool typed = false;  // has a `type` that decides which keys apply
    std::string noun{};  // "sources", for "does not apply to sources of type 'feed'"
    std::string type{};  // empty when missing or unknown
    std::string key(std::string_view name) const {
        return what + (item ? ": " : " ") + std::string(name);
    }
    std::string table() const { return what + ": "; }
};

struct Seen {
    Location key;
    Location value;
    const toml::node* node = nullptr;
};
using SeenKeys = std::map<std::string, Seen, std::less<>>;

class Loader {
public:
    Loader(std::string file, fs::path dir) : file_(std::move(file)), dir_(std::move(dir)) {}

    void run(const toml::table& doc, Config& config);

    // Hands the diagnostics over sorted by position; a note stays after the error it explains.
    void flush(Diagnostics& diags) {
        std::vector<std::vector<Diagnostic>> groups;
        for (const auto& d : diags_.all()) {
            if (d.level == Level::Note && !groups.empty()) {
                groups.back().push_back(d);
            } else {
                groups.push_back({d});
            }
        }
        std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
            const Location& x = a.front().where;
            const Location& y = b.front().where;
            return std::tie(x.line, x.column) < std::tie(y.line, y.column);
        });
        for (const auto& group : groups) {
            for (const auto& d : group) {
                diags.add(d);
            }
        }
    }

private:
    Location at(const toml::source_region& source) const {
        return {file_, static_cast<int>(source.begin.line), static_cast<int>(source.begin.column)};
    }
    void error(const Location& where, std::string message) {
        diags_.error(where, std::move(message));
    }
    void error(const toml::node& node, std::string message) {
        diags_.error(at(node.source()), std::move(message));
    }

    fs::path absolute(const std::string& written) const {
        fs::path path(written);
        return (path.is_relative() ? dir_ / path : path).lexically_normal();
    }

    std::string hint(const std::string& word, const Names& candidates) const {
        const std::string best = did_you_mean(word, to_strings(candidates));
        return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
    }

    void type_error(const toml::node& node, const std::string& label, const char* expected,
                    const std::string& extra = {}) {
        error(node, label + ": expected " + expected + ", got " + describe(node) + extra);
    }

    bool convert(Kind kind, const Names& choices, std::optional<std::int64_t> min,
                 const toml::node& node, const std::string& label, Value& out);
    bool convert_headers(const toml::table& table, const std::string& label, Value& out);

    template <class T>
    SeenKeys apply(const toml::table& table, const std::vector<Key<T>>& keys, const Scope& scope,
                   T& out, const Names& skip = {});

    // Reads `id` (and `type` when `types` is given) of one [[source]]/[[channel]]/...
    Scope item_scope(const toml::table& table, std::string_view kind, std::size_t index,
                     const Names* types, std::string_view noun, std::string& id);
    void check_duplicate(const toml::table& table, std::string_view kind, const std::string& id,
                         std::map<std::string, Location>& first);
    const toml::array* array_of_tables(const toml::node& node, std::string_view name);

    void load_daemon(const toml::node& node, DaemonConfig& daemon);
    void load_rules(const toml::node& node, RulesConfig& rules);
    void load_fetch(const toml::node& node, FetchConfig& fetch);
    void load_sources(const toml::node& node, std::vector<SourceConfig>& sources);
    void load_channels(const toml::node& node, std::vector<ChannelConfig>& channels);
    void load_subscribers(const toml::node& node, std::vector<SubscriberConfig>& subscribers,
                          std::vector<const toml::table*>& tables);
    void check_subscriber_channels(const std::vector<SubscriberConfig>& subscribers,
                                   const std::vector<const toml::table*>& tables,
                                   const std::vector<ChannelConfig>& channels);
    void check_timezone(const toml::node& node, const std::string& label, const std::string& tz);

    std::string file_;
    fs::path dir_;
    Diagnostics diags_;
};

bool Loader::convert(Kind kind, const Names& choices, std::optional<std::int64_t> min,
                     const toml::node& node, const std::string& label, Value& out) {
    switch (kind) {
        case Kind::String:
        case Kind::Env:
        case Kind::Url:
        case Kind::Path:
        case Kind::SecretFile: {
            const auto* text = node.as_string();
            if (text == nullptr) {
                type_error(node, label, "a string");
                return false;
            }
            out.str = text->get();
            if (!choices.empty() && !contains(choices, out.str)) {
                std::string h = hint(out.str, choices);
                error(node, label + ": unknown value '" + out.str + "'" +
                                (h.empty() ? " (expected one of: " + join(choices) + ")" : h));
                return false;
            }
            if (kind == Kind::Env && !is_env_name(out.str)) {
                error(node, label + ": '" + out.str + "' is not an environment variable name");
                return false;
            }
            if ((kind == Kind::Url || kind == Kind::Path || kind == Kind::SecretFile) &&
                out.str.empty()) {
                error(node, label + ": must not be empty");
                return false;
            }
            if (kind == Kind::Path || kind == Kind::SecretFile) {
                out.path = absolute(out.str);
                if (kind == Kind::SecretFile && fs::path(out.str).is_absolute()) {
                    out.str.clear();  // not a credential name: only relative names are
                }
            }
            // "file:relative/path" lets a demo config ship with its own sample feeds.
            if (kind == Kind::Url && starts_with(out.str, "file:") &&
                !starts_with(out.str, "file://")) {
                out.str = "file://" + absolute(out.str.substr(5)).string();
            }
            return true;
        }
        case Kind::Bool:
            if (const auto* b = node.as_boolean()) {
                out.boolean = b->get();
                return true;
            }
            type_error(node, label, "a boolean (true or false)");
            return false;
        case Kind::Integer:
            if (const auto* i = node.as_integer()) {
                out.integer = i->get();
                if (min && out.integer < *min) {
                    error(node, label + ": must be at least " + std::to_string(*min) + ", got " +
                                    std::to_string(out.integer));
                    return false;
                }
                return true;
            }
            type_error(node, label, "an integer");
            return false;
        case Kind::Number:
            if (const auto* i = node.as_integer()) {
                out.number = static_cast<double>(i->get());
                return true;
            }
            if (const auto* f = node.as_floating_point()) {
                out.number = f->get();
                return true;
            }
            type_error(node, label, "a number");
            return false;
        case Kind::Duration:
            if (const auto* text = node.as_string()) {
                auto d = parse_duration(text->get());
                if (!d) {
                    error(node, label + ": invalid duration '" + text->get() + "' (" +
                                    kDurationForms + ")");
                    return false;
                }
                out.duration = *d;
                return true;
            }
            if (const auto* i = node.as_integer()) {
                // A bare number is ambiguous (seconds? milliseconds?): make the unit explicit.
                type_error(node, label, "a duration string",
                           " (write '" + std::to_string(i->get()) + "s')");
                return false;
            }
            type_error(node, label, "a duration string", std::string(" (") + kDurationForms + ")");
            return false;
        case Kind::Size:
            if (const auto* text = node.as_string()) {
                auto size = parse_size(text->get());
                if (!size) {
                    error(node,
                          label + ": invalid size '" + text->get() + "' (" + kSizeForms + ")");
                    return false;
                }
                out.size = *size;
                return true;
            }
            if (const auto* i = node.as_integer()) {
                if (i->get() < 0) {
                    error(node, label + ": must not be negative");
                    return false;
                }
                out.size = static_cast<std::uint64_t>(i->get());
                return true;
            }
            type_error(node, label, "a size", std::string(" (") + kSizeForms + ")");
            return false;
        case Kind::StringList:
        case Kind::TimeList: {
            const auto* array = node.as_array();
            if (array == nullptr) {
                std::string extra;
                if (const auto* text = node.as_string()) {
                    extra = " (write [\"" + text->get() + "\"])";
                }
                type_error(node, label, "an array of strings", extra);
                return false;
            }
            bool ok = true;
            for (const auto& element : *array) {
                const auto* text = element.as_string();
                if (text == nullptr) {
                    type_error(element, label, "a string");
                    ok = false;
                } else if (kind == Kind::TimeList && !is_time_of_day(text->get())) {
                    error(element, label + ": '" + text->get() +
                                       "' is not a time of day (write 'HH:MM', e.g. '08:00')");
                    ok = false;
                } else {
                    out.list.push_back(text->get());
                }
            }
            return ok;
        }
        case Kind::Headers: {
            const auto* table = node.as_table();
            if (table == nullptr) {
                type_error(node, label, "a table", " (write { Name = \"value\" })");
                return false;
            }
            return convert_headers(*table, label, out);
        }
        case Kind::Table:
            if (node.as_table() == nullptr) {
                type_error(node, label, "a table");
                return false;
            }
            return true;
    }
    return false;
}

bool Loader::convert_headers(const toml::table& table, const std::string& label, Value& out) {
    static const Names kRefKeys = {"env", "file"};
    bool ok = true;
    for (auto&& [key, node] : table) {
        const std::string name(key.str());
        const std::string header_label = label + "." + name;
        if (!is_header_name(name)) {
            error(at(key.source()), label + ": '" + name + "' is not a valid header name");
            ok = false;
            continue;
        }
        if (const auto* text = node.as_string()) {
            out.headers[name].value = text->get();
            continue;
        }
        const auto* ref_table = node.as_table();
        if (ref_table == nullptr) {
            type_error(node, header_label, "a string, { env = \"VAR\" } or { file = \"/path\" }");
            ok = false;
            continue;
        }
        SecretRef ref;
        bool ref_ok = true;
        for (auto&& [ref_key, ref_node] : *ref_table) {
            const std::string ref_name(ref_key.str());
            if (!contains(kRefKeys, ref_name)) {
                error(at(ref_key.source()),
                      header_label + ": unknown key '" + ref_name + "'" + hint(ref_name, kRefKeys));
                ref_ok = false;
                continue;
            }
            Value v;
            const Kind kind = ref_name == "env" ? Kind::Env : Kind::SecretFile;
            if (!convert(kind, {}, std::nullopt, ref_node, header_label + "." + ref_name, v)) {
                ref_ok = false;
                continue;
            }
            if (ref_name == "env") {
                ref.env = v.str;
            } else {
                ref.file = v.path;
                ref.credential = v.str;
            }
        }
        if (ref_ok && (ref.env.empty() == ref.file.empty())) {
            error(*ref_table, header_label + ": set exactly one of 'env' or 'file'");
            ref_ok = false;
        }
        if (ref_ok) {
            out.headers[name] = ref;
        }
        ok = ok && ref_ok;
    }
    return ok;
}

template <class T>
SeenKeys Loader::apply(const toml::table& table, const std::vector<Key<T>>& keys,
                       const Scope& scope, T& out, const Names& skip) {
    SeenKeys seen;
    std::set<std::string, std::less<>> suggested;
    std::map<std::string_view, std::string> groups;  // group -> the key that set it
    const bool type_known = !scope.typed || !scope.type.empty();
    for (auto&& [key, node] : table) {
        const std::string name(key.str());
        if (contains(skip, name)) {
            seen[name] = {at(key.source()), at(node.source()), &node};
            continue;
        }
        const auto spec =
            std::find_if(keys.begin(), keys.end(), [&](const Key<T>& k) { return k.name == name; });
        if (spec == keys.end()) {
            // Prefer keys that are accepted here, else the fix only leads to another error; a
            // key of another type is still the likely intent, so say where it would apply.
            std::vector<std::string> applicable;
            std::vector<std::string> all;
            for (const auto& k : keys) {
                all.emplace_back(k.name);
                if (!type_known || k.types.empty() || contains(k.types, scope.type)) {
                    applicable.emplace_back(k.name);
                }
            }
            std::string best = did_you_mean(name, applicable);
            std::string where_valid;
            if (best.empty()) {
                best = did_you_mean(name, all);
                if (!best.empty()) {
                    const auto other = std::find_if(
                        keys.begin(), keys.end(), [&](const Key<T>& k) { return k.name == best; });
                    where_valid =
                        " it applies only to " + scope.noun + " of type " + join(other->types);
                }
            }
            if (!best.empty()) {
                suggested.insert(best);  // no "missing required key" for what was mistyped
            }
            error(at(key.source()),
                  scope.table() + "unknown key '" + name + "'" +
                      (best.empty() ? ""
                                    : " (did you mean '" + best + "'?" +
                                          (where_valid.empty() ? "" : where_valid) + ")"));
            continue;
        }
        if (scope.typed && type_known && !spec->types.empty() &&
            !contains(spec->types, scope.type)) {
            error(at(key.source()), scope.table() + "key '" + name + "' does not apply to " +
                                        scope.noun + " of type '" + scope.type + "'");
            continue;
        }
        seen[name] = {at(key.source()), at(node.source()), &node};
        if (!spec->group.empty()) {
            auto [it, inserted] = groups.emplace(spec->group, name);
            if (!inserted) {
                error(at(key.source()), scope.table() + "'" + name + "' conflicts with '" +
                                            it->second + "' (set only one of them)");
                continue;
            }
        }
        Value value;
        if (convert(spec->kind, spec->choices, spec->min, node, scope.key(name), value) &&
            spec->set != nullptr) {
            spec->set(value, out);
        }
    }
    if (!type_known) {
        return seen;  // which keys are required depends on the type, already reported
    }
    for (const auto& spec : keys) {
        if (spec.required_for.empty() ||
            (!contains(spec.required_for, "*") && !contains(spec.required_for, scope.type))) {
            continue;
        }
        const std::string_view group = spec.group.empty() ? spec.name : spec.group;
        if (spec.name != group) {
            continue;  // a group is reported once, by its main key
        }
        bool present = false;
        std::string others;
        for (const auto& k : keys) {
            const std::string_view g = k.group.empty() ? k.name : k.group;
            if (g != group) {
                continue;
            }
            present = present || seen.count(k.name) > 0 || suggested.count(k.name) > 0;
            if (k.name != spec.name) {
                others += std::string(others.empty() ? " (or '" : "' or '") + std::string(k.name);
            }
        }
        if (present) {
            continue;
        }
        std::string message = scope.table() + "missing required key '" + std::string(spec.name) +
                              "'" + (others.empty() ? "" : others + "')");
        if (scope.typed && !contains(spec.required_for, "*")) {
            message += " for type '" + scope.type + "'";
        }
        error(table, message);
    }
    return seen;
}

Scope Loader::item_scope(const toml::table& table, std::string_view kind, std::size_t index,
                         const Names* types, std::string_view noun, std::string& id) {
    Scope scope;
    scope.item = true;
    scope.typed = types != nullptr;
    scope.noun = noun;
    scope.what = std::string(kind) + " #" + std::to_string(index + 1);
    const toml::node* id_node = table.get("id");
    if (id_node == nullptr) {
        error(table, scope.table() + "missing required key 'id'");
    } else if (const auto* text = id_node->as_string()) {
        id = text->get();
        if (!id.empty()) {
            scope.what = std::string(kind) + " \"" + id + "\"";
        }
        if (!is_id(id)) {
            error(*id_node, scope.table() + "invalid id (use letters, digits, '-', '_' and '.')");
        }
    } else {
        type_error(*id_node, scope.key("id"), "a string");
    }
    if (types == nullptr) {
        return scope;
    }
    const toml::node* type_node = table.get("type");
    if (type_node == nullptr) {
        error(table, scope.table() + "missing required key 'type' (one of: " + join(*types) + ")");
    } else if (const auto* text = type_node->as_string()) {
        if (contains(*types, text->get())) {
            scope.type = text->get();
        } else {
            std::string h = hint(text->get(), *types);
            error(*type_node, scope.table() + "unknown type '" + text->get() + "'" +
                                  (h.empty() ? " (expected one of: " + join(*types) + ")" : h));
        }
    } else {
        type_error(*type_node, scope.key("type"), "a string");
    }
    return scope;
}

void Loader::check_duplicate(const toml::table& table, std::string_view kind, const std::string& id,
                             std::map<std::string, Location>& first) {
    if (id.empty()) {
        return;
    }
    const Location where = at(table.get("id")->source());
    auto [it, inserted] = first.emplace(id, where);
    if (!inserted) {
        error(where, "duplicate " + std::string(kind) + " id '" + id + "'");
        diags_.note(it->second, std::string(kind) + " '" + id + "' first defined here");
    }
}

const toml::array* Loader::array_of_tables(const toml::node& node, std::string_view name) {
    const auto* array = node.as_array();
    // toml++ does not count an empty array as an array of tables; `source = []` is harmless.
    if (array == nullptr || (!array->empty() && !array->is_array_of_tables())) {
        error(node, "'" + std::string(name) + "' must be an array of tables: write [[" +
                        std::string(name) + "]] before each one");
        return nullptr;
    }
    return array;
}

// --- [daemon] ---------------------------------------------------------------------------

const std::vector<Key<DaemonConfig>> kDaemonKeys = {
    {.name = "state_dir",
     .kind = Kind::Path,
     .set = [](const Value& v, DaemonConfig& d) { d.state_dir = v.path; }},
    {.name = "log_level",
     .choices = kLogLevels,
     .set = [](const Value& v, DaemonConfig& d) { d.log_level = v.str; }},
    {.name = "workers",
     .kind = Kind::Integer,
     .min = 0,
     .set = [](const Value& v, DaemonConfig& d) { d.workers = static_cast<int>(v.integer); }},
    {.name = "user_agent", .set = [](const Value& v, DaemonConfig& d) { d.user_agent = v.str; }},
    {.name = "http", .kind = Kind::Table},
    {.name = "shutdown_grace",
     .kind = Kind::Duration,
     .set = [](const Value& v, DaemonConfig& d) { d.shutdown_grace = v.duration; }},
    {.name = "admin_channel",
     .set = [](const Value& v, DaemonConfig& d) { d.admin_channel = v.str; }},
    {.name = "near_duplicate_window",
     .kind = Kind::Duration,
     .set = [](const Value& v, DaemonConfig& d) { d.near_duplicate_window = v.duration; }},
    {.name = "seen_retention",
     .kind = Kind::Duration,
     .set = [](const Value& v, DaemonConfig& d) { d.seen_retention = v.duration; }},
};

const std::vector<Key<HttpConfig>> kHttpKeys = {
    {.name = "listen",
     .required_for = kAll,
     .set = [](const Value& v, HttpConfig& h) { h.listen = v.str; }},
};

bool is_listen_address(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() ||
        text.size() - colon > 6) {
        return false;
    }
    const std::string port = text.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    return std::stoi(port) <= 65535;
}

void Loader::load_daemon(const toml::node& node, DaemonConfig& daemon) {
    const auto* table = node.as_table();
    if (table == nullptr) {
        type_error(node, "daemon", "a table");
        return;
    }
    Scope scope{.what = "[daemon]"};
    SeenKeys seen = apply(*table, kDaemonKeys, scope, daemon);
    if (auto it = seen.find("http"); it != seen.end() && it->second.node->as_table() != nullptr) {
        HttpConfig http;
        Scope http_scope{.what = "[daemon.http]"};
        SeenKeys http_seen = apply(*it->second.node->as_table(), kHttpKeys, http_scope, http);
        if (auto listen = http_seen.find("listen"); listen != http_seen.end() &&
                                                    listen->second.node->is_string() &&
                                                    !is_listen_address(http.listen)) {
            error(listen->second.value,
                  http_scope.key("listen") + ": expected 'host:port', got '" + http.listen + "'");
        }
        daemon.http = http;
    }
    // Shorter than a source's polling interval would forget items still in its feed, and
    // re-alert on them.
    if (auto it = seen.find("seen_retention"); it != seen.end() && it->second.node->is_string() &&
                                               daemon.seen_retention < std::chrono::hours(1)) {
        error(it->second.value, scope.key("seen_retention") + ": " +
                                    format_duration(daemon.seen_retention) +
                                    " is below the minimum of 1h");
    }
}

// --- [rules] ----------------------------------------------------------------------------

const std::vector<Key<RulesConfig>> kRulesKeys = {
    {.name = "files",
     .kind = Kind::StringList,
     .set = [](const Value& v, RulesConfig& r) { r.files = v.list; }},
    {.name = "watch",
     .kind = Kind::Bool,
     .set = [](const Value& v, RulesConfig& r) { r.watch = v.boolean; }},
};

void Loader::load_rules(const toml::node& node, RulesConfig& rules) {
    const auto* table = node.as_table();
    if (table == nullptr) {
        type_error(node, "rules", "a table");
        return;
    }
    Scope scope{.what = "[rules]"};
    SeenKeys seen = apply(*table, kRulesKeys, scope, rules);
    auto files = seen.find("files");
    if (files == seen.end()) {
        rules.where = at(table->source());
        return;
    }
    rules.where = files->second.key;
    if (const auto* array = files->second.node->as_array()) {
        for (const auto& element : *array) {
            const auto* text = element.as_string();
            if (text == nullptr) {
                continue;  // already reported
            }
            const std::string folder = fs::path(text->get()).parent_path().string();
            if (folder.find_first_of("*?[") != std::string::npos) {
                error(element, scope.key("files") + ": '" + text->get() +
                                   "': wildcards are only expanded in the file name");
            }
        }
    }
    for (auto& pattern : rules.files) {
        pattern = absolute(pattern).string();
    }
}

// --- [fetch] ----------------------------------------------------------------------------

const std::vector<Key<FetchConfig>> kFetchKeys = {
    {.name = "timeout",
     .kind = Kind::Duration,
     .set = [](const Value& v, FetchConfig& f) { f.timeout = v.duration; }},
    {.name = "connect_timeout",
     .kind = Kind::Duration,
     .set = [](const Value& v, FetchConfig& f) { f.connect_timeout = v.duration; }},
    {.name = "max_body",
     .kind = Kind::Size,
     .set = [](const Value& v, FetchConfig& f) { f.max_body = v.size; }},
    {.name = "per_host",
     .kind = Kind::Integer,
     .min = 1,
     .set = [](const Value& v, FetchConfig& f) { f.per_host = static_cast<int>(v.integer); }},
    {.name = "max_parallel",
     .kind = Kind::Integer,
     .min = 1,
     .set = [](const Value& v, FetchConfig& f) { f.max_parallel = static_cast<int>(v.integer); }},
};

void Loader::load_fetch(const toml::node& node, FetchConfig& fetch) {
    const auto* table = node.as_table();
    if (table == nullptr) {
        type_error(node, "fetch", "a table");
        return;
    }
    Scope scope{.what = "[fetch]"};
    SeenKeys seen = apply(*table, kFetchKeys, scope, fetch);
    for (const char* name : {"timeout", "connect_timeout"}) {
        auto it = seen.find(name);
        const Duration value =
            std::string_view(name) == "timeout" ? fetch.timeout : fetch.connect_timeout;
        if (it != seen.end() && it->second.node->is_string() && value.count() == 0) {
            error(it->second.value, scope.key(name) + ": must be longer than 0s");
        }
    }
    if (auto it = seen.find("max_body"); it != seen.end() && fetch.max_body == 0) {
        error(it->second.value, scope.key("max_body") + ": must be larger than 0");
    }
}

// --- [[source]] -------------------------------------------------------------------------

const std::vector<Key<SourceConfig>> kSourceKeys = {
    {.name = "url",
     .kind = Kind::Url,
     .types = kNetworkSources,
     .required_for = kNetworkSources,
     .set = [](const Value& v, SourceConfig& s) { s.url = v.str; }},
    {.name = "path",
     .kind = Kind::Path,
     .types = {"spool"},
     .required_for = {"spool"},
     .set = [](const Value& v, SourceConfig& s) { s.path = v.path; }},
    {.name = "interval",
     .kind = Kind::Duration,
     .set = [](const Value& v, SourceConfig& s) { s.interval = v.duration; }},
    {.name = "jitter",
     .kind = Kind::Duration,
     .set = [](const Value& v, SourceConfig& s) { s.jitter = v.duration; }},
    {.name = "tags",
     .kind = Kind::StringList,
     .set = [](const Value& v, SourceConfig& s) { s.tags = v.list; }},
    {.name = "fetch_article",
     .kind = Kind::Bool,
     .types = {"feed", "sitemap"},
     .set = [](const Value& v, SourceConfig& s) { s.fetch_article = v.boolean; }},
    {.name = "alert_on_first_poll",
     .kind = Kind::Bool,
     .set = [](const Value& v, SourceConfig& s) { s.alert_on_first_poll = v.boolean; }},
    {.name = "headers",
     .kind = Kind::Headers,
     .types = kNetworkSources,
     .set = [](const Value& v, SourceConfig& s) { s.headers = v.headers; }},
    {.name = "after",
     .types = {"spool"},
     .choices = {"move", "delete"},
     .set = [](const Value& v, SourceConfig& s) { s.after = v.str; }},
};

void Loader::load_sources(const toml::node& node, std::vector<SourceConfig>& sources) {
    const auto* array = array_of_tables(node, "source");
    if (array == nullptr) {
        return;
    }
    std::map<std::string, Location> first;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto& table = *array->get(i)->as_table();
        SourceConfig source;
        source.where = at(table.source());
        Scope scope = item_scope(table, "source", i, &kSourceTypes, "sources", source.id);
        source.type = scope.type;
        check_duplicate(table, "source", source.id, first);
        SeenKeys seen = apply(table, kSourceKeys, scope, source, {"id", "type"});

        auto interval = seen.find("interval");
        if (interval != seen.end() && interval->second.node->is_string() && !scope.type.empty()) {
            const bool spool = scope.type == "spool";
            const Duration min = spool ? kMinSpoolInterval : kMinNetworkInterval;
            if (source.interval < min) {
                error(interval->second.value,
                      scope.key("interval") + ": " + format_duration(source.interval) +
                          " is below the minimum of " + format_duration(min) + " for " +
                          (spool ? "spool sources" : "network sources"));
            }
        }
        auto jitter = seen.find("jitter");
        if (jitter == seen.end()) {
            source.jitter = source.interval / 10;  // spreads polls of sources added together
        } else if (jitter->second.node->is_string() && source.jitter > source.interval) {
            error(jitter->second.value, scope.key("jitter") + ": must not exceed the interval (" +
                                            format_duration(source.interval) + ")");
        }
        auto url = seen.find("url");
        if (url != seen.end() && !source.url.empty() && !starts_with(source.url, "http://") &&
            !starts_with(source.url, "https://") && !starts_with(source.url, "file://")) {
            error(url->second.value, scope.key("url") + ": unsupported URL '" + source.url +
                                         "' (expected http://, https:// or file:)");
        }
        sources.push_back(std::move(source));
    }
}

// --- [[channel]] ------------------------------------------------------------------------

const std::vector<Key<ChannelConfig>> kChannelKeys = {
    {.name = "format",
     .types = {"stdout", "file"},
     .choices = {"text", "json"},
     .set = [](const Value& v, ChannelConfig& c) { c.format = v.str; }},
    {.name = "path",
     .kind = Kind::Path,
     .types = {"file"},
     .required_for = {"file"},
     .set = [](const Value& v, ChannelConfig& c) { c.path = v.path; }},
    {.name = "url",
     .types = kUrlChannels,
     .group = "url",
     .required_for = kUrlChannels,
     .set = [](const Value& v, ChannelConfig& c) { c.url.value = v.str; }},
    {.name = "url_env",
     .kind = Kind::Env,
     .types = kUrlChannels,
     .group = "url",
     .set = [](const Value& v, ChannelConfig& c) { c.url.env = v.str; }},
    {.name = "url_file",
     .kind = Kind::SecretFile,
     .types = kUrlChannels,
     .group = "url",
     .set =
         [](const Value& v, ChannelConfig& c) {
             c.url.file = v.path;
             c.url.credential = v.str;
         }},
    {.name = "starttls",
     .kind = Kind::Bool,
     .types = {"email"},
     .set = [](const Value& v, ChannelConfig& c) { c.starttls = v.boolean; }},
    {.name = "username",
     .types = {"email"},
     .set = [](const Value& v, ChannelConfig& c) { c.username = v.str; }},
    {.name = "password",
     .types = {"email"},
     .group = "password",
     .set = [](const Value& v, ChannelConfig& c) { c.password.value = v.str; }},
    {.name = "password_env",
     .kind = Kind::Env,
     .types = {"email"},
     .group = "password",
     .set = [](const Value& v, ChannelConfig& c) { c.password.env = v.str; }},
    {.name = "password_file",
     .kind = Kind::SecretFile,
     .types = {"email"},
     .group = "password",
     .set =
         [](const Value& v, ChannelConfig& c) {
             c.password.file = v.path;
             c.password.credential = v.str;
         }},
    {.name = "from",
     .types = {"email"},
     .required_for = {"email"},
     .set = [](const Value& v, ChannelConfig& c) { c.from = v.str; }},
    {.name = "to",
     .kind = Kind::StringList,
     .types = {"email"},
     .required_for = {"email"},
     .set = [](const Value& v, ChannelConfig& c) { c.to = v.list; }},
    {.name = "target",
     .types = {"syslog"},
     .set = [](const Value& v, ChannelConfig& c) { c.target = v.str; }},
    {.name = "facility",
     .types = {"syslog"},
     .choices = kFacilities,
     .set = [](const Value& v, ChannelConfig& c) { c.facility = v.str; }},
    {.name = "app_name",
     .types = {"syslog"},
     .set = [](const Value& v, ChannelConfig& c) { c.app_name = v.str; }},
    {.name = "max_size",
     .kind = Kind::Size,
     .types = {"syslog"},
     .set = [](const Value& v, ChannelConfig& c) { c.max_size = v.size; }},
    {.name = "secret",
     .types = {"webhook"},
     .group = "secret",
     .set = [](const Value& v, ChannelConfig& c) { c.secret.value = v.str; }},
    {.name = "secret_env",
     .kind = Kind::Env,
     .types = {"webhook"},
     .group = "secret",
     .set = [](const Value& v, ChannelConfig& c) { c.secret.env = v.str; }},
    {.name = "secret_file",
     .kind = Kind::SecretFile,
     .types = {"webhook"},
     .group = "secret",
     .set =
         [](const Value& v, ChannelConfig& c) {
             c.secret.file = v.path;
             c.secret.credential = v.str;
         }},
    {.name = "rate_per_second",
     .kind = Kind::Number,
     .set = [](const Value& v, ChannelConfig& c) { c.rate_per_second = v.number; }},
    {.name = "burst",
     .kind = Kind::Number,
     .set = [](const Value& v, ChannelConfig& c) { c.burst = v.number; }},
    {.name = "ca_file",
     .kind = Kind::Path,
     .types = kUrlChannels,
     .set = [](const Value& v, ChannelConfig& c) { c.ca_file = v.path; }},
};

bool is_syslog_target(const std::string& target) {
    if (target == "local") {
        return true;
    }
    if (!starts_with(target, "udp://") && !starts_with(target, "tcp://")) {
        return false;
    }
    return is_listen_address(target.substr(6));
}

void Loader::load_channels(const toml::node& node, std::vector<ChannelConfig>& channels) {
    const auto* array = array_of_tables(node, "channel");
    if (array == nullptr) {
        return;
    }
    std::map<std::string, Location> first;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto& table = *array->get(i)->as_table();
        ChannelConfig channel;
        channel.where = at(table.source());
        Scope scope = item_scope(table, "channel", i, &kChannelTypes, "channels", channel.id);
        channel.type = scope.type;
        check_duplicate(table, "channel", channel.id, first);
        SeenKeys seen = apply(table, kChannelKeys, scope, channel, {"id", "type"});

        // The URL may carry a token (Slack webhooks do): check it, never echo it.
        if (auto url = seen.find("url"); url != seen.end() && !channel.url.value.empty()) {
            const bool email = channel.type == "email";
            const bool ok = email ? starts_with(channel.url.value, "smtp://") ||
                                        starts_with(channel.url.value, "smtps://")
                                  : starts_with(channel.url.value, "https://") ||
                                        starts_with(channel.url.value, "http://");
            if (!ok) {
                error(url->second.value,
                      scope.key("url") + (email ? ": expected an smtp:// or smtps:// URL"
                                                : ": expected an https:// or http:// URL"));
            }
        }
        if (auto target = seen.find("target"); target != seen.end() &&
                                               target->second.node->is_string() &&
                                               !is_syslog_target(channel.target)) {
            error(target->second.value, scope.key("target") + ": expected 'local', " +
                                            "'udp://host:port' or 'tcp://host:port', got '" +
                                            channel.target + "'");
        }
        if (auto to = seen.find("to"); to != seen.end() && channel.to.empty() &&
                                       to->second.node->is_array() &&
                                       to->second.node->as_array()->empty()) {
            error(to->second.value, scope.key("to") + ": must name at least one address");
        }
        if (auto rate = seen.find("rate_per_second");
            rate != seen.end() && channel.rate_per_second && *channel.rate_per_second <= 0) {
            error(rate->second.value, scope.key("rate_per_second") + ": must be greater than 0");
        }
        if (auto burst = seen.find("burst");
            burst != seen.end() && channel.burst && *channel.burst < 1) {
            error(burst->second.value, scope.key("burst") + ": must be at least 1");
        }
        channels.push_back(std::move(channel));
    }
}

// --- [[subscriber]] ---------------------------------------------------------------------

const std::vector<Key<SubscriberConfig>> kSubscriberKeys = {
    {.name = "rules",
     .kind = Kind::StringList,
     .set = [](const Value& v, SubscriberConfig& s) { s.rules = v.list; }},
    {.name = "tags",
     .kind = Kind::StringList,
     .set = [](const Value& v, SubscriberConfig& s) { s.tags = v.list; }},
    {.name = "min_severity",
     .choices = kSeverities,
     .set = [](const Value& v, SubscriberConfig& s) { s.min_severity = v.str; }},
    {.name = "mode",
     .choices = {"instant", "digest"},
     .set = [](const Value& v, SubscriberConfig& s) { s.mode = v.str; }},
    {.name = "digest_every",
     .kind = Kind::Duration,
     .set = [](const Value& v, SubscriberConfig& s) { s.digest_every = v.duration; }},
    {.name = "digest_at",
     .kind = Kind::TimeList,
     .set = [](const Value& v, SubscriberConfig& s) { s.digest_at = v.list; }},
    {.name = "quiet_hours",
     .kind = Kind::TimeList,
     .set = [](const Value& v, SubscriberConfig& s) { s.quiet_hours = v.list; }},
    {.name = "urgent_severity",
     .choices = kSeverities,
     .set = [](const Value& v, SubscriberConfig& s) { s.urgent_severity = v.str; }},
    {.name = "timezone", .set = [](const Value& v, SubscriberConfig& s) { s.timezone = v.str; }},
    {.name = "every_outlet",
     .kind = Kind::Bool,
     .set = [](const Value& v, SubscriberConfig& s) { s.every_outlet = v.boolean; }},
    {.name = "channels",
     .kind = Kind::StringList,
     .required_for = kAll,
     .set = [](const Value& v, SubscriberConfig& s) { s.channels = v.list; }},
};

void Loader::check_timezone(const toml::node& node, const std::string& label,
                            const std::string& tz) {
    if (tz == "UTC") {
        return;
    }
    const char* tzdir_env = std::getenv("TZDIR");
    const fs::path tzdir =
        tzdir_env != nullptr && *tzdir_env != '\0' ? tzdir_env : "/usr/share/zoneinfo";
    std::error_code ec;
    if (!fs::is_directory(tzdir, ec)) {
        return;  // no time zone database here to check against; the alerts part will say so
    }
    const fs::path name(tz);
    const bool plausible = !tz.empty() && name.is_relative() && tz.find("..") == std::string::npos;
    if (plausible && fs::is_regular_file(tzdir / name, ec)) {
        return;
    }
    std::vector<std::string> candidates;
    if (plausible) {
        const fs::path region = tzdir / name.parent_path();
        for (const auto& entry : fs::directory_iterator(region, ec)) {
            if (entry.is_regular_file(ec)) {
                candidates.push_back((name.parent_path() / entry.path().filename()).string());
            }
        }
    }
    std::sort(candidates.begin(), candidates.end());
    const std::string best = did_you_mean(tz, candidates);
    error(node, label + ": unknown time zone '" + tz + "'" +
                    (best.empty() ? " (write e.g. 'Europe/Brussels' or 'UTC')"
                                  : " (did you mean '" + best + "'?)"));
}

void Loader::load_subscribers(const toml::node& node, std::vector<SubscriberConfig>& subscribers,
                              std::vector<const toml::table*>& tables) {
    const auto* array = array_of_tables(node, "subscriber");
    if (array == nullptr) {
        return;
    }
    std::map<std::string, Location> first;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto& table = *array->get(i)->as_table();
        SubscriberConfig subscriber;
        subscriber.where = at(table.source());
        Scope scope = item_scope(table, "subscriber", i, nullptr, "subscribers", subscriber.id);
        check_duplicate(table, "subscriber", subscriber.id, first);
        SeenKeys seen = apply(table, kSubscriberKeys, scope, subscriber, {"id"});

        if (seen.count("rules") == 0 && seen.count("tags") == 0) {
            error(table, scope.table() + "set 'rules' or 'tags' (or both): it would match nothing");
        }
        // A digest_at that was written but is empty or wrong is not a schedule either, but a
        // wrong one has its own error already.
        const auto digest_at = seen.find("digest_at");
        const bool has_digest_at =
            digest_at != seen.end() &&
            (!digest_at->second.node->is_array() || !digest_at->second.node->as_array()->empty());
        if (auto mode = seen.find("mode"); mode != seen.end() && subscriber.mode == "digest" &&
                                           seen.count("digest_every") == 0 && !has_digest_at) {
            error(mode->second.value,
                  scope.key("mode") + ": 'digest' needs 'digest_every' or 'digest_at'");
        }
        if (auto every = seen.find("digest_every"); every != seen.end() &&
                                                    subscriber.digest_every &&
                                                    subscriber.digest_every->count() == 0) {
            error(every->second.value, scope.key("digest_every") + ": must be longer than 0s");
        }
        if (auto quiet = seen.find("quiet_hours"); quiet != seen.end() &&
                                                   quiet->second.node->is_array() &&
                                                   quiet->second.node->as_array()->size() != 2) {
            error(quiet->second.value,
                  scope.key("quiet_hours") + ": expected exactly two times, [\"start\", \"end\"]" +
                      ", got " + std::to_string(quiet->second.node->as_array()->size()));
        }
        if (auto tz = seen.find("timezone"); tz != seen.end() && tz->second.node->is_string()) {
            check_timezone(*tz->second.node, scope.key("timezone"), subscriber.timezone);
        }
        if (auto channels = seen.find("channels"); channels != seen.end() &&
                                                   channels->second.node->is_array() &&
                                                   channels->second.node->as_array()->empty()) {
            error(channels->second.value,
                  scope.key("channels") + ": must name at least one channel");
        }
        subscribers.push_back(std::move(subscriber));
        tables.push_back(&table);
    }
}

// After all channels are known: a subscriber may come before the channels it names.
void Loader::check_subscriber_channels(const std::vector<SubscriberConfig>& subscribers,
                                       const std::vector<const toml::table*>& tables,
                                       const std::vector<ChannelConfig>& channels) {
    std::vector<std::string> ids;
    for (const auto& channel : channels) {
        if (!channel.id.empty()) {
            ids.push_back(channel.id);
        }
    }
    for (std::size_t i = 0; i < subscribers.size(); ++i) {
        const auto* array = tables[i]->get_as<toml::array>("channels");
        if (array == nullptr) {
            continue;
        }
        const std::string what = subscribers[i].id.empty()
                                     ? "subscriber #" + std::to_string(i + 1)
                                     : "subscriber \"" + subscribers[i].id + "\"";
        for (const auto& element : *array) {
            const auto* name = element.as_string();
            if (name == nullptr || std::find(ids.begin(), ids.end(), name->get()) != ids.end()) {
                continue;
            }
            const std::string best = did_you_mean(name->get(), ids);
            error(element, what + ": unknown channel '" + name->get() + "'" +
                               (best.empty() ? "" : " (did you mean '" + best + "'?)"));
        }
    }
}

void Loader::run(const toml::table& doc, Config& config) {
    static const Names kSections = {"daemon", "rules", "fetch", "source", "channel", "subscriber"};
    std::vector<const toml::table*> subscriber_tables;
    for (auto&& [key, node] : doc) {
        const std::string name(key.str());
        if (name == "daemon") {
            load_daemon(node, config.daemon);
        } else if (name == "rules") {
            load_rules(node, config.rules);
        } else if (name == "fetch") {
            load_fetch(node, config.fetch);
        } else if (name == "source") {
            load_sources(node, config.sources);
        } else if (name == "channel") {
            load_channels(node, config.channels);
        } else if (name == "subscriber") {
            load_subscribers(node, config.subscribers, subscriber_tables);
        } else {
            const bool table = node.is_table() || node.is_array_of_tables();
            error(at(key.source()),
                  std::string(table ? "unknown table '" : "unknown top-level key '") + name + "'" +
                      hint(name, kSections));
        }
    }
    if (doc.get("daemon") == nullptr || doc.get("daemon")->as_table() == nullptr ||
        doc.get("daemon")->as_table()->get("state_dir") == nullptr) {
        // systemd's StateDirectory= tells us where our state belongs; the first entry is ours.
        const char* state = std::getenv("STATE_DIRECTORY");
        if (state != nullptr && *state != '\0') {
            std::string first(state);
            first = first.substr(0, first.find(':'));
            config.daemon.state_dir = fs::path(first).lexically_normal();
        }
    }
    check_subscriber_channels(config.subscribers, subscriber_tables, config.channels);
}

}  // namespace

std::optional<Config> load_best_effort(const std::filesystem::path& file, Diagnostics& diags) {
    const std::string display = file.string();
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        diags.error({display}, std::string("cannot read config file: ") + std::strerror(errno));
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    toml::table doc;
    try {
        doc = toml::parse(text, display);
    } catch (const toml::parse_error& e) {
        const auto& begin = e.source().begin;
        diags.error({display, static_cast<int>(begin.line), static_cast<int>(begin.column)},
                    std::string(e.description()));
        return std::nullopt;
    }

    Config config;
    config.file = std::filesystem::absolute(file).lexically_normal();
    Loader loader(display, config.file.parent_path());
    loader.run(doc, config);
    Diagnostics found;
    loader.flush(found);
    diags.append(found);
    return config;
}

std::optional<Config> load(const std::filesystem::path& file, Diagnostics& diags) {
    Diagnostics found;
    auto config = load_best_effort(file, found);
    diags.append(found);
    if (found.has_errors()) {
        return std::nullopt;
    }
    return config;
}

}  // namespace ww::config
