#include "wirewatch/notify/alert.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

namespace ww::notify {

namespace {

std::optional<std::chrono::sys_seconds> parse_rfc3339(const std::string& text) {
    std::tm tm{};
    if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
        return std::nullopt;
    }
    return std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm)));
}

rules::Severity severity_from(const nlohmann::json& value) {
    rules::Severity s = rules::Severity::Medium;
    rules::parse_severity(value.get<std::string>(), s);
    return s;
}

}  // namespace

std::string format_rfc3339(std::chrono::sys_seconds t) {
    std::time_t seconds = t.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

nlohmann::json to_json(const Alert& alert) {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& r : alert.rules) {
        rules.push_back(
            {{"id", r.id}, {"severity", rules::severity_name(r.severity)}, {"terms", r.terms}});
    }
    nlohmann::json highlights = nlohmann::json::array();
    for (const auto& [begin, end] : alert.highlights) {
        highlights.push_back({begin, end});
    }
    nlohmann::json json = {
        {"id", alert.id},
        {"subscriber", alert.subscriber_id},
        {"severity", rules::severity_name(alert.severity)},
        {"source", alert.source_id},
        {"item_id", alert.item_id},
        {"url", alert.url},
        {"title", alert.title},
        {"author", alert.author},
        {"language", alert.language},
        {"published", alert.published ? nlohmann::json(format_rfc3339(*alert.published))
                                      : nlohmann::json(nullptr)},
        {"snippet", alert.snippet},
        {"highlights", highlights},
        {"rules", rules},
        {"tags", alert.tags},
        {"created", format_rfc3339(alert.created_at)},
    };
    if (!alert.also_reported_by.empty()) {
        json["also_reported_by"] = alert.also_reported_by;
    }
    if (!alert.items.empty()) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& item : alert.items) {
            items.push_back(to_json(item));
        }
        json["items"] = std::move(items);
    }
    return json;
}

Alert alert_from_json(const nlohmann::json& json) {
    Alert alert;
    alert.id = json.at("id").get<std::string>();
    alert.subscriber_id = json.at("subscriber").get<std::string>();
    alert.severity = severity_from(json.at("severity"));
    alert.source_id = json.at("source").get<std::string>();
    alert.item_id = json.at("item_id").get<std::string>();
    alert.url = json.at("url").get<std::string>();
    alert.title = json.at("title").get<std::string>();
    alert.author = json.value("author", "");
    alert.language = json.value("language", "");
    if (json.contains("published") && json["published"].is_string()) {
        alert.published = parse_rfc3339(json["published"].get<std::string>());
    }
    alert.snippet = json.value("snippet", "");
    for (const auto& h : json.at("highlights")) {
        alert.highlights.emplace_back(h.at(0).get<std::size_t>(), h.at(1).get<std::size_t>());
    }
    for (const auto& r : json.at("rules")) {
        alert.rules.push_back({r.at("id").get<std::string>(), severity_from(r.at("severity")),
                               r.at("terms").get<std::vector<std::string>>()});
    }
    alert.tags = json.at("tags").get<std::vector<std::string>>();
    if (auto created = parse_rfc3339(json.value("created", ""))) {
        alert.created_at = *created;
    }
    if (auto also = json.find("also_reported_by"); also != json.end() && also->is_array()) {
        alert.also_reported_by = also->get<std::vector<std::string>>();
    }
    if (auto items = json.find("items"); items != json.end() && items->is_array()) {
        for (const auto& item : *items) {
            alert.items.push_back(alert_from_json(item));
        }
    }
    return alert;
}

}  // namespace ww::notify
