// Text folding: any input, once sanitized, normalizes with an offset map that keeps its
// invariants (size, monotone, ends at the original's size, points at character starts), and
// the block copies of normalize_into (AVX2 where the CPU has it, SSE2) give exactly what the
// byte-at-a-time path gives.

#include "wirewatch/text/normalize.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input =
        ww::text::sanitize_utf8(std::string_view(reinterpret_cast<const char*>(data), size));
    for (bool fold_case : {true, false}) {
        ww::text::NormalizeOptions options;
        options.fold_case = fold_case;
        auto nt = ww::text::normalize(input, options);
        if (nt.to_original.size() != nt.text.size() + 1 || nt.to_original.back() != input.size()) {
            std::abort();
        }
        for (std::size_t i = 0; i + 1 < nt.to_original.size(); ++i) {
            const std::uint32_t at = nt.to_original[i];
            if (at > nt.to_original[i + 1] || at > input.size() ||
                (at < input.size() && (static_cast<unsigned char>(input[at]) & 0xC0) == 0x80)) {
                std::abort();
            }
        }
        if (ww::text::normalize_string(input, options) != nt.text) {
            std::abort();
        }
        ww::text::NormalizedText other;
        ww::text::detail::normalize_into_scalar(input, other, options);
        if (other.text != nt.text || other.to_original != nt.to_original) {
            std::abort();
        }
        ww::text::detail::normalize_into_sse2(input, other, options);
        if (other.text != nt.text || other.to_original != nt.to_original) {
            std::abort();
        }
    }
    return 0;
}
