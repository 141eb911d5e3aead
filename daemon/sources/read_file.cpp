#include "sources/read_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace ww::sources {

std::optional<std::string> read_capped(const std::filesystem::path& file, std::uint64_t max_bytes,
                                       std::string& error) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    std::string content;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        content.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (content.size() > max_bytes) {
            error = "larger than the " + std::to_string(max_bytes) + "-byte limit (max_body)";
            return std::nullopt;
        }
    }
    if (in.bad()) {
        error = "read error";
        return std::nullopt;
    }
    return content;
}

std::optional<std::filesystem::path> file_url_path(const std::string& url) {
    static constexpr std::string_view kPrefix = "file://";
    if (url.compare(0, kPrefix.size(), kPrefix) != 0) {
        return std::nullopt;
    }
    std::string rest = url.substr(kPrefix.size());
    // Only the local host: file:///path or file://localhost/path.
    if (rest.compare(0, 9, "localhost") == 0) {
        rest.erase(0, 9);
    }
    if (rest.empty() || rest[0] != '/') {
        return std::nullopt;
    }
    std::string path;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        if (rest[i] == '%' && i + 2 < rest.size() &&
            std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
            path += static_cast<char>(std::stoi(rest.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else if (rest[i] == '?' || rest[i] == '#') {
            break;
        } else {
            path += rest[i];
        }
    }
    return std::filesystem::path(path);
}

}  // namespace ww::sources
