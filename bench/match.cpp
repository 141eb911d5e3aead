// bench_match: the rule engine against a generated watch list and news-like corpus (issue 3,
// "Speed").
//
// For each N (default 1k, 10k, 100k watched terms) it reports, on one core:
//   - loading the rule file, compiling it (cold) and loading it from the cache (warm);
//   - database bytes and peak RSS (getrusage; each N runs in its own forked process so the
//     peak belongs to that N);
//   - RuleSet::match() throughput: normalization, scan, rule evaluation and evidence;
//   - the ceiling: raw hs_scan of the bare literal set (the terms as written, CASELESS) over
//     the same fields with a counting callback;
//   - per-document match() latency, p50/p99 across ~5 KiB articles of each one's best of the
//   passes;
//   - the peer: `rg -F -i -w -c -f terms corpus.txt`, spawned and timed.
//
// Everything is generated from syllable and word tables with a fixed seed: no copied text.
// Usage: bench_match [--terms 1000,10000,100000] [--corpus-mb 16] [--seed 42] [--dir DIR]
//                    [--passes 5] [--no-rg] [--rg PATH] [--no-fork]

#include <fcntl.h>
#include <hs.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "wirewatch/rules/rule_def.hpp"
#include "wirewatch/rules/rule_set.hpp"
#include "wirewatch/text/normalize.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU time of this thread. The bench machine is shared (builds run beside it), so wall time
// measures the neighbours as much as us; the CPU time a document costs is what "per core"
// means anyway.
double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// splitmix64: portable and deterministic (std distributions differ between standard libraries).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    std::size_t range(std::size_t lo, std::size_t hi) { return lo + below(hi - lo + 1); }
    double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
    bool chance(double p) { return unit() < p; }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[below(v.size())];
    }

private:
    std::uint64_t s_;
};

// Zipf(s) over ranks 0..n-1 by inverse CDF.
class Zipf {
public:
    Zipf(std::size_t n, double s) : cdf_(n) {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            sum += 1.0 / std::pow(static_cast<double>(i + 1), s);
            cdf_[i] = sum;
        }
        for (double& c : cdf_) {
            c /= sum;
        }
    }
    std::size_t operator()(Rng& rng) const {
        const double u = rng.unit();
        return static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) -
                                        cdf_.begin()) %
               cdf_.size();
    }

private:
    std::vector<double> cdf_;
};

// --- name and word tables ------------------------------------------------------------------

const std::vector<std::string> kOnsets = {
    "b", "br", "c",  "ch", "d",  "dr", "f",  "g",  "gr", "h",  "j",  "k",  "kr", "l",
    "m", "n",  "p",  "pr", "r",  "s",  "sh", "st", "t",  "tr", "v",  "w",  "z",  "zh",
    "",  "",   "al", "el", "kh", "sz", "lj", "nj", "ts", "y",  "qu", "gh", "bh", "dj"};
// Plain vowels three times as likely as accented ones: most syllables of a name have none.
const std::vector<std::string> kVowels = {
    "a", "e",  "i",  "o", "u", "a", "e", "o", "ia", "ou", "a", "e", "i",  "o", "u", "a", "e",
    "o", "ai", "ei", "a", "e", "i", "o", "u", "a",  "e",  "o", "y", "au", "á", "é", "í", "ó",
    "ú", "ä",  "ö",  "ü", "ã", "õ", "è", "ê", "ç",  "ñ",  "ő", "ă", "ı",  "ø", "å", "ě"};
const std::vector<std::string> kCodas = {"",   "",   "",  "n", "r", "l", "s", "k", "m", "t", "sk",
                                         "nd", "rg", "v", "z", "ć", "š", "ž", "ł", "ğ", "ß"};
const std::vector<std::string> kSurnameEnds = {"ović", "escu", "sson", "ová",  "ez",  "ski",
                                               "enko", "oğlu", "ian",  "elli", "ago", "ström",
                                               "ault", "mann", "aki",  "ides", "",    ""};
const std::vector<std::string> kPlacePrefix = {"São ",    "Nový ",  "Port ",   "Al-",
                                               "Saint-",  "Nueva ", "Bad ",    "Kafr ",
                                               "Ciudad ", "Tel ",   "Puerto ", "Nizhny "};
const std::vector<std::string> kPlaceSuffix = {" City", "-sur-Mer", " Oblast", " Province", "abad",
                                               "grad",  "pur",      "stan",    "ville",     "burg"};
