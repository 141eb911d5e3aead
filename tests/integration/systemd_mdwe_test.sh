#!/usr/bin/env bash
# The unit sets MemoryDenyWriteExecute=yes. This container has no running systemd to try the
# unit itself, so the test applies the kernel's own form of the same rule — prctl(PR_SET_MDWE,
# PR_MDWE_REFUSE_EXEC_GAIN), Linux 6.3+, inherited across execve and what systemd 257+ uses for
# MemoryDenyWriteExecute= — and runs the daemon under it: rule compilation (Hyperscan), matching
# and delivery must all work. systemd 252 enforces it with seccomp instead (no W+X mmap, no
# mprotect adding PROT_EXEC); Hyperscan interprets its bytecode and never generates code, so
# neither form is hit.
#   systemd_mdwe_test.sh WIREWATCHD RULES_DIR
# Exits 77 (ctest SKIP_RETURN_CODE) without python3 or on a kernel without PR_SET_MDWE.
set -euo pipefail
binary=$1
rules=$2

if ! command -v python3 >/dev/null; then
    echo "SKIP: python3 not installed"
    exit 77
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/rules" "$scratch/spool"
cp "$rules"/*.toml "$scratch/rules/"
cat >"$scratch/wirewatch.toml" <<'TOML'
[daemon]
shutdown_grace = "2s"
[rules]
files = ["rules/*.toml"]
watch = false
[[source]]
id = "drop"
type = "spool"
path = "spool"
interval = "1s"
alert_on_first_poll = true
[[channel]]
id = "out"
type = "stdout"
format = "json"
[[subscriber]]
id = "desk"
rules = ["*"]
channels = ["out"]
TOML
printf 'Truce talks resume\nEnvoys discussed a cease-fire near Aleppo.\n' >"$scratch/spool/a.txt"

status=0
(cd "$scratch" && python3 - "$binary" run --once --config wirewatch.toml --state-dir state \
    >"$scratch/out" 2>"$scratch/err" <<'PY') || status=$?
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_MDWE, PR_GET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 66, 1
if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    print("SKIP: prctl(PR_SET_MDWE) not supported:", os.strerror(ctypes.get_errno()),
          file=sys.stderr)
    sys.exit(77)
assert libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) == PR_MDWE_REFUSE_EXEC_GAIN
os.execv(sys.argv[1], sys.argv[1:])
PY
if [[ $status -eq 77 ]]; then
    cat "$scratch/err"
    exit 77
fi
if [[ $status -ne 0 ]] || ! grep -q '"id":"ceasefire"' "$scratch/out"; then
    echo "FAIL: wirewatchd under PR_SET_MDWE exited $status"
    echo "--- stdout"; cat "$scratch/out"
    echo "--- stderr"; cat "$scratch/err"
    exit 1
fi
echo "ok: rules compiled, matched and delivered with write-or-execute memory enforced"
