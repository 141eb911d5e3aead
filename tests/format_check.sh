#!/usr/bin/env bash
# STYLE.md: every C++ file is clang-format clean (.clang-format: Google base, 4 spaces, 100
# columns). Fails listing the files that are not; `clang-format -i FILE` fixes them.
set -euo pipefail
cd "$1"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find daemon include tests bench fuzz -name '*.[ch]pp')
bad=()
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
if ((${#bad[@]})); then
    printf 'not clang-format clean: %s\n' "${bad[@]}"
    exit 1
fi
echo "${#files[@]} files clang-format clean"
