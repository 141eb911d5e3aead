#include "wirewatch/parse/date.hpp"

#include <string>
#include <vector>

namespace ww::parse {

namespace {

using namespace std::chrono;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct Fields {
    int year = -1;
    int month = -1;
    int day = -1;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int offset_minutes = 0;  // local time = UTC + offset
    bool have_zone = false;
    int meridiem = 0;  // 0 none, 1 AM, 2 PM
};

std::optional<sys_seconds> assemble(Fields f) {
    if (f.year < 100 && f.year >= 0) {
        f.year += f.year < 50 ? 2000 : 1900;
    } else if (f.year >= 100 && f.year < 1000) {
        f.year += 1900;  // RFC 2822 obsolete 3-digit years
    }
    if (f.meridiem != 0) {
        if (f.hour < 1 || f.hour > 12) {
            return std::nullopt;
        }
        f.hour = (f.hour % 12) + (f.meridiem == 2 ? 12 : 0);
    }
    if (f.second == 60) {
        f.second = 59;  // leap second: close enough for a publication date
    }
    bool end_of_day = f.hour == 24 && f.minute == 0 && f.second == 0;
    if (f.year < 1900 || f.year > 9999 || f.hour < 0 || (f.hour > 23 && !end_of_day) ||
        f.minute < 0 || f.minute > 59 || f.second < 0 || f.second > 59 ||
        f.offset_minutes < -18 * 60 || f.offset_minutes > 18 * 60) {
        return std::nullopt;
    }
    year_month_day ymd{year{f.year}, month{static_cast<unsigned>(f.month)},
                       day{static_cast<unsigned>(f.day)}};
    if (f.month < 1 || f.day < 1 || !ymd.ok()) {
        return std::nullopt;
    }
    sys_seconds t = sys_days{ymd} + hours{f.hour} + minutes{f.minute} + seconds{f.second};
    return t - minutes{f.offset_minutes};
}

// 1-12 for the lowercase three-letter abbreviation "jan".."dec", else 0.
int month_of_abbreviation(char a, char b, char c) {
    switch (a) {
        case 'j':
            if (b == 'a') {
                return c == 'n' ? 1 : 0;
            }
            return b != 'u' ? 0 : (c == 'n' ? 6 : (c == 'l' ? 7 : 0));
        case 'f':
            return b == 'e' && c == 'b' ? 2 : 0;
        case 'm':
            return b == 'a' && c == 'r' ? 3 : (b == 'a' && c == 'y' ? 5 : 0);
        case 'a':
            return b == 'p' && c == 'r' ? 4 : (b == 'u' && c == 'g' ? 8 : 0);
        case 's':
            return b == 'e' && c == 'p' ? 9 : 0;
        case 'o':
            return b == 'c' && c == 't' ? 10 : 0;
        case 'n':
            return b == 'o' && c == 'v' ? 11 : 0;
        case 'd':
            return b == 'e' && c == 'c' ? 12 : 0;
        default:
            return 0;
    }
}

int month_from_name(std::string_view word) {
    if (word.size() < 3) {
        return -1;
    }
    const int month = month_of_abbreviation(word[0], word[1], word[2]);
    if (month == 0) {
        return -1;
    }
    // "march", "sept", "sep.": a prefix of the full English name.
    static constexpr std::string_view kFull[] = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};
    std::string_view w = word;
    if (!w.empty() && w.back() == '.') {
        w.remove_suffix(1);
    }
    return kFull[month - 1].substr(0, w.size()) == w ? month : -1;
}

bool is_weekday(std::string_view word) {
    static constexpr std::string_view kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                                 "friday", "saturday", "sunday"};
    std::string_view w = word;
    if (!w.empty() && w.back() == '.') {
        w.remove_suffix(1);
    }
    if (w.size() < 2) {
        return false;
    }
    for (auto d : kDays) {
        if (d.substr(0, w.size()) == w) {
            return true;
        }
    }
    return false;
}

// is_weekday of a three-letter word: "mon".."sun", or a two-letter start and a '.' ("mo.").
bool is_weekday3(char a, char b, char c) {
    const bool dot = c == '.';
    switch (a) {
        case 'm':
            return b == 'o' && (c == 'n' || dot);
        case 't':
            return (b == 'u' && (c == 'e' || dot)) || (b == 'h' && (c == 'u' || dot));
        case 'w':
            return b == 'e' && (c == 'd' || dot);
        case 'f':
            return b == 'r' && (c == 'i' || dot);
        case 's':
            return (b == 'a' && (c == 't' || dot)) || (b == 'u' && (c == 'n' || dot));
        default:
            return false;
    }
}

