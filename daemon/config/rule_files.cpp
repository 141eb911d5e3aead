// Expanding the [rules] files globs with glob(3).

#include <glob.h>

#include <algorithm>
#include <string>

#include "wirewatch/config/config.hpp"

namespace ww::config {

namespace {

// The folder part of a pattern is taken literally (wildcards are only expanded in the file
// name), so a config living in "/srv/[test]" still finds its rules.
std::string escape_glob(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

}  // namespace

std::vector<std::filesystem::path> Config::rule_files(Diagnostics& diags) const {
    std::vector<std::filesystem::path> out;
    for (const auto& pattern_text : rules.files) {
        std::filesystem::path pattern(pattern_text);
        if (pattern.is_relative()) {
            pattern = file.parent_path() / pattern;
        }
        const std::string folder = pattern.parent_path().string();
        const std::string full =
            (folder.empty() || folder == "/" ? folder : folder + "/") + pattern.filename().string();
        const std::string escaped = escape_glob(folder) +
                                    (folder.empty() || folder == "/" ? "" : "/") +
                                    pattern.filename().string();
        glob_t found{};
        const int rc = ::glob(escaped.c_str(), 0, nullptr, &found);
        std::size_t added = 0;
        if (rc == 0) {
            for (std::size_t i = 0; i < found.gl_pathc; ++i) {
                std::filesystem::path match(found.gl_pathv[i]);
                std::error_code ec;
                // A directory that happens to match "rules/*" is not a rule file.
                if (!std::filesystem::is_directory(match, ec)) {
                    out.push_back(match.lexically_normal());
                    ++added;
                }
            }
        }
        if (rc == GLOB_NOMATCH || (rc == 0 && added == 0)) {
            diags.warning(rules.where, "[rules] files: '" + full + "' matches no file");
        } else if (rc != 0) {
            diags.warning(rules.where, "[rules] files: cannot read the folder of '" + full + "'");
        }
        ::globfree(&found);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace ww::config
