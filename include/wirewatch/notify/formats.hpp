#pragma once
// How an alert (or a digest of alerts) looks on each channel. Pure functions: no I/O, no
// clock, no globals, so every format is table-tested. Channels call these and only move bytes.
//
// All inputs are assumed valid UTF-8 (sources sanitize); titles and snippets are hostile
// (anything a publisher put there), so every format neutralizes what its transport would
// interpret: header syntax in email, mrkdwn links and mentions in Slack, SD syntax and
// newlines in syslog.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wirewatch/notify/alert.hpp"

namespace ww::notify {

// --- shared helpers -----------------------------------------------------------------------

// The longest prefix of `text` that is at most `max` bytes and ends on a UTF-8 boundary.
std::string_view utf8_prefix(std::string_view text, std::size_t max);

// One line of text: CR, LF, TAB and other C0/C1 controls and DEL become a single space, runs of
// spaces collapse, ends trimmed. What every header, log line and syslog MSG is built from.
std::string one_line(std::string_view text);

// --- email --------------------------------------------------------------------------------

struct Mailbox {
    std::string name;     // display name, may be empty; any UTF-8
    std::string address;  // local@domain, validated
};

// Parses "Name <local@domain>" or "local@domain". nullopt (with `error`) when the address is
// not one an SMTP envelope can carry safely: no controls, spaces, quotes, brackets or commas
// in the address, exactly one '@', a dotted domain of letters/digits/hyphens.
std::optional<Mailbox> parse_mailbox(std::string_view text, std::string& error);

// Header value as RFC 2047 encoded-words ("=?UTF-8?B?...?=", each ≤ 75 bytes, folded with
// CRLF SP) when it holds non-ASCII, else the text itself folded at spaces; controls removed
// first (one_line), so the result never ends a header early.
std::string encode_header_value(std::string_view text, std::size_t header_name_length);

// Quoted-printable body (RFC 2045): 7-bit, lines ≤ 76 bytes, CRLF line ends.
std::string quoted_printable(std::string_view text);

struct EmailOptions {
    Mailbox from;
    std::vector<Mailbox> to;
    std::chrono::sys_seconds date{};
    std::string boundary_seed;  // makes the MIME boundary unique; defaults to the alert id
};

struct EmailMessage {
    std::string envelope_from;             // MAIL FROM
    std::vector<std::string> envelope_to;  // RCPT TO
    std::string data;                      // the message, CRLF line ends, lines ≤ 998 bytes
};

// "[wirewatch] high · ceasefire, aleppo — Title" (or the digest's title), not yet encoded.
std::string email_subject(const Alert& alert);
// The plain-text and HTML parts (digests: grouped by rule with a table of contents).
std::string email_text_body(const Alert& alert);
std::string email_html_body(const Alert& alert);
// The whole message: headers (From, To, Subject, Date, Message-ID from the alert id, List-Id
// from the subscriber, MIME-Version) and a multipart/alternative body.
EmailMessage format_email(const Alert& alert, const EmailOptions& options);

// --- Slack ----------------------------------------------------------------------------------

inline constexpr std::size_t kSlackMaxSectionText = 3000;
inline constexpr std::size_t kSlackMaxBlocks = 50;

// Escapes &, <, > (Slack's only control characters in mrkdwn and plain text): a title like
// "<!channel>" shows as text and pings nobody. Cut so the escaped text is ≤ `max` characters.
std::string slack_escape(std::string_view text, std::size_t max = std::string::npos);

// The Block Kit payload {"text": fallback, "blocks": [...]} as JSON text.
std::string format_slack(const Alert& alert);

// --- syslog (RFC 5424) ----------------------------------------------------------------------

// "user", "daemon", "local0".."local7", ...: the facility number, nullopt when unknown.
std::optional<int> syslog_facility(std::string_view name);
// critical→crit(2), high→err(3), medium→warning(4), low→notice(5), info→info(6).
int syslog_severity(rules::Severity severity);

struct SyslogOptions {
    int facility = 1;  // user
    std::string hostname = "-";
    std::string app_name = "wirewatch";
    long pid = 0;
    std::size_t max_size = 2048;
    std::chrono::system_clock::time_point timestamp{};
};

// One record, no trailing newline, no embedded newline, ≤ max_size bytes, cut at a UTF-8
// boundary: <PRI>1 TIMESTAMP HOST APP PID MSGID [wirewatch@32473 id= rule=... severity=
// source= url=] title
std::string format_syslog(const Alert& alert, const SyslogOptions& options);
// Escapes '"', '\' and ']' inside an SD-PARAM value (RFC 5424 §6.3.3).
std::string syslog_sd_escape(std::string_view value);

// --- webhook --------------------------------------------------------------------------------

// The documented Alert JSON (see alert.hpp), compact.
std::string format_webhook_body(const Alert& alert);
// Lower-case hex HMAC-SHA256 of `body` under `key`: the value after "sha256=" in
// X-Wirewatch-Signature.
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

}  // namespace ww::notify
