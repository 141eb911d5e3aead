// Rule files and queries as an administrator might mistype them: any text must load with
// diagnostics, never crash; a query that parses must print and re-parse to the same tree.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "wirewatch/rules/query.hpp"
#include "wirewatch/rules/rule_def.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    ww::Diagnostics diags;
    ww::rules::load_rule_text(text, "fuzz.toml", diags);

    ww::rules::QuerySyntaxError error;
    if (auto query = ww::rules::parse_query(text, error)) {
        const std::string printed = ww::rules::to_string(*query);
        ww::rules::QuerySyntaxError again_error;
        auto again = ww::rules::parse_query(printed, again_error);
        if (!again || ww::rules::to_string(*again) != printed) {
            std::abort();
        }
    }
    return 0;
}