const std::vector<std::string> kOrgPattern = {"{} Holdings",
                                              "{} Mining Company",
                                              "Bank of {}",
                                              "{} Airways",
                                              "{} Energy Group",
                                              "{} Liberation Front",
                                              "Ministry of Defence of {}",
                                              "{} Telecom",
                                              "{} & Partners",
                                              "{} Shipping Line",
                                              "Federal Reserve of {}",
                                              "{} Petroleum Corporation",
                                              "{} Football Club",
                                              "{} University",
                                              "{} Party",
                                              "People's Front of {}"};

// Words of news prose. The first ones are English function words in roughly their frequency
// order; a Zipf draw over this list followed by a long tail of generated words gives a
// realistic rank-frequency curve.
const std::vector<std::string> kProse = {"the",
                                         "of",
                                         "and",
                                         "to",
                                         "a",
                                         "in",
                                         "that",
                                         "is",
                                         "for",
                                         "on",
                                         "was",
                                         "said",
                                         "with",
                                         "he",
                                         "it",
                                         "as",
                                         "at",
                                         "by",
                                         "from",
                                         "his",
                                         "be",
                                         "have",
                                         "has",
                                         "an",
                                         "are",
                                         "but",
                                         "not",
                                         "they",
                                         "who",
                                         "were",
                                         "this",
                                         "had",
                                         "their",
                                         "been",
                                         "which",
                                         "after",
                                         "its",
                                         "will",
                                         "would",
                                         "also",
                                         "more",
                                         "one",
                                         "about",
                                         "new",
                                         "over",
                                         "two",
                                         "than",
                                         "year",
                                         "people",
                                         "up",
                                         "government",
                                         "there",
                                         "out",
                                         "or",
                                         "when",
                                         "last",
                                         "first",
                                         "told",
                                         "could",
                                         "against",
                                         "officials",
                                         "other",
                                         "we",
                                         "since",
                                         "percent",
                                         "week",
                                         "before",
                                         "into",
                                         "police",
                                         "president",
                                         "minister",
                                         "country",
                                         "state",
                                         "years",
                                         "military",
                                         "forces",
                                         "according",
                                         "some",
                                         "security",
                                         "city",
                                         "three",
                                         "only",
                                         "under",
                                         "while",
                                         "during",
                                         "talks",
                                         "killed",
                                         "attack",
                                         "report",
                                         "council",
                                         "court",
                                         "election",
                                         "vote",
                                         "market",
                                         "prices",
                                         "border",
                                         "troops",
                                         "officials",
                                         "statement",
                                         "agency",
                                         "sanctions",
                                         "oil",
                                         "gas",
                                         "bank",
                                         "economy",
                                         "trade",
                                         "deal",
                                         "capital",
                                         "region",
                                         "talks",
                                         "peace",
                                         "war",
                                         "ceasefire",
                                         "strike",
                                         "protest",
                                         "crisis",
                                         "aid",
                                         "refugees",
                                         "health",
                                         "water",
                                         "power",
                                         "leader",
                                         "opposition",
                                         "party",
                                         "parliament",
                                         "law",
                                         "rights",
                                         "group",
                                         "company",
                                         "shares",
                                         "investors",
                                         "growth",
                                         "inflation",
                                         "rates",
                                         "central",
                                         "national",
                                         "foreign",
                                         "local",
                                         "international",
                                         "spokesman",
                                         "spokeswoman",
                                         "residents",
                                         "village",
                                         "province",
                                         "district",
                                         "hospital",
                                         "school",
                                         "children",
                                         "women",
                                         "men",
                                         "families",
                                         "fighting",
                                         "shelling",
                                         "drone",
                                         "missile",
                                         "rocket",
                                         "convoy",
                                         "checkpoint",
                                         "border",
                                         "negotiations",
                                         "agreement",
                                         "summit",
                                         "delegation",
                                         "ambassador",
                                         "envoy",
                                         "mission",
                                         "investigation",
                                         "prosecutors",
                                         "charges",
                                         "arrested",
                                         "detained",
                                         "released",
                                         "sentenced",
                                         "announced",
                                         "reported",
                                         "confirmed",
                                         "denied",
                                         "warned",
                                         "urged",
                                         "called",
                                         "added"};