std::optional<int> zone_from_name(std::string_view word) {
    struct Zone {
        std::string_view name;
        int minutes;
    };
    static constexpr Zone kZones[] = {
        {"z", 0},      {"ut", 0},      {"utc", 0},     {"gmt", 0},    {"wet", 0},    {"est", -300},
        {"edt", -240}, {"cst", -360},  {"cdt", -300},  {"mst", -420}, {"mdt", -360}, {"pst", -480},
        {"pdt", -420}, {"akst", -540}, {"akdt", -480}, {"hst", -600}, {"ast", -240}, {"adt", -180},
        {"nst", -210}, {"ndt", -150},  {"bst", 60},    {"ist", 330},  {"cet", 60},   {"cest", 120},
        {"met", 60},   {"mest", 120},  {"west", 60},   {"eet", 120},  {"eest", 180}, {"msk", 180},
        {"jst", 540},  {"kst", 540},   {"hkt", 480},   {"sgt", 480},  {"awst", 480}, {"acst", 570},
        {"aest", 600}, {"aedt", 660},  {"nzst", 720},  {"nzdt", 780}};
    for (const auto& z : kZones) {
        if (z.name == word) {
            return z.minutes;
        }
    }
    return std::nullopt;
}

// "+0200", "-05:00", "+02", "+2" (after "GMT"). Returns minutes east of UTC.
std::optional<int> parse_offset(std::string_view s) {
    if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) {
        return std::nullopt;
    }
    int sign = s[0] == '-' ? -1 : 1;
    std::string digits;
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (is_digit(s[i])) {
            digits += s[i];
        } else if (s[i] != ':' || i != 3) {
            return std::nullopt;
        }
    }
    int h = 0;
    int m = 0;
    if (digits.size() == 1 || digits.size() == 2) {
        h = std::stoi(digits);
    } else if (digits.size() == 3 || digits.size() == 4) {
        h = std::stoi(digits.substr(0, digits.size() - 2));
        m = std::stoi(digits.substr(digits.size() - 2));
    } else {
        return std::nullopt;
    }
    if (h > 18 || m > 59) {
        return std::nullopt;
    }
    return sign * (h * 60 + m);
}

// Reads up to `max` digits at s[i]; returns -1 if there are fewer than `min`.
int read_number(std::string_view s, std::size_t& i, std::size_t min, std::size_t max) {
    std::size_t start = i;
    int value = 0;
    while (i < s.size() && i - start < max && is_digit(s[i])) {
        value = value * 10 + (s[i] - '0');
        ++i;
    }
    return i - start < min ? -1 : value;
}

// Zone after an ISO time: "Z", "+hh:mm", "+hhmm", "+hh", or " UTC"/" GMT"/" EST".
bool parse_iso_zone(std::string_view rest, Fields& f) {
    std::size_t i = 0;
    while (i < rest.size() && rest[i] == ' ') {
        ++i;
    }
    rest = rest.substr(i);
    if (rest.empty()) {
        return true;
    }
    if (auto off = parse_offset(rest)) {
        f.offset_minutes = *off;
        f.have_zone = true;
        return true;
    }
    std::string word;
    for (char c : rest) {
        word += lower(c);
    }
    if (auto z = zone_from_name(word)) {
        f.offset_minutes = *z;
        f.have_zone = true;
        return true;
    }
    // "2026-11-25T09:14:03 GMT+02:00"
    if (word.size() > 3 && (word.rfind("gmt", 0) == 0 || word.rfind("utc", 0) == 0)) {
        if (auto off = parse_offset(rest.substr(3))) {
            f.offset_minutes = *off;
            f.have_zone = true;
            return true;
        }
    }
    return false;
}

std::optional<sys_seconds> parse_iso(std::string_view s) {
    Fields f;
    std::size_t i = 0;
    f.year = read_number(s, i, 4, 4);
    bool basic = i < s.size() && is_digit(s[i]);  // 20261125T091403Z
    char sep = basic ? '\0' : (i < s.size() ? s[i] : '\0');
    if (!basic) {
        if (sep != '-' && sep != '/' && sep != '.') {
            return std::nullopt;
        }
        ++i;
    }
    f.month = read_number(s, i, basic ? 2 : 1, 2);
    if (!basic) {
        if (i >= s.size() || s[i] != sep) {
            return std::nullopt;
        }
        ++i;
    }
    f.day = read_number(s, i, basic ? 2 : 1, 2);
    if (f.month < 0 || f.day < 0) {
        return std::nullopt;
    }
    if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ' || s[i] == '_')) {
        std::size_t j = i + 1;
        while (j < s.size() && s[j] == ' ') {
            ++j;
        }
        if (j < s.size() && is_digit(s[j])) {
            i = j;
            f.hour = read_number(s, i, 1, 2);
            bool colon = i < s.size() && s[i] == ':';
            if (colon) {
                ++i;
            }
            f.minute = read_number(s, i, 2, 2);
            if (f.hour < 0 || f.minute < 0) {
                return std::nullopt;
            }
            if (i < s.size() && ((colon && s[i] == ':') || (!colon && is_digit(s[i])))) {
                if (s[i] == ':') {
                    ++i;
                }
                f.second = read_number(s, i, 2, 2);
                if (f.second < 0) {
                    return std::nullopt;
                }
                if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
                    ++i;
                    std::size_t digits = i;
                    while (i < s.size() && is_digit(s[i])) {
                        ++i;  // fractions of a second: irrelevant for a publication date
                    }
                    if (i == digits) {
                        return std::nullopt;
                    }
                }
            }
        }
    }
    if (!parse_iso_zone(s.substr(i), f)) {
        return std::nullopt;
    }
    return assemble(f);
}

