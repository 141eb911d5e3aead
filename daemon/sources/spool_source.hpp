#pragma once
// A folder other tools drop files into. Each new file becomes one or more documents:
//   .txt         first non-empty line is the title, the rest the body
//   .html .htm   the page's article text
//   .xml         a feed or sitemap (every item a document)
//   .eml         a news-alert email: Subject is the title, the text (or HTML) part the body
//   .json        a JSON Feed, or an object {title, body|summary|content, url, id, published,
//                language, author}, or an array of such objects
// After its documents are committed the file moves to done/ (or is deleted, per `after`);
// an unreadable or unparseable file moves to failed/ with one log line. Files whose names
// start with '.' or end in .tmp/.part are still being written and are left alone: writers
// should write elsewhere and rename into the folder. A poll handles the files it found oldest
// first, one per turn of the event loop, so a folder that receives thousands of files at once
// does not hold up other sources' timers and fetches.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "wirewatch/sources/source.hpp"

namespace ww::sources {

class SpoolSource final : public Source {
public:
    SpoolSource(config::SourceConfig config, SourceContext& context);
    void poll(std::function<void()> done) override;

    // The documents one spool file holds (exposed for tests and `wirewatchd match`).
    // nullopt with `error` set when the file cannot be read or understood.
    static std::optional<std::vector<Document>> read_file(const std::filesystem::path& file,
                                                          std::uint64_t max_bytes,
                                                          std::string& error);

private:
    // Processes files[next], then the rest one per turn of the loop; `done` after the last.
    void process_from(std::shared_ptr<const std::vector<std::filesystem::path>> files,
                      std::size_t next, std::function<void()> done);
    void process(const std::filesystem::path& file);
    void set_aside(const std::filesystem::path& file, const char* folder);
};

}  // namespace ww::sources
