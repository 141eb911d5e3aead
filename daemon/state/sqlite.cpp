#include "state/sqlite.hpp"

namespace ww::state {

namespace {

[[noreturn]] void fail(sqlite3* db, std::string_view what) {
    throw StoreError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
        SQLITE_OK) {
        fail(db, "prepare");
    }
}

Statement::Statement(Database& db, std::string_view sql) : db_(db.handle()) {
    auto [stmt, in_use] = db.borrow(sql);
    if (stmt) {
        stmt_ = stmt;
        in_use_ = in_use;
        *in_use_ = true;
    } else if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
               SQLITE_OK) {
        fail(db_, "prepare");
    }
}

Statement::~Statement() {
    if (in_use_) {
        reset();
        *in_use_ = false;
    } else {
        sqlite3_finalize(stmt_);
    }
}

Statement& Statement::bind(int index, std::string_view value) {
    if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
        fail(db_, "bind");
    }
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) {
        fail(db_, "bind");
    }
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) {
        fail(db_, "bind");
    }
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    std::string message = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    throw StoreError("step: " + message);
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
                : std::string();
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Database::Database(const std::filesystem::path& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw StoreError("cannot open " + file.string() + ": " + message);
    }
    // Another process (wirewatchd outbox ...) may hold the lock for a moment.
    sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
    for (auto& [sql, cached] : statements_) {
        sqlite3_finalize(cached.stmt);
    }
    sqlite3_close(db_);
}

std::pair<sqlite3_stmt*, bool*> Database::borrow(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                               SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
            fail(db_, "prepare");
        }
        it = statements_.emplace(std::string(sql), Cached{stmt, false}).first;
    }
    if (it->second.in_use) {
        return {nullptr, nullptr};
    }
    return {it->second.stmt, &it->second.in_use};
}

void Database::forget_statements() {
    for (const auto& [sql, cached] : statements_) {
        if (cached.in_use) {
            throw StoreError("statement in use while the schema changes: " + sql);
        }
    }
    for (auto& [sql, cached] : statements_) {
        sqlite3_finalize(cached.stmt);
    }
    statements_.clear();
}

void Database::exec(std::string_view sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        throw StoreError(text);
    }
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.exec("ROLLBACK");
        } catch (const StoreError&) {
            // Nothing more to do: SQLite already rolled back on the failure that got us here.
        }
    }
}

void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

void migrate(Database& db, std::string_view component, const std::vector<std::string_view>& steps) {
    db.forget_statements();
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema (component TEXT PRIMARY KEY, version INTEGER "
        "NOT NULL)");
    Statement query(db.handle(), "SELECT version FROM schema WHERE component = ?");
    query.bind(1, component);
    std::size_t version = query.step() ? static_cast<std::size_t>(query.column_int(0)) : 0;
    query.reset();
    if (version > steps.size()) {
        throw StoreError("state.db has " + std::string(component) + " schema version " +
                         std::to_string(version) + ", newer than this wirewatchd knows (" +
                         std::to_string(steps.size()) + "); refusing to downgrade it");
    }
    Statement update(db.handle(),
                     "INSERT INTO schema (component, version) VALUES (?, ?) "
                     "ON CONFLICT (component) DO UPDATE SET version = excluded.version");
    for (; version < steps.size(); ++version) {
        Transaction tx(db);
        db.exec(steps[version]);
        update.bind(1, component).bind(2, static_cast<std::int64_t>(version + 1)).run();
        tx.commit();
    }
}

}  // namespace ww::state