// Two ASCII digits at s[i], or -1.
int two_digits(std::string_view s, std::size_t i) {
    if (i + 2 > s.size() || !is_digit(s[i]) || !is_digit(s[i + 1])) {
        return -1;
    }
    return (s[i] - '0') * 10 + (s[i + 1] - '0');
}

// Two ASCII digits at `p`, or -1; the caller has made sure both bytes are there.
int digit_pair(const char* p) {
    const unsigned a = static_cast<unsigned char>(p[0]) - unsigned{'0'};
    const unsigned b = static_cast<unsigned char>(p[1]) - unsigned{'0'};
    return a <= 9 && b <= 9 ? static_cast<int>(a * 10 + b) : -1;
}

// "GMT", "UTC", "UT" or "Z".
bool is_utc_name(std::string_view zone) {
    switch (zone.size()) {
        case 1:
            return zone[0] == 'Z';
        case 2:
            return zone[0] == 'U' && zone[1] == 'T';
        case 3:
            return (zone[0] == 'G' && zone[1] == 'M' && zone[2] == 'T') ||
                   (zone[0] == 'U' && zone[1] == 'T' && zone[2] == 'C');
        default:
            return false;
    }
}

// "Tue, 25 Nov 2026 09:14:03 GMT" or "... +0200": the RFC 822/2822 form nearly every RSS
// pubDate uses, read in place. Anything else (or anything odd in it) is nullopt and goes to
// parse_words, which gives the same answer for this form, only slower (it tokenizes into
// strings).
std::optional<Fields> rfc822_fields(std::string_view s) {
    std::size_t i = 0;
    if (s.size() >= 5 && is_alpha(s[0]) && s[3] == ',' && s[4] == ' ') {
        if (!is_weekday3(lower(s[0]), lower(s[1]), lower(s[2]))) {
            return std::nullopt;
        }
        i = 5;
    }
    Fields f;
    std::size_t day_digits = i + 1 < s.size() && is_digit(s[i + 1]) ? 2 : 1;
    if (i + day_digits > s.size() || !is_digit(s[i])) {
        return std::nullopt;
    }
    f.day = day_digits == 2 ? two_digits(s, i) : s[i] - '0';
    i += day_digits;
    // " Nov 2026 09:14:03 " is 19 bytes, then the zone.
    if (i + 19 > s.size()) {
        return std::nullopt;
    }
    const char* d = s.data() + i;
    if (d[0] != ' ' || d[4] != ' ' || d[9] != ' ' || d[12] != ':' || d[15] != ':' || d[18] != ' ') {
        return std::nullopt;
    }
    // month_from_name of a three-letter word, which is its abbreviation or nothing.
    f.month = month_of_abbreviation(lower(d[1]), lower(d[2]), lower(d[3]));
    const int century = digit_pair(d + 5);
    const int year = digit_pair(d + 7);
    f.hour = digit_pair(d + 10);
    f.minute = digit_pair(d + 13);
    f.second = digit_pair(d + 16);
    if (f.month == 0 || century < 0 || year < 0 || f.hour < 0 || f.minute < 0 || f.second < 0) {
        return std::nullopt;
    }
    f.year = century * 100 + year;
    std::string_view zone = s.substr(i + 19);
    if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
        const int h = digit_pair(zone.data() + 1);
        const int m = digit_pair(zone.data() + 3);
        if (h < 0 || m < 0 || h > 18 || m > 59) {
            return std::nullopt;
        }
        f.offset_minutes = (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
    } else if (is_utc_name(zone)) {
        f.offset_minutes = 0;
    } else {
        return std::nullopt;
    }
    f.have_zone = true;
    return f;
}

