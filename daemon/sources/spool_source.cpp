#include "sources/spool_source.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "sources/eml.hpp"
#include "sources/read_file.hpp"
#include "wirewatch/hash.hpp"
#include "wirewatch/log.hpp"
#include "wirewatch/parse/feed.hpp"
#include "wirewatch/text/normalize.hpp"

namespace ww::sources {

namespace fs = std::filesystem;

namespace {

std::string lower_extension(const fs::path& file) {
    std::string ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

bool still_being_written(const fs::path& file) {
    const std::string name = file.filename().string();
    const std::string ext = lower_extension(file);
    return name.empty() || name[0] == '.' || ext == ".tmp" || ext == ".part";
}

Document text_document(const std::string& content) {
    Document doc;
    std::string text = text::sanitize_utf8(content);
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        std::string line = text.substr(pos, eol == std::string::npos ? eol : eol - pos);
        pos = eol == std::string::npos ? text.size() : eol + 1;
        if (line.find_first_not_of(" \t\r") != std::string::npos) {
            doc.title = line;
            break;
        }
    }
    while (!doc.title.empty() && (doc.title.back() == '\r' || doc.title.back() == ' ')) {
        doc.title.pop_back();
    }
    doc.body = text.substr(pos);
    return doc;
}

std::string json_string(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? text::sanitize_utf8(it->get<std::string>())
                                                 : std::string();
}

std::optional<std::chrono::sys_seconds> json_time(const nlohmann::json& object) {
    std::string value = json_string(object, "published");
    std::tm tm{};
    if (value.empty() || strptime(value.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
        return std::nullopt;
    }
    return std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm)));
}

std::optional<Document> object_document(const nlohmann::json& object) {
    if (!object.is_object()) {
        return std::nullopt;
    }
    Document doc;
    doc.title = json_string(object, "title");
    doc.summary = json_string(object, "summary");
    doc.body = json_string(object, "body");
    if (doc.body.empty()) {
        doc.body = json_string(object, "content");
    }
    doc.url = json_string(object, "url");
    doc.item_id = json_string(object, "id");
    doc.author = json_string(object, "author");
    doc.language = json_string(object, "language");
    doc.published = json_time(object);
    if (doc.title.empty() && doc.summary.empty() && doc.body.empty()) {
        return std::nullopt;
    }
    return doc;
}

std::optional<std::vector<Document>> json_documents(const std::string& content,
                                                    const std::string& base_url,
                                                    std::string& error) {
    if (parse::detect(content) == parse::ContentKind::JsonFeed) {
        return parse::parse(content, base_url).documents;
    }
    nlohmann::json json = nlohmann::json::parse(content, nullptr, false);
    if (json.is_discarded()) {
        error = "not valid JSON";
        return std::nullopt;
    }
    std::vector<Document> docs;
    const nlohmann::json items = json.is_array() ? json : nlohmann::json::array({json});
    for (const auto& item : items) {
        if (auto doc = object_document(item)) {
            docs.push_back(std::move(*doc));
        }
    }
    if (docs.empty()) {
        error = "JSON has no object with a title, summary, body or content";
        return std::nullopt;
    }
    return docs;
}

}  // namespace

SpoolSource::SpoolSource(config::SourceConfig config, SourceContext& context)
    : Source(std::move(config), context) {}

std::optional<std::vector<Document>> SpoolSource::read_file(const fs::path& file,
                                                            std::uint64_t max_bytes,
                                                            std::string& error) {
    auto content = read_capped(file, max_bytes, error);
    if (!content) {
        return std::nullopt;
    }
    const std::string ext = lower_extension(file);
    const std::string base_url = "file://" + fs::absolute(file).string();
    std::vector<Document> docs;
    if (ext == ".txt") {
        docs.push_back(text_document(*content));
    } else if (ext == ".html" || ext == ".htm") {
        parse::Article article = parse::extract_article(*content, base_url);
        Document doc;
        doc.title = article.title;
        doc.body = article.body;
        doc.language = article.language;
        doc.url = article.canonical_url;
        docs.push_back(std::move(doc));
    } else if (ext == ".xml" || ext == ".rss" || ext == ".atom") {
        parse::ParseResult result = parse::parse(*content, base_url);
        if (!result.ok()) {
            error = "not a feed or sitemap";
            return std::nullopt;
        }
        docs = std::move(result.documents);
    } else if (ext == ".eml") {
        auto doc = parse_eml(*content, error);
        if (!doc) {
            return std::nullopt;
        }
        docs.push_back(std::move(*doc));
    } else if (ext == ".json") {
        auto parsed = json_documents(*content, base_url, error);
        if (!parsed) {
            return std::nullopt;
        }
        docs = std::move(*parsed);
    } else {
        error = "unsupported file type '" + ext + "' (expected .txt, .html, .xml, .eml or .json)";
        return std::nullopt;
    }
    return docs;
}

