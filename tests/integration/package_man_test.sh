#!/usr/bin/env bash
# man/wirewatchd.8 and man/wirewatch.toml.5 render without a warning, and agree with their
# sources of truth: every option, command and exit code of `wirewatchd --help`, the environment
# variables the daemon reads, and every key of the shipped configs are documented.
#   package_man_test.sh SOURCE_DIR WIREWATCHD
set -euo pipefail
src=$1
binary=$2
page8="$src/man/wirewatchd.8"
page5="$src/man/wirewatch.toml.5"
status=0
fail() {
    echo "FAIL: $*"
    status=1
}

for page in "$page8" "$page5"; do
    if command -v groff >/dev/null; then
        warnings=$(groff -wall -man -z "$page" 2>&1) || fail "groff failed on $page"
        [[ -z "$warnings" ]] || fail "groff warnings in $page:"$'\n'"$warnings"
    fi
    if command -v man >/dev/null; then
        # man -l also runs preconv/tbl; --warnings reports what groff -z alone may not.
        warnings=$(man --warnings -l "$page" 2>&1 >/dev/null) || fail "man failed on $page"
        [[ -z "$warnings" ]] || fail "man warnings in $page:"$'\n'"$warnings"
    fi
    # The lint that needs no tools: a title line, and only ASCII (roff escapes for the rest).
    grep -q '^\.TH ' "$page" || fail "$page has no .TH"
    if LC_ALL=C grep -n '[^[:print:][:space:]]' "$page"; then
        fail "$page has non-ASCII bytes: write \\(em, \\(aq, \\(dq"
    fi
done

# roff writes a hyphen in an option as "\-".
roff_text=$(sed 's/\\-/-/g' "$page8")
help=$("$binary" --help)
for option in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
    grep -q -- "$option" <<<"$roff_text" || fail "wirewatchd.8 does not document $option"
done
# Every command in the usage lines ("  wirewatchd check ..."), "run" included.
for command in $(sed -n 's/^  wirewatchd \[\{0,1\}\([a-z][a-z-]*\).*/\1/p' <<<"$help" | sort -u); do
    grep -q "^\.B $(sed 's/-/\\\\-/g' <<<"$command")\$" "$page8" ||
        fail "wirewatchd.8 has no entry for the $command command"
done
for code in $(sed -n 's/^  \([0-9][0-9]*\)  .*/\1/p' <<<"$help"); do
    grep -q "^\.B $code\$" "$page8" || fail "wirewatchd.8 does not list exit status $code"
done
for variable in WIREWATCH_CONFIG STATE_DIRECTORY CREDENTIALS_DIRECTORY JOURNAL_STREAM \
    NOTIFY_SOCKET; do
    grep -q "^\.B $variable\$" "$page8" || fail "wirewatchd.8 does not describe \$$variable"
done
for signal in SIGHUP SIGTERM SIGINT; do
    grep -q "$signal" "$page8" || fail "wirewatchd.8 does not describe $signal"
done

# Every key written in the shipped configs, commented-out examples included.
keys=$(cat "$src/conf/wirewatch.toml" "$src/conf/wirewatch.installed.toml" |
    sed -n 's/^#\{0,1\} *\([a-z_][a-z_]*\) = .*/\1/p' | sort -u)
roff5=$(sed 's/\\-/-/g' "$page5")
for key in $keys; do
    grep -Eq "^\.(B|BR) (.*\")?$key( |\"|$)|^\.BR .*\"$key\"|^\.BR $key " <<<"$roff5" ||
        grep -Eq "^\.B(R)? .*\b$key\b" <<<"$roff5" ||
        fail "wirewatch.toml.5 does not document the key '$key'"
done

[[ $status -eq 0 ]] && echo "ok: man pages render cleanly and cover --help, environment and config keys"
exit $status
