#pragma once
// One article as it flows from a source through matching to alerts.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ww {

// The text fields a rule can look at. Values are bits so a rule can name a set of them.
enum class Field : unsigned { Title = 1, Summary = 2, Body = 4, Url = 8 };
inline constexpr unsigned kAllTextFields = 1 | 2 | 4;  // default scope of a rule: not the URL
inline constexpr unsigned kAllFields = kAllTextFields | 8;

const char* field_name(Field f);
// The Field bit for "title", "summary", "body" or "url"; 0 for any other name.
unsigned field_bit(std::string_view name);

struct Document {
    std::string source_id;  // config id of the source that produced it
    std::string item_id;    // stable within the source: guid/id, else canonical link, else hash
    std::string url;        // canonical URL (may be empty for spool text files)
    std::string title;      // all text is valid UTF-8 (sources sanitize before handing on)
    std::string summary;
    std::string body;
    std::string author;
    std::string language;  // BCP 47 tag when declared, else empty
    std::optional<std::chrono::sys_seconds> published;
    std::vector<std::string> source_tags;
    bool recovered = false;  // the parser had to repair malformed input to get this

    const std::string& field(Field f) const;
};

}  // namespace ww
