// Secrets are read when they are needed, not at load time, so a rotated token file is picked
// up by the next send and a config can be checked on a machine that lacks the secrets.

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "wirewatch/config/config.hpp"
#include "wirewatch/log.hpp"

namespace ww::config {

namespace {

// Never put the contents into `error`: only the file name and the OS reason.
std::optional<std::string> read_secret_file(const std::filesystem::path& path, std::string& error) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        // Opening a directory succeeds on Linux and reads as empty: that is never a secret.
        error = "cannot read secret file '" + path.string() + "': it is a directory";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read secret file '" + path.string() + "': " + std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        error = "cannot read secret file '" + path.string() + "'";
        return std::nullopt;
    }
    std::string text = buffer.str();
    // Exactly one newline: `echo token > file` adds it, anything beyond is the admin's intent.
    if (!text.empty() && text.back() == '\n') {
        text.pop_back();
        if (!text.empty() && text.back() == '\r') {
            text.pop_back();
        }
    }
    return text;
}

std::optional<std::string> read_secret(const SecretRef& ref, std::string& error) {
    if (!ref.value.empty()) {
        return ref.value;
    }
    if (!ref.env.empty()) {
        const char* value = std::getenv(ref.env.c_str());
        if (value == nullptr) {
            error = "environment variable '" + ref.env + "' is not set";
            return std::nullopt;
        }
        if (*value == '\0') {
            error = "environment variable '" + ref.env + "' is empty";
            return std::nullopt;
        }
        return std::string(value);
    }
    if (!ref.file.empty()) {
        // systemd's LoadCredential= puts secrets in $CREDENTIALS_DIRECTORY; a relative name in
        // the config is looked up there first so the same config works with and without it.
        std::string name = ref.credential;
        if (name.empty() && ref.file.is_relative()) {
            name = ref.file.string();
        }
        const char* credentials = std::getenv("CREDENTIALS_DIRECTORY");
        if (!name.empty() && credentials != nullptr && *credentials != '\0') {
            const std::filesystem::path candidate = std::filesystem::path(credentials) / name;
            std::error_code ec;
            if (std::filesystem::is_regular_file(candidate, ec)) {
                return read_secret_file(candidate, error);
            }
        }
        return read_secret_file(ref.file, error);
    }
    error = "no secret configured";
    return std::nullopt;
}

}  // namespace

std::optional<std::string> resolve(const SecretRef& ref, std::string& error) {
    auto value = read_secret(ref, error);
    if (value) {
        // Every secret the daemon has seen is redacted from its log from now on.
        register_secret(*value);
    }
    return value;
}

void register_secrets(const Config& config) {
    std::string ignored;
    auto try_resolve = [&](const SecretRef& ref) {
        if (!ref.empty()) {
            resolve(ref, ignored);
        }
    };
    for (const auto& channel : config.channels) {
        // A Slack or webhook URL is the credential itself; an SMTP server's address is not.
        if (channel.type == "slack" || channel.type == "webhook") {
            try_resolve(channel.url);
        }
        try_resolve(channel.password);
        try_resolve(channel.secret);
    }
    for (const auto& source : config.sources) {
        for (const auto& [name, ref] : source.headers) {
            try_resolve(ref);
        }
    }
}

}  // namespace ww::config
