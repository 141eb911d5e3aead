#pragma once
// Thin RAII over the SQLite C API: a connection and prepared statements with bind helpers.
// Errors throw StoreError with SQLite's message.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "wirewatch/state/store.hpp"

namespace ww::state {

class Database;

class Statement {
public:
    // Prepared for this use only, finalized on destruction.
    Statement(sqlite3* db, std::string_view sql);
    // Borrowed from the connection's cache (see Database::borrow): prepared once, reset with its
    // bindings cleared on destruction, so no borrowed statement keeps a read transaction open.
    Statement(Database& db, std::string_view sql);
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
    bool* in_use_ = nullptr;  // set: borrowed from a Database's cache
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

    // The cached statement for `sql` (prepared persistent on first use) and its in-use flag;
    // nullptr when that statement is already borrowed (a nested use prepares its own).
    // Use it through Statement(Database&, sql).
    std::pair<sqlite3_stmt*, bool*> borrow(std::string_view sql);
    // Finalizes every cached statement (migrate() does, before changing a schema). Throws
    // StoreError if one is borrowed.
    void forget_statements();

private:
    struct Cached {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, Cached, Hash, std::equal_to<>> statements_;
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
