#pragma once
// A feed, sitemap or page read from a local file:// URL (offline demo sources, files another
// tool keeps up to date). The format is detected from the content.

#include "wirewatch/sources/source.hpp"

namespace ww::sources {

class FileFeedSource final : public Source {
public:
    FileFeedSource(config::SourceConfig config, SourceContext& context);
    void poll(std::function<void()> done) override;
};

}  // namespace ww::sources