const std::vector<std::string> kTopical = {
    "grain",      "export",        "corridor",     "naval",      "blockade",  "sovereign",
    "debt",       "restructuring", "humanitarian", "pause",      "cross",     "border",
    "shelling",   "nuclear",       "plant",        "safety",     "power",     "grid",
    "outage",     "fuel",          "shortage",     "wheat",      "harvest",   "currency",
    "collapse",   "bond",          "yields",       "central",    "bank",      "rate",
    "hike",       "prisoner",      "exchange",     "peace",      "talks",     "arms",
    "embargo",    "drone",         "strike",       "refugee",    "camp",      "cholera",
    "outbreak",   "flood",         "warning",      "earthquake", "relief",    "mining",
    "license",    "oil",           "pipeline",     "explosion",  "cyber",     "attack",
    "data",       "breach",        "election",     "fraud",      "runoff",    "vote",
    "coup",       "attempt",       "martial",      "law",        "state",     "emergency",
    "curfew",     "protest",       "crackdown",    "press",      "freedom",   "journalist",
    "detention",  "hostage",       "release",      "ceasefire",  "violation", "troop",
    "withdrawal", "military",      "exercise",     "missile",    "test",      "trade",
    "tariff",     "dispute",       "supply",       "chain",      "shipping",  "lane",
    "port",       "closure",       "famine",       "alert",      "food",      "price",
    "index",      "labour",        "strike",       "general",    "assembly",  "security",
    "council",    "resolution",    "war",          "crimes",     "tribunal",  "asylum",
    "policy",     "migrant",       "boat",         "capsized",   "wildfire",  "evacuation",
    "heat",       "wave",          "water",        "rationing"};

std::string capitalize(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') {
        s[0] = static_cast<char>(s[0] - 32);
    }
    return s;
}

std::string syllables(Rng& rng, std::size_t lo, std::size_t hi) {
    std::string w;
    const std::size_t n = rng.range(lo, hi);
    for (std::size_t i = 0; i < n; ++i) {
        w += rng.pick(kOnsets);
        w += rng.pick(kVowels);
        if (i + 1 == n || rng.chance(0.3)) {
            w += rng.pick(kCodas);
        }
    }
    return w;
}

std::string name_word(Rng& rng) { return capitalize(syllables(rng, 1, 3)); }

std::string place(Rng& rng) {
    std::string p = name_word(rng);
    if (rng.chance(0.2)) {
        p = rng.pick(kPlacePrefix) + p;
    } else if (rng.chance(0.2)) {
        p += rng.pick(kPlaceSuffix);
    } else if (rng.chance(0.15)) {
        p += ' ';
        p += name_word(rng);
    }
    return p;
}

std::string person(Rng& rng) {
    std::string last = capitalize(syllables(rng, 1, 2)) + rng.pick(kSurnameEnds);
    std::string p = name_word(rng) + " " + last;
    if (rng.chance(0.1)) {
        p = name_word(rng) + " " + p;
    }
    return p;
}

std::string organisation(Rng& rng) {
    std::string pattern = rng.pick(kOrgPattern);
    const std::string fill = rng.chance(0.5) ? name_word(rng) : place(rng);
    return pattern.replace(pattern.find("{}"), 2, fill);
}

std::string phrase(Rng& rng) {
    const std::size_t n = rng.range(2, 4);
    std::string p;
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) {
            p += ' ';
        }
        p += rng.pick(kTopical);
    }
    return p;
}

// The universe of watchable terms, unique after folding, in a fixed order. A watch list of N
// is its first N entries; the corpus mentions entries of the whole universe, popular (low
// index) ones more often, so larger watch lists hit more.
std::vector<std::string> make_universe(std::size_t n, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    while (out.size() < n) {
        const std::size_t kind = rng.below(10);
        std::string t = kind < 3   ? place(rng)
                        : kind < 6 ? person(rng)
                        : kind < 8 ? organisation(rng)
                                   : phrase(rng);
        std::string key = ww::text::normalize_string(t);
        // Too short to be a realistic watch term, or a duplicate after folding.
        if (key.size() < 5 || !seen.insert(key).second) {
            continue;
        }
        out.push_back(std::move(t));
    }
    return out;
}

// --- corpus --------------------------------------------------------------------------------

struct Corpus {
    std::vector<ww::Document> docs;    // 2..8 KiB, for throughput
    std::vector<ww::Document> five_k;  // ~5 KiB, for latency
    std::size_t bytes = 0;             // title + summary + body of `docs`
};

