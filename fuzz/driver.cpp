// A stand-in for libFuzzer's main() when the fuzz targets are built with GCC (as in CI):
//   fuzz_X [--mutate N] [--seed S] FILE_OR_DIR...
// runs the target on every corpus file, then on N deterministic mutations of each (byte flips,
// insertions, deletions, duplicated chunks, splices of interesting tokens). Under
// AddressSanitizer + UBSan that finds the shallow bugs a real fuzzer finds in its first
// seconds; `scripts/fuzz` builds the same targets with clang's libFuzzer for long runs.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

const char* const kTokens[] = {
    "<",  ">",  "&", "&amp;", "&#0;",  "]]>", "<![CDATA[", "<!ENTITY", "\"",
    "'",  "\\", "(", ")",     "NEAR/", "*",   "\xff",      "\xc3",     "\xe2\x80\x93",
    "\0", "\n", "=", "[[",    "]]",    "{",   "}",         "%"};

std::string mutate(std::string input, std::minstd_rand& random) {
    const int steps = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < steps; ++i) {
        const std::size_t pos = input.empty() ? 0 : random() % (input.size() + 1);
        switch (random() % 5) {
            case 0:
                if (!input.empty() && pos < input.size()) {
                    input[pos] = static_cast<char>(input[pos] ^ (1 << (random() % 8)));
                }
                break;
            case 1:
                input.erase(pos, random() % 16);
                break;
            case 2: {
                const char* token = kTokens[random() % (sizeof kTokens / sizeof *kTokens)];
                input.insert(pos, token,
                             token[0] == '\0' ? 1 : std::char_traits<char>::length(token));
                break;
            }
            case 3:
                if (!input.empty()) {
                    const std::size_t from = random() % input.size();
                    input.insert(pos, input.substr(from, random() % 64));
                }
                break;
            default:
                input.resize(pos);  // truncation: the most common real-world damage
                break;
        }
    }
    return input;
}

void run(const std::string& input) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
    int mutations = 0;
    unsigned seed = 1;
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--mutate" && i + 1 < argc) {
            mutations = std::atoi(argv[++i]);
        } else if (arg == "--seed" && i + 1 < argc) {
            seed = static_cast<unsigned>(std::atoi(argv[++i]));
        } else if (fs::is_directory(arg)) {
            for (const auto& entry : fs::recursive_directory_iterator(arg)) {
                if (entry.is_regular_file()) {
                    files.push_back(entry.path());
                }
            }
        } else {
            files.emplace_back(arg);
        }
    }
    std::sort(files.begin(), files.end());
    std::minstd_rand random(seed);
    std::size_t runs = 0;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        std::string input((std::istreambuf_iterator<char>(in)), {});
        run(input);
        ++runs;
        for (int i = 0; i < mutations; ++i) {
            run(mutate(input, random));
            ++runs;
        }
    }
    std::cout << argv[0] << ": " << runs << " inputs from " << files.size()
              << " corpus files, no crash\n";
    return 0;
}
