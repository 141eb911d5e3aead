#pragma once
// The `stdout` and `file` channels: alerts as readable text blocks or as JSON lines.

#include <cstdio>
#include <filesystem>
#include <string>

#include "wirewatch/notify/notifier.hpp"

namespace ww::notify {

enum class StreamFormat { Text, Json };

// Renders the readable text block; with `ansi` the matched terms are bold, else **marked**.
std::string render_text(const Alert& alert, bool ansi);

class StreamChannel final : public Notifier {
public:
    // Writes to stdout when `path` is empty, else appends to the file.
    StreamChannel(std::string id, StreamFormat format, std::filesystem::path path);

protected:
    void do_send(const Alert& alert, DeliveryCallback done) override;

private:
    StreamFormat format_;
    std::filesystem::path path_;
};

}  // namespace ww::notify