class Writer {
public:
    Writer(const std::vector<std::string>& universe, std::uint64_t seed)
        : universe_(universe),
          rng_(seed),
          words_(kProse.size() + 20000, 1.07),
          entities_(universe.size(), 0.9) {
        for (std::size_t i = 0; i < 20000; ++i) {
            tail_.push_back(syllables(rng_, 1, 4));
        }
    }

    std::string word() {
        const std::size_t r = words_(rng_);
        std::string w = r < kProse.size() ? kProse[r] : tail_[r - kProse.size()];
        // Diacritic-free ASCII for ordinary words: strip what the syllable tables added by
        // taking the folded form, as English prose has almost none.
        if (r >= kProse.size()) {
            w = ww::text::normalize_string(w);
        }
        return w;
    }

    std::string entity() {
        // Half of the mentions are popular entities, half from the long tail.
        const std::size_t i = rng_.chance(0.5) ? entities_(rng_) : rng_.below(universe_.size());
        return universe_[i];
    }

    std::string number() {
        switch (rng_.below(4)) {
            case 0:
                return std::to_string(rng_.range(2, 99));
            case 1:
                return std::to_string(rng_.range(1900, 2030));
            case 2:
                return std::to_string(rng_.range(1, 99)) + "." + std::to_string(rng_.below(10)) +
                       " percent";
            default:
                return std::string("$") + std::to_string(rng_.range(1, 900)) + " million";
        }
    }

    std::string sentence() {
        const std::size_t n = rng_.range(8, 28);
        std::string s;
        bool quote = rng_.chance(0.08);
        if (quote) {
            s += "\xE2\x80\x9C";  // “
        }
        for (std::size_t i = 0; i < n; ++i) {
            std::string w;
            const double p = rng_.unit();
            // Proper names are a few percent of news tokens; half of them are watched.
            if (p < 0.02) {
                w = entity();
            } else if (p < 0.035) {
                w = number();
            } else if (p < 0.055) {
                w = name_word(rng_);  // an unwatched name
            } else {
                w = word();
                if (p < 0.06) {
                    w += "\xE2\x80\x99s";  // ’s
                }
            }
            if (i == 0) {
                w = capitalize(w);
            }
            if (i > 0) {
                const double q = rng_.unit();
                s += q < 0.06 ? ", " : q < 0.065 ? " \xE2\x80\x94 " : " ";  // —
            }
            s += w;
        }
        s += '.';
        if (quote) {
            s += "\xE2\x80\x9D";  // ”
            if (rng_.chance(0.5)) {
                s += " said ";
                s += universe_[entities_(rng_)];
                s += '.';
            }
        }
        return s;
    }

    ww::Document document(std::size_t id, std::size_t body_bytes) {
        ww::Document d;
        d.source_id = "bench";
        d.item_id = std::to_string(id);
        d.url = std::string("https://news.example/world/") + std::to_string(id);
        const std::size_t tw = rng_.range(5, 11);
        for (std::size_t i = 0; i < tw; ++i) {
            std::string w = (i == 1 && rng_.chance(0.5)) ? entity() : capitalize(word());
            if (i > 0) {
                d.title += ' ';
            }
            d.title += w;
        }
        d.summary = sentence();
        if (rng_.chance(0.5)) {
            d.summary += ' ';
            d.summary += sentence();
        }
        while (d.body.size() < body_bytes) {
            const std::size_t para = rng_.range(2, 5);
            for (std::size_t i = 0; i < para && d.body.size() < body_bytes; ++i) {
                if (i > 0) {
                    d.body += ' ';
                }
                d.body += sentence();
            }
            d.body += "\n\n";
        }
        while (!d.body.empty() && (d.body.back() == '\n')) {
            d.body.pop_back();
        }
        return d;
    }

    Rng& rng() { return rng_; }

private:
    const std::vector<std::string>& universe_;
    Rng rng_;
    std::vector<std::string> tail_;
    Zipf words_;
    Zipf entities_;
};

std::size_t doc_bytes(const ww::Document& d) {
    return d.title.size() + d.summary.size() + d.body.size();
}

Corpus make_corpus(const std::vector<std::string>& universe, std::size_t bytes,
                   std::uint64_t seed) {
    Writer w(universe, seed);
    Corpus c;
    while (c.bytes < bytes) {
        // 2..8 KiB in total per document.
        const std::size_t total = w.rng().range(2048, 8192);
        c.docs.push_back(w.document(c.docs.size(), total > 400 ? total - 400 : total));
        c.bytes += doc_bytes(c.docs.back());
    }
    for (std::size_t i = 0; i < 2000; ++i) {
        c.five_k.push_back(w.document(1000000 + i, 5120 - 300));
    }
    return c;
}

