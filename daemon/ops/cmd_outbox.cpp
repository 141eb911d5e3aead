// `wirewatchd outbox [list|retry ID|drop ID]`: what is waiting or dead, and acting on it. Safe
// while the daemon runs: SQLite (WAL, busy timeout) serializes the writes, and the daemon
// picks retried rows up at its next outbox check.

#include <iostream>
#include <nlohmann/json.hpp>

#include "ops/args.hpp"
#include "state/sqlite.hpp"
#include "wirewatch/config/config.hpp"
#include "wirewatch/notify/alert.hpp"
#include "wirewatch/notify/formats.hpp"
#include "wirewatch/ops/commands.hpp"
#include "wirewatch/state/store.hpp"

namespace ww::ops {

namespace {

const char* state_name(state::DeliveryState s) {
    switch (s) {
        case state::DeliveryState::Pending:
            return "pending";
        case state::DeliveryState::Delivered:
            return "delivered";
        case state::DeliveryState::Dead:
            return "dead";
    }
    return "?";
}

std::string title_of(const std::string& payload) {
    try {
        return notify::one_line(nlohmann::json::parse(payload).value("title", ""));
    } catch (const nlohmann::json::exception&) {
        return "(unreadable payload)";
    }
}

std::string when(state::TimePoint t) {
    return notify::format_rfc3339(std::chrono::time_point_cast<std::chrono::seconds>(t));
}

void print(const state::OutboxItem& item) {
    std::cout << item.id << "  " << state_name(item.state) << "  channel=" << item.channel_id
              << "  alert=" << item.alert_id << "  attempts=" << item.attempts;
    if (item.state == state::DeliveryState::Pending) {
        std::cout << "  next=" << when(item.next_attempt_at);
    }
    std::cout << "\n    " << std::string(notify::utf8_prefix(title_of(item.payload), 100)) << "\n";
    if (!item.last_error.empty()) {
        std::cout << "    last error: " << notify::one_line(item.last_error) << "\n";
    }
}

}  // namespace

int cmd_outbox(const Args& args) {
    ArgReader reader(args, {"--config", "--state-dir"}, {});
    const auto& pos = reader.positional();
    const std::string action = pos.empty() ? "list" : pos[0];
    const bool needs_id = action == "retry" || action == "drop";
    if (!reader.ok() || (action != "list" && !needs_id) ||
        pos.size() != (needs_id      ? 2u
                       : pos.empty() ? 0u
                                     : 1u)) {
        std::cerr << "wirewatchd outbox: "
                  << (reader.ok() ? "usage: outbox [list|retry ID|drop ID] [--config PATH]"
                                  : reader.error())
                  << "\n";
        return kExitUsage;
    }
    std::int64_t id = 0;
    if (needs_id) {
        try {
            id = std::stoll(pos[1]);
        } catch (const std::exception&) {
            std::cerr << "wirewatchd outbox: '" << pos[1] << "' is not an outbox id\n";
            return kExitUsage;
        }
    }
    std::filesystem::path state_dir;
    if (auto dir = reader.value("--state-dir")) {
        state_dir = *dir;
    } else {
        Diagnostics diags;
        auto config = config::load(reader.value("--config").value_or(default_config_path()), diags);
        print_diagnostics(diags);
        if (!config) {
            return kExitConfig;
        }
        state_dir = config->daemon.state_dir;
    }
    try {
        auto store = state::Store::open(state_dir);
        if (action == "list") {
            auto pending = store->list(state::DeliveryState::Pending, 1000);
            auto dead = store->list(state::DeliveryState::Dead, 1000);
            std::cout << pending.size() << " pending, " << dead.size() << " dead\n";
            for (const auto& item : pending) {
                print(item);
            }
            for (const auto& item : dead) {
                print(item);
            }
            return kExitOk;
        }
        auto& db = store->database();
        if (action == "retry") {
            // A fresh deadline too: the row was given up on, the admin says try again now.
            const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
            state::Statement s(db.handle(),
                               "UPDATE outbox SET state = 0, next_attempt_at = ?1, "
                               "created_at = ?1 WHERE id = ?2 AND state != 1");
            s.bind(1, static_cast<std::int64_t>(now)).bind(2, id).run();
        } else {
            // The alerts row stays, so the story is still known and does not alert again.
            state::Statement s(db.handle(), "DELETE FROM outbox WHERE id = ? AND state != 1");
            s.bind(1, id).run();
        }
        if (db.changes() == 0) {
            std::cerr << "wirewatchd outbox: no pending or dead row " << id << "\n";
            return kExitFailure;
        }
        std::cout << (action == "retry" ? "queued again: " : "dropped: ") << id << "\n";
        return kExitOk;
    } catch (const state::StoreError& e) {
        std::cerr << "wirewatchd outbox: " << e.what() << "\n";
        return kExitFailure;
    }
}

}  // namespace ww::ops
