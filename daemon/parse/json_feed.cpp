// JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/).

#include <nlohmann/json.hpp>

#include "parse/readers.hpp"
#include "parse/text_builder.hpp"
#include "wirewatch/parse/date.hpp"
#include "wirewatch/parse/url.hpp"

namespace ww::parse::detail {

namespace {

using nlohmann::json;

// String member, or a number rendered as text (ids are numbers in some generators).
std::string get_string(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) {
        return {};
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    if (it->is_number_integer() || it->is_number_unsigned()) {
        return it->dump();
    }
    return {};
}

// 1.1 "authors": [{"name": ...}], 1.0 "author": {"name": ...}.
std::string author_names(const json& obj) {
    std::string out;
    auto add = [&](const json& person) {
        if (!person.is_object()) {
            return;
        }
        std::string name = clean_token(get_string(person, "name"));
        if (!name.empty()) {
            if (!out.empty()) {
                out += ", ";
            }
            out += name;
        }
    };
    if (auto it = obj.find("authors"); it != obj.end() && it->is_array()) {
        for (const auto& person : *it) {
            add(person);
        }
    }
    if (out.empty()) {
        if (auto it = obj.find("author"); it != obj.end()) {
            add(*it);
        }
    }
    return out;
}

}  // namespace

void read_json_feed(std::string_view utf8, const ReadContext& ctx, ParseResult& out) {
    json feed = json::parse(utf8.begin(), utf8.end(), nullptr, /*allow_exceptions=*/false);
    if (feed.is_discarded() || !feed.is_object()) {
        out.kind = ContentKind::Unknown;
        out.errors.emplace_back("line 1: not a valid JSON document");
        return;
    }
    std::string feed_language = clean_language(get_string(feed, "language"));
    std::string feed_authors = author_names(feed);
    auto items = feed.find("items");
    if (items == feed.end() || !items->is_array()) {
        return;
    }
    for (const auto& item : *items) {
        if (!item.is_object()) {
            continue;
        }
        Document doc;
        doc.title = plain_text(get_string(item, "title"), true);
        doc.summary = plain_text(get_string(item, "summary"), false);
        std::string html = get_string(item, "content_html");
        doc.body = !html.empty() ? html_to_text(html, false)
                                 : plain_text(get_string(item, "content_text"), false);
        doc.author = author_names(item);
        if (doc.author.empty()) {
            doc.author = feed_authors;
        }
        doc.language = clean_language(get_string(item, "language"));
        if (doc.language.empty()) {
            doc.language = feed_language;
        }
        std::string date_text = get_string(item, "date_published");
        if (date_text.empty()) {
            date_text = get_string(item, "date_modified");
        }
        doc.published = parse_date(date_text);
        std::string link = clean_token(get_string(item, "url"));
        if (link.empty()) {
            link = clean_token(get_string(item, "external_url"));
        }
        if (!link.empty()) {
            link = resolve_url(ctx.base_url, link);
        }
        finish_document(doc, get_string(item, "id"), link, date_text, ctx);
        out.documents.push_back(std::move(doc));
    }
}

}  // namespace ww::parse::detail