// --- watch list as a rule file -------------------------------------------------------------

// N terms as rules: most rules watch one name; some list aliases (two keywords); some are
// queries (two terms NEAR/10, or a term AND one of two others). Returns the rule count.
std::size_t write_rules(const std::vector<std::string>& terms, const fs::path& file,
                        std::uint64_t seed) {
    Rng rng(seed);
    std::ofstream out(file);
    std::size_t rules = 0;
    std::size_t i = 0;
    static const char* kSeverities[] = {"info", "low", "medium", "medium", "high", "critical"};
    while (i < terms.size()) {
        const std::size_t left = terms.size() - i;
        const double p = rng.unit();
        out << "[[rule]]\nid = \"w" << rules << "\"\n";
        if (p < 0.06 && left >= 3) {
            // A basic TOML string: organisation names may hold an apostrophe.
            out << "query = \"\\\"" << terms[i] << "\\\" AND (\\\"" << terms[i + 1]
                << "\\\" OR \\\"" << terms[i + 2] << "\\\")\"\n";
            i += 3;
        } else if (p < 0.12 && left >= 2) {
            out << "query = \"\\\"" << terms[i] << "\\\" NEAR/10 \\\"" << terms[i + 1]
                << "\\\"\"\n";
            i += 2;
        } else if (p < 0.25 && left >= 2) {
            out << "keywords = [\"" << terms[i] << "\", \"" << terms[i + 1] << "\"]\n";
            i += 2;
        } else {
            out << "keywords = [\"" << terms[i] << "\"]\n";
            i += 1;
        }
        out << "severity = \"" << kSeverities[rng.below(6)] << "\"\ntags = [\"bench\"]\n\n";
        ++rules;
    }
    return rules;
}

// --- measurements --------------------------------------------------------------------------

struct Row {
    std::size_t n = 0;
    std::size_t rules = 0;
    std::size_t literals = 0;
    double load_s = 0;
    double compile_s = 0;
    double cached_s = 0;
    double db_mb = 0;
    double peak_mb = 0;
    double match_mbs = 0;
    double normalize_mbs = 0;
    double raw_mbs = 0;
    double p50_us = 0;
    double p99_us = 0;
    double hits_per_doc = 0;
    double rg_s = -1;
    long long rg_lines = -1;
};

double peak_rss_mb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_maxrss) / 1024.0;  // KiB on Linux
}

// Best of `passes` (the machine is shared; the best pass is the least disturbed one).
template <class F>
double best_mbs(std::size_t bytes, int passes, F&& pass) {
    double best = 0;
    for (int p = 0; p < passes; ++p) {
        const double t = cpu_now();
        pass();
        best = std::max(best, static_cast<double>(bytes) / 1e6 / (cpu_now() - t));
    }
    return best;
}

struct RawCtx {
    std::size_t matches = 0;
};

int on_raw(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
    ++static_cast<RawCtx*>(ctx)->matches;
    return 0;
}

// The ceiling: the bare literal set, compiled once; pass() scans the corpus.
class RawScan {
public:
    RawScan(const std::vector<std::string>& terms, const Corpus& corpus) : corpus_(corpus) {
        std::vector<const char*> exprs;
        std::vector<std::size_t> lens;
        std::vector<unsigned> flags(terms.size(), HS_FLAG_CASELESS);
        std::vector<unsigned> ids;
        for (std::size_t i = 0; i < terms.size(); ++i) {
            exprs.push_back(terms[i].data());
            lens.push_back(terms[i].size());
            ids.push_back(static_cast<unsigned>(i));
        }
        hs_compile_error_t* err = nullptr;
        if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                                 static_cast<unsigned>(terms.size()), HS_MODE_BLOCK, nullptr, &db_,
                                 &err) != HS_SUCCESS) {
            std::fprintf(stderr, "raw compile failed: %s\n", err ? err->message : "?");
            std::exit(1);
        }
        hs_alloc_scratch(db_, &scratch_);
    }
    ~RawScan() {
        hs_free_scratch(scratch_);
        hs_free_database(db_);
    }
    RawScan(const RawScan&) = delete;
    RawScan& operator=(const RawScan&) = delete;

    void pass() {
        for (const auto& d : corpus_.docs) {
            scan(d.title);
            scan(d.summary);
            scan(d.body);
        }
    }