std::optional<sys_seconds> parse_words(std::string_view s) {
    // Tokens split at whitespace and commas; "25-Nov-2026" (RFC 850) splits at '-' as well.
    std::vector<std::string> tokens;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) {
            tokens.push_back(cur);
            cur.clear();
        }
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == ' ' || c == ',' || c == '\t') {
            flush();
        } else if (c == '-' && !cur.empty() && (is_alpha(cur.back()) || is_digit(cur.back())) &&
                   cur.find(':') == std::string::npos && i + 1 < s.size() && !zone_from_name(cur)) {
            flush();
        } else if ((c == '+' || c == '-') && !cur.empty() && is_alpha(cur.back())) {
            // "GMT+2", "UTC-05:00": zone name then offset
            flush();
            cur += c;
        } else if (c == '(' || c == ')') {
            flush();  // "(EST)" comments
        } else {
            cur += lower(c);
        }
    }
    flush();
    Fields f;
    bool have_time = false;
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        const std::string& tok = tokens[t];
        if (tok.find(':') != std::string::npos && is_digit(tok[0])) {
            if (have_time) {
                return std::nullopt;
            }
            std::size_t i = 0;
            f.hour = read_number(tok, i, 1, 2);
            if (i >= tok.size() || tok[i] != ':') {
                return std::nullopt;
            }
            ++i;
            f.minute = read_number(tok, i, 2, 2);
            if (i < tok.size() && tok[i] == ':') {
                ++i;
                f.second = read_number(tok, i, 2, 2);
                if (i < tok.size() && tok[i] == '.') {
                    ++i;
                    while (i < tok.size() && is_digit(tok[i])) {
                        ++i;
                    }
                }
            }
            std::string_view tail = std::string_view(tok).substr(i);
            if (tail == "am" || tail == "pm") {
                f.meridiem = tail == "am" ? 1 : 2;
            } else if (tail == "z") {
                f.have_zone = true;
            } else if (!tail.empty()) {
                if (auto off = parse_offset(tail)) {  // "09:14:03+0200"
                    f.offset_minutes = *off;
                    f.have_zone = true;
                } else {
                    return std::nullopt;
                }
            }
            if (f.hour < 0 || f.minute < 0 || f.second < 0) {
                return std::nullopt;
            }
            have_time = true;
        } else if (tok[0] == '+' || (tok[0] == '-' && tok.size() > 1)) {
            auto off = parse_offset(tok);
            if (!off) {
                return std::nullopt;
            }
            f.offset_minutes = f.have_zone ? f.offset_minutes + *off : *off;
            f.have_zone = true;
        } else if (is_digit(tok[0])) {
            std::size_t i = 0;
            int value = read_number(tok, i, 1, 4);
            std::string_view suffix = std::string_view(tok).substr(i);
            if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th" ||
                suffix == ".") {
                suffix = {};
            }
            if (!suffix.empty() || value < 0) {
                return std::nullopt;
            }
            if (i >= 3 || (f.day >= 0 && f.year < 0)) {
                if (f.year >= 0) {
                    return std::nullopt;
                }
                f.year = value;
            } else if (f.day < 0) {
                f.day = value;
            } else {
                return std::nullopt;
            }
        } else if (tok == "am" || tok == "pm" || tok == "a.m." || tok == "p.m.") {
            f.meridiem = tok[0] == 'a' ? 1 : 2;
        } else if (int m = month_from_name(tok); m > 0 && f.month < 0) {
            f.month = m;
        } else if (is_weekday(tok) || tok == "at" || tok == "on" || tok == "the" || tok == "of") {
            continue;
        } else if (auto z = zone_from_name(tok)) {
            if (!f.have_zone) {
                f.offset_minutes = *z;
                f.have_zone = true;
            }
        } else if (tok.size() == 1 && is_alpha(tok[0])) {
            continue;  // RFC 822 military zones: RFC 2822 says treat them as -0000
        } else {
            return std::nullopt;
        }
    }
    if (f.year < 0 || f.month < 0 || f.day < 0) {
        return std::nullopt;
    }
    return assemble(f);
}

}  // namespace

std::optional<sys_seconds> parse_date(std::string_view text) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && space(text.back())) {
        text.remove_suffix(1);
    }
    if (text.empty() || text.size() > 128) {
        return std::nullopt;
    }
    bool all_digits = text.size() >= 9 && text.size() <= 11;  // a Unix timestamp
    for (std::size_t i = 0; all_digits && i < text.size(); ++i) {
        all_digits = is_digit(text[i]);
    }
    if (all_digits) {
        long long v = std::stoll(std::string(text));
        return sys_seconds{seconds{v}};
    }
    if (text.size() >= 8 && is_digit(text[0]) && is_digit(text[1]) && is_digit(text[2]) &&
        is_digit(text[3])) {
        return parse_iso(text);
    }
    if (auto fields = rfc822_fields(text)) {
        return assemble(*fields);
    }
    return parse_words(text);
}

}  // namespace ww::parse