void SpoolSource::poll(std::function<void()> done) {
    std::error_code ec;
    // A spool folder that is missing is simply empty: create it so writers can start.
    fs::create_directories(config_.path, ec);
    ec.clear();
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(config_.path, ec)) {
        std::error_code type_ec;
        if (entry.is_regular_file(type_ec) && !still_being_written(entry.path())) {
            files.push_back(entry.path());
        }
    }
    const std::string where = "path=" + config_.path.string();
    if (ec) {
        poll_failed(where, "cannot list spool folder: " + ec.message());
        done();
        return;
    }
    poll_succeeded(where);
    // Oldest first, so alerts come out in the order files arrived.
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
        std::error_code ea;
        std::error_code eb;
        return fs::last_write_time(a, ea) < fs::last_write_time(b, eb);
    });
    process_from(std::make_shared<const std::vector<fs::path>>(std::move(files)), 0,
                 std::move(done));
}

void SpoolSource::process_from(std::shared_ptr<const std::vector<fs::path>> files, std::size_t next,
                               std::function<void()> done) {
    if (next == files->size()) {
        done();
        return;
    }
    process((*files)[next]);
    // One file per turn of the loop: a folder that received thousands of files at once must
    // not hold up timers, fetches and deliveries until every one of them is matched.
    boost::asio::post(context_.io, [this, owner = lifetime(), files = std::move(files), next,
                                    done = std::move(done)]() mutable {
        if (!owner.expired()) {
            process_from(std::move(files), next + 1, std::move(done));
        }
    });
}

void SpoolSource::process(const fs::path& file) {
    std::string error;
    auto docs = read_file(file, context_.fetch.max_body, error);
    if (!docs) {
        logger("sources")->error("source={} file={}: {}; moved to failed/", id(), file.string(),
                                 error);
        set_aside(file, "failed");
        return;
    }
    // The same name dropped again later with new content is a new item.
    struct stat st {};
    ::stat(file.c_str(), &st);
    const std::string file_key = file.filename().string() + "@" + std::to_string(st.st_size) + "@" +
                                 std::to_string(st.st_mtim.tv_sec) + "." +
                                 std::to_string(st.st_mtim.tv_nsec);
    for (std::size_t i = 0; i < docs->size(); ++i) {
        Document& doc = (*docs)[i];
        doc.source_id = id();
        doc.source_tags = config_.tags;
        if (doc.item_id.empty()) {
            doc.item_id = "spool:" + hex64(fnv1a64(file_key + "#" + std::to_string(i)));
        }
    }
    Batch batch{id(), std::move(*docs), true};
    if (!context_.emit(batch)) {
        return;  // not committed: leave the file for the next poll
    }
    if (config_.after == "delete") {
        std::error_code ec;
        fs::remove(file, ec);
        if (ec) {
            logger("sources")->error("source={} file={}: cannot delete: {}", id(), file.string(),
                                     ec.message());
        }
        return;
    }
    set_aside(file, "done");
}

void SpoolSource::set_aside(const fs::path& file, const char* folder) {
    const fs::path target_dir = config_.path / folder;
    std::error_code ec;
    fs::create_directories(target_dir, ec);
    fs::path target = target_dir / file.filename();
    if (fs::exists(target, ec)) {
        target = target_dir / (file.stem().string() + "." +
                               std::to_string(context_.clock.now().time_since_epoch().count()) +
                               file.extension().string());
    }
    fs::rename(file, target, ec);
    if (ec) {
        // Left in place it would be read again at every poll: say so loudly, once per poll.
        logger("sources")->error("source={} file={}: cannot move to {}/: {}", id(), file.string(),
                                 folder, ec.message());
    }
}

}  // namespace ww::sources