private:
    void scan(const std::string& s) {
        if (!s.empty()) {
            hs_scan(db_, s.data(), static_cast<unsigned>(s.size()), 0, scratch_, on_raw, &ctx_);
        }
    }

    const Corpus& corpus_;
    hs_database_t* db_ = nullptr;
    hs_scratch_t* scratch_ = nullptr;
    RawCtx ctx_;
};

// Spawns rg on `corpus` and returns its CPU seconds (user + sys, from wait4) and the count it
// printed; seconds < 0 when it failed or ran past `limit_s` of wall time and was killed.
std::pair<double, long long> run_rg(const std::string& rg, const fs::path& terms,
                                    const fs::path& corpus, double limit_s) {
    const std::string terms_s = terms.string();
    const std::string corpus_s = corpus.string();
    std::vector<std::string> args = {rg, "-F", "-i", "-w", "-c", "-f", terms_s, corpus_s};
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const fs::path out_file = corpus.parent_path() / "rg.out";
    const std::string out_s = out_file.string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    pid_t pid = 0;
    const auto t = Clock::now();
    const int rc = posix_spawnp(&pid, rg.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        return {-1, -1};
    }
    int status = 0;
    rusage ru{};
    while (wait4(pid, &status, WNOHANG, &ru) == 0) {
        if (seconds_since(t) > limit_s) {
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &ru);
            return {-1, -1};
        }
        usleep(10000);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        return {-1, -1};
    }
    std::ifstream in(out_file);
    long long count = 0;
    in >> count;
    const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    return {cpu, count};
}

