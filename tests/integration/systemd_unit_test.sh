#!/usr/bin/env bash
# systemd/wirewatch.service is clean under `systemd-analyze verify` and its sandbox scores at
# most 2.0 under `systemd-analyze security --offline=yes` (lower is better).
#   systemd_unit_test.sh UNIT WIREWATCHD MAN_DIR
# Exits 77 (ctest SKIP_RETURN_CODE) where systemd-analyze is missing.
set -euo pipefail
unit=$1
binary=$2
man_dir=$3
max_score=2.0

if ! command -v systemd-analyze >/dev/null; then
    echo "SKIP: systemd-analyze not installed"
    exit 77
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# verify insists that ExecStart= names an existing executable and that every man: link in
# Documentation= resolves. So: a copy of the unit that runs the binary just built, and a
# MANPATH holding the man pages from this tree — the links are checked against our pages.
sed "s#/usr/bin/wirewatchd#$binary#g" "$unit" >"$scratch/wirewatch.service"
mkdir -p "$scratch/man/man5" "$scratch/man/man8"
cp "$man_dir"/*.5 "$scratch/man/man5/"
cp "$man_dir"/*.8 "$scratch/man/man8/"

status=0
output=$(MANPATH="$scratch/man" systemd-analyze verify "$scratch/wirewatch.service" 2>&1) || status=$?
if [[ $status -ne 0 || -n "$output" ]]; then
    echo "FAIL: systemd-analyze verify (exit $status):"
    echo "$output"
    exit 1
fi
echo "ok: systemd-analyze verify is clean"

report=$(systemd-analyze security --offline=yes "$unit" 2>&1)
# "→ Overall exposure level for wirewatch.service: 1.2 OK 🙂"
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p' <<<"$report")
if [[ -z "$score" ]]; then
    echo "FAIL: no exposure level in systemd-analyze security output:"
    echo "$report"
    exit 1
fi
if ! awk -v s="$score" -v m="$max_score" 'BEGIN { exit !(s <= m) }'; then
    echo "FAIL: exposure level $score is above $max_score; what costs points:"
    grep '✗' <<<"$report" || true
    exit 1
fi
echo "ok: systemd-analyze security --offline=yes: exposure level $score (at most $max_score)"
