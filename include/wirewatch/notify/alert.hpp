#pragma once
// An alert: one story for one subscriber, with every rule that hit it. This is what the outbox
// stores (as JSON, see to_json) and what every channel renders.

#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wirewatch/rules/rule_set.hpp"

namespace ww::notify {

struct AlertRule {
    std::string id;
    rules::Severity severity = rules::Severity::Medium;
    std::vector<std::string> terms;
};

struct Alert {
    std::string id;  // stable: "a-" + hash of subscriber and story; receivers drop repeats by it
    std::string subscriber_id;
    rules::Severity severity = rules::Severity::Medium;  // the highest of its rules
    std::string source_id;
    std::string item_id;
    std::string url;
    std::string title;
    std::string author;
    std::string language;
    std::optional<std::chrono::sys_seconds> published;
    std::string snippet;  // original text around the first match of the most severe rule
    std::vector<std::pair<std::size_t, std::size_t>> highlights;  // byte ranges in snippet
    std::vector<AlertRule> rules;                                 // most severe first
    std::vector<std::string> tags;                                // union of the rules' tags
    std::chrono::sys_seconds created_at{};
    // Other outlets that reported the same story (near-duplicates folded into this alert).
    std::vector<std::string> also_reported_by;
    // A digest (or a rate-limit summary) gathers alerts: `items` non-empty, `title` names it.
    // One level deep only: an item never has items of its own.
    std::vector<Alert> items;

    bool is_digest() const { return !items.empty(); }
};

// The documented JSON form (webhook payloads, JSON-lines output, the outbox):
// {"id","subscriber","severity","source","item_id","url","title","author","language",
//  "published" (RFC 3339 or null),"snippet","highlights":[[begin,end],...],
//  "rules":[{"id","severity","terms":[...]}],"tags":[...],"created",
//  "also_reported_by":[...] (optional), "items":[alert,...] (digests only)}
nlohmann::json to_json(const Alert& alert);
// Inverse of to_json; throws nlohmann::json::exception on a malformed payload.
Alert alert_from_json(const nlohmann::json& json);

// "2026-11-25T09:14:03Z"
std::string format_rfc3339(std::chrono::sys_seconds t);

}  // namespace ww::notify