std::string rg_version(const std::string& rg) {
    std::string cmd = rg + " --version 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) {
        return "?";
    }
    char line[256] = {};
    std::string out = std::fgets(line, sizeof line, p) ? line : "?";
    pclose(p);
    while (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

// rg slows down sharply with thousands of case-insensitive non-ASCII literals (10k terms: about
// 12 CPU s per MB), so it gets the first ~1 MB of the corpus and a wall-clock limit.
constexpr std::size_t kRgBytes = 1 << 20;
constexpr double kRgLimitSeconds = 120;

Row measure(std::size_t n, const std::vector<std::string>& universe, const Corpus& corpus,
            const fs::path& dir, std::uint64_t seed, int passes, const std::string& rg) {
    Row row;
    row.n = n;
    const std::vector<std::string> terms(universe.begin(), universe.begin() + n);
    const fs::path rule_file = dir / (std::string("watch-") + std::to_string(n) + ".toml");
    const fs::path terms_file = dir / (std::string("terms-") + std::to_string(n) + ".txt");
    row.rules = write_rules(terms, rule_file, seed + n);
    {
        std::ofstream t(terms_file);
        for (const auto& term : terms) {
            t << term << '\n';
        }
    }

    const double t0 = cpu_now();
    ww::Diagnostics diags;
    auto defs = ww::rules::load_rule_files({rule_file}, diags);
    row.load_s = cpu_now() - t0;
    if (diags.has_errors()) {
        std::cerr << diags.str();
        std::exit(1);
    }
    const fs::path cache = dir / (std::string("cache-") + std::to_string(n));
    fs::remove_all(cache);
    fs::create_directories(cache);
    ww::rules::CompileOptions options;
    options.cache_dir = cache;
    double c0 = cpu_now();
    auto cold = ww::rules::compile(defs, options, diags);
    row.compile_s = cpu_now() - c0;
    if (!cold) {
        std::cerr << diags.str();
        std::exit(1);
    }
    row.literals = cold->stats().literal_patterns;
    row.db_mb = static_cast<double>(cold->stats().database_bytes) / 1e6;
    cold.reset();
    // Best of three loads, like the throughput passes: the first one after the cold compile
    // also pays for the heap that compile left behind (page faults, consolidation).
    std::shared_ptr<const ww::rules::RuleSet> set;
    row.cached_s = 1e9;
    for (int load = 0; load < 3; ++load) {
        set.reset();
        c0 = cpu_now();
        set = ww::rules::compile(defs, options, diags);
        row.cached_s = std::min(row.cached_s, cpu_now() - c0);
        if (!set || !set->stats().from_cache) {
            std::cerr << "bench_match: expected a cache hit\n";
            std::exit(1);
        }
    }

    auto scratch = set->make_scratch();
    std::size_t hits = 0;
    for (const auto& d : corpus.docs) {  // warm-up, and the hit count
        hits += set->match(d, *scratch).size();
    }
    row.hits_per_doc = static_cast<double>(hits) / static_cast<double>(corpus.docs.size());
    // match, normalize and the raw ceiling take turns pass by pass, so that a neighbour's
    // build slowing the machine for a while hits all three alike and their ratio holds.
    ww::text::NormalizedText nt;
    RawScan raw(terms, corpus);
    for (int p = 0; p < passes; ++p) {
        row.match_mbs = std::max(row.match_mbs, best_mbs(corpus.bytes, 1, [&] {
                                     for (const auto& d : corpus.docs) {
                                         auto h = set->match(d, *scratch);
                                         asm volatile("" : : "r"(h.data()) : "memory");
                                     }
                                 }));
        row.normalize_mbs = std::max(
            row.normalize_mbs, best_mbs(corpus.bytes, 1, [&] {
                for (const auto& d : corpus.docs) {
                    for (const std::string* f : {&d.title, &d.summary, &d.body}) {
                        ww::text::normalize_into(*f, nt);  // as match() does: buffers reused
                        asm volatile("" : : "r"(nt.text.data()) : "memory");
                    }
                }
            }));
        row.raw_mbs = std::max(row.raw_mbs, best_mbs(corpus.bytes, 1, [&] { raw.pass(); }));
    }

    // Per-document latency: each document's best of `passes` rounds, as throughput takes the
    // best pass. A single round's tail measured the machine as much as the documents (the same
    // build's p99 moved 80-155 us between runs minutes apart); the best of several rounds keeps
    // what a document costs, and the percentiles are then taken across documents.
    std::vector<double> lat(corpus.five_k.size(), 1e30);
    for (int p = 0; p < passes; ++p) {
        for (std::size_t i = 0; i < corpus.five_k.size(); ++i) {
            const double t = cpu_now();
            auto h = set->match(corpus.five_k[i], *scratch);
            asm volatile("" : : "r"(h.data()) : "memory");
            lat[i] = std::min(lat[i], (cpu_now() - t) * 1e6);
        }
    }
    std::sort(lat.begin(), lat.end());
    row.p50_us = lat[lat.size() / 2];
    row.p99_us = lat[lat.size() * 99 / 100];
    row.peak_mb = peak_rss_mb();
    scratch.reset();
    set.reset();

    if (!rg.empty()) {
        const auto [s, lines] = run_rg(rg, terms_file, dir / "corpus-rg.txt", kRgLimitSeconds);
        row.rg_s = s;
        row.rg_lines = lines;
    }
    return row;
}

// Runs measure() in a child process so that getrusage's peak is this N's alone.
bool measure_in_child(std::size_t n, const std::vector<std::string>& universe, const Corpus& corpus,
                      const fs::path& dir, std::uint64_t seed, int passes, const std::string& rg,
                      Row& row) {
    int fds[2];
    if (pipe(fds) != 0) {
        return false;
    }
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        Row r = measure(n, universe, corpus, dir, seed, passes, rg);
        const ssize_t w = write(fds[1], &r, sizeof r);
        _exit(w == static_cast<ssize_t>(sizeof r) ? 0 : 1);
    }
    close(fds[1]);
    const ssize_t got = read(fds[0], &row, sizeof row);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return got == static_cast<ssize_t>(sizeof row) && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::vector<std::size_t> parse_list(const std::string& s) {
    std::vector<std::size_t> out;
    std::stringstream in(s);
    std::string item;
    while (std::getline(in, item, ',')) {
        out.push_back(std::stoul(item));
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> ns = {1000, 10000, 100000};
    std::size_t corpus_mb = 16;
    std::uint64_t seed = 42;
    int passes = 5;
    fs::path dir = fs::temp_directory_path() / "wirewatch-bench-match";
    std::string rg = "rg";
    bool fork_per_n = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "bench_match: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--terms") {
            ns = parse_list(value());
        } else if (a == "--corpus-mb") {
            corpus_mb = std::stoul(value());
        } else if (a == "--seed") {
            seed = std::stoull(value());
        } else if (a == "--passes") {
            passes = std::stoi(value());
        } else if (a == "--dir") {
            dir = value();
        } else if (a == "--rg") {
            rg = value();
        } else if (a == "--no-rg") {
            rg.clear();
        } else if (a == "--no-fork") {
            fork_per_n = false;  // for valgrind --tool=callgrind, which would lose the child
        } else {
            std::cerr << "usage: bench_match [--terms 1000,10000,100000] [--corpus-mb 16] "
                         "[--seed 42] [--passes 5] [--dir DIR] [--rg PATH | --no-rg] [--no-fork]\n";
            return 2;
        }
    }
    spdlog::set_level(spdlog::level::warn);
    fs::create_directories(dir);
    const std::size_t biggest = *std::max_element(ns.begin(), ns.end());

    auto t = Clock::now();
    // The universe is larger than the biggest watch list: the corpus also names people and
    // places nobody watches.
    const auto universe = make_universe(std::max<std::size_t>(biggest, 100000) * 13 / 10, seed);
    const Corpus corpus = make_corpus(universe, corpus_mb << 20, seed + 1);
    {
        std::ofstream out(dir / "corpus.txt");
        for (const auto& d : corpus.docs) {
            out << d.title << '\n' << d.summary << '\n' << d.body << "\n\n";
        }
    }
    {
        std::ifstream in(dir / "corpus.txt");
        std::ofstream out(dir / "corpus-rg.txt");
        std::string line;
        std::size_t written = 0;
        while (written < kRgBytes && std::getline(in, line)) {
            out << line << '\n';
            written += line.size() + 1;
        }
    }
    std::size_t non_ascii = 0;
    for (const auto& d : corpus.docs) {
        for (char c : d.body) {
            non_ascii += static_cast<unsigned char>(c) >= 0x80;
        }
    }
    std::printf(
        "corpus: %zu documents, %.1f MB (title+summary+body), %.2f%% non-ASCII bytes; "
        "%zu ~5 KiB documents for latency; generated in %.1f s; files in %s\n",
        corpus.docs.size(), static_cast<double>(corpus.bytes) / 1e6,
        100.0 * static_cast<double>(non_ascii) / static_cast<double>(corpus.bytes),
        corpus.five_k.size(), seconds_since(t), dir.c_str());
    std::printf("hyperscan %s; peer: %s\n", hs_version(),
                rg.empty() ? "(skipped)" : rg_version(rg).c_str());
    std::printf(
        "one core, CPU time (CLOCK_THREAD_CPUTIME_ID); throughput = best of %d passes; "
        "peak RSS per N in its own process; rg: CPU time on the first %.1f MB, limit %.0f s\n\n",
        passes, static_cast<double>(fs::file_size(dir / "corpus-rg.txt")) / 1e6, kRgLimitSeconds);

    std::printf("%7s %6s %8s %7s %8s %7s %6s %7s %8s %8s %8s %6s %7s %7s %6s %8s\n", "N", "rules",
                "literals", "load s", "compile", "cache", "DB MB", "peak", "match", "norm",
                "raw hs", "match", "p50", "p99", "hits/", "rg -F -i");
    std::printf("%7s %6s %8s %7s %8s %7s %6s %7s %8s %8s %8s %6s %7s %7s %6s %8s\n", "terms", "",
                "", "(toml)", "s", "load ms", "", "RSS MB", "MB/s", "MB/s", "MB/s", "/raw", "us",
                "us", "doc", "-w MB/s");
    for (std::size_t n : ns) {
        Row r;
        if (!fork_per_n) {
            r = measure(n, universe, corpus, dir, seed, passes, rg);
        } else if (!measure_in_child(n, universe, corpus, dir, seed, passes, rg, r)) {
            std::printf("%7zu  (failed)\n", n);
            continue;
        }
        char rg_col[32] = "-";
        if (r.rg_s > 0) {
            std::snprintf(rg_col, sizeof rg_col, "%.2f",
                          static_cast<double>(fs::file_size(dir / "corpus-rg.txt")) / 1e6 / r.rg_s);
        } else if (!rg.empty()) {
            std::snprintf(rg_col, sizeof rg_col, "fail");
        }
        std::printf(
            "%7zu %6zu %8zu %7.2f %8.2f %7.1f %6.1f %7.0f %8.0f %8.0f %8.0f %5.0f%% %7.1f %7.1f "
            "%6.2f %8s\n",
            r.n, r.rules, r.literals, r.load_s, r.compile_s, r.cached_s * 1e3, r.db_mb, r.peak_mb,
            r.match_mbs, r.normalize_mbs, r.raw_mbs, 100.0 * r.match_mbs / r.raw_mbs, r.p50_us,
            r.p99_us, r.hits_per_doc, rg_col);
        std::fflush(stdout);
    }
    return 0;
}
