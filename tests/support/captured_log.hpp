#pragma once
// The lines one named logger writes while a CapturedLog lives, for tests of what is logged
// (and how often). Its sink sits beside the real one, so the redaction at the real sink does
// not apply: a test sees exactly what the code handed to the logger.

#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>

#include "wirewatch/log.hpp"

namespace ww::testing {

class CapturedLog {
public:
    explicit CapturedLog(std::string name = "sources")
        : name_(std::move(name)), sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
        sink_->set_pattern("%l %v");
        logger(name_)->sinks().push_back(sink_);
    }
    ~CapturedLog() {
        auto& sinks = logger(name_)->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
    CapturedLog(const CapturedLog&) = delete;
    CapturedLog& operator=(const CapturedLog&) = delete;

    // Lines at this level ("warning", "info", "error") containing `text`.
    int count(const std::string& level, const std::string& text) const {
        std::istringstream in(out_.str());
        int n = 0;
        for (std::string line; std::getline(in, line);) {
            if (line.rfind(level + " ", 0) == 0 && line.find(text) != std::string::npos) {
                ++n;
            }
        }
        return n;
    }
    std::string text() const { return out_.str(); }

private:
    std::string name_;
    std::ostringstream out_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

}  // namespace ww::testing
