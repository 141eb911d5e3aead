#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace ww::sources {

// Reads a whole file, refusing one larger than `max_bytes`. nullopt with `error` on failure.
std::optional<std::string> read_capped(const std::filesystem::path& file, std::uint64_t max_bytes,
                                       std::string& error);

// "file:///a/b" -> "/a/b" (percent-decoded); nullopt for anything that is not a local file URL.
std::optional<std::filesystem::path> file_url_path(const std::string& url);

}  // namespace ww::sources
