#pragma once
// Thin RAII over the SQLite C API: a connection and prepared statements with bind helpers.
// Errors throw StoreError with SQLite's message.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "wirewatch/state/store.hpp"

namespace ww::state {

class Statement {
public:
    Statement(sqlite3* db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_null(int index);
    // Steps once: true when a row is available, false when done.
    bool step();
    // Runs to completion, then resets for reuse.
    void run();
    void reset();

    std::int64_t column_int(int index) const;
    std::string column_text(int index) const;
    bool column_is_null(int index) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Database {
public:
    explicit Database(const std::filesystem::path& file);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    sqlite3* handle() { return db_; }
    std::int64_t changes() const;

private:
    sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back if destroyed without commit().
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    void commit();

private:
    Database& db_;
    bool done_ = false;
};

// Brings one component's tables to its latest schema. Each component (the core store, source
// state, alert state...) keeps its own append-only migration list and version row in the
// `schema` table, so parts can evolve their tables independently. Never edit a migration that
// has shipped; append a new one.
void migrate(Database& db, std::string_view component, const std::vector<std::string_view>& steps);

}  // namespace ww::state
