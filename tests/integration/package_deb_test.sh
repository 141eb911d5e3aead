#!/usr/bin/env bash
# The .deb, built by CPack from this (already built) tree, unpacked into a scratch root: the
# installed wirewatchd passes `check` on the installed config with the installed rules; every
# file under /etc is a conffile; the unit, the sysusers/tmpfiles snippets and the man pages are
# there; dpkg-shlibdeps filled in Depends; the maintainer scripts are valid sh; Debian policy
# details (DEP-5 copyright, gzipped man pages and changelog) hold and lintian is clean.
#   package_deb_test.sh BUILD_DIR UNIT_DIR
# Exits 77 (ctest SKIP_RETURN_CODE) without cpack, dpkg-deb or dpkg-shlibdeps.
set -euo pipefail
build=$1
unit_dir=$2

for tool in cpack dpkg-deb dpkg-shlibdeps; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool not installed (dpkg-dev provides dpkg-shlibdeps)"
        exit 77
    fi
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}

# gzip rather than the release xz: the test tree's binary is big (sanitizers), and this is a
# test of the package's contents, not of its size. -B keeps CPack's staging out of the tree.
if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" \
    -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip >"$scratch/cpack.log" 2>&1; then
    cat "$scratch/cpack.log"
    fail "cpack failed"
fi
debs=("$scratch"/out/wirewatch_*.deb)
[[ -f "${debs[0]}" ]] || fail "no wirewatch_*.deb in $(ls "$scratch/out")"
deb=${debs[0]}
echo "built $(basename "$deb")"

root="$scratch/root"
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$scratch/control"
contents=$(dpkg-deb -c "$deb")

# The installed binary on the installed config: the config must make sense on a server.
out=$("$root/usr/bin/wirewatchd" check --config "$root/etc/wirewatch/wirewatch.toml" 2>&1) ||
    fail "wirewatchd check on the installed config: $out"
grep -q ': ok (1 source, [1-9][0-9]* rules, 1 channel, 1 subscriber)' <<<"$out" ||
    fail "unexpected check summary: $out"
grep -q 'warning' <<<"$out" && fail "check warns on the installed config: $out"
echo "ok: installed wirewatchd check: $out"

# conffiles: exactly the files under /etc, each present in the package.
conffiles=$(sort "$scratch/control/conffiles")
etc_files=$(cd "$root" && find etc -type f | sed 's#^#/#' | sort)
[[ "$conffiles" == "$etc_files" ]] ||
    fail "conffiles and files under /etc differ:"$'\n'"$(diff <(echo "$conffiles") <(echo "$etc_files"))"
grep -qx /etc/wirewatch/wirewatch.toml <<<"$conffiles" || fail "config is not a conffile"
grep -q '^/etc/wirewatch/rules/.*\.toml$' <<<"$conffiles" || fail "no rule file is a conffile"
echo "ok: conffiles: $(tr '\n' ' ' <<<"$conffiles")"

for path in "${unit_dir#/}/wirewatch.service" usr/lib/sysusers.d/wirewatch.conf \
    usr/lib/tmpfiles.d/wirewatch.conf usr/share/man/man8/wirewatchd.8.gz \
    usr/share/man/man5/wirewatch.toml.5.gz usr/share/doc/wirewatch/copyright \
    usr/share/doc/wirewatch/changelog.gz; do
    grep -q " \./$path\$" <<<"$contents" || fail "$path is not in the package"
done
cmp -s "$root/${unit_dir#/}/wirewatch.service" "$(dirname "$0")/../../systemd/wirewatch.service" ||
    fail "the packaged unit differs from systemd/wirewatch.service"
echo "ok: unit, sysusers.d, tmpfiles.d and man pages are packaged"

# Debian policy: a machine-readable copyright file; man pages and changelog gzipped with no
# name or time stamp in the header (reproducible), and the man pages still intact inside.
head -n 1 "$root/usr/share/doc/wirewatch/copyright" |
    grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
    fail "copyright is not in the machine-readable format"
for gz in usr/share/man/man8/wirewatchd.8.gz usr/share/man/man5/wirewatch.toml.5.gz \
    usr/share/doc/wirewatch/changelog.gz; do
    gzip -t "$root/$gz" || fail "$gz is not valid gzip"
    # Header byte 3 (FLG): bit 3 (0x08) is FNAME; bytes 4-7 are MTIME, zero with -n.
    header=$(od -An -tx1 -N8 "$root/$gz" | tr -d ' \n')
    [[ "${header:6:2}" == "00" && "${header:8:8}" == "00000000" ]] ||
        fail "$gz carries a file name or time stamp (header $header)"
done
for page in wirewatchd.8 wirewatch.toml.5; do
    cmp -s <(zcat "$root/usr/share/man/man${page##*.}/$page.gz") \
        "$(dirname "$0")/../../man/$page" || fail "packaged $page.gz differs from man/$page"
done
zcat "$root/usr/share/doc/wirewatch/changelog.gz" | head -n 1 |
    grep -q '^wirewatch ([0-9.]*) unstable; urgency=medium$' || fail "changelog header"
echo "ok: copyright (DEP-5), gzipped man pages and changelog.gz (a native package's name)"

# lintian (Debian's package checker; scripts/packages.txt installs it): no error and no
# warning tag. Info and pedantic tags are printed, not fatal.
if command -v lintian >/dev/null; then
    report=$(lintian --tag-display-limit 0 "$deb" 2>/dev/null || true)
    grep -E '^[IP]: ' <<<"$report" || true
    tags=$(grep -E '^[EW]: ' <<<"$report" || true)
    [[ -z "$tags" ]] || fail "lintian:"$'\n'"$tags"
    echo "ok: lintian reports no errors or warnings"
else
    echo "note: lintian is not installed; its checks were skipped"
fi

depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libhs5\|libhyperscan' <<<"$depends" || fail "Depends lacks Hyperscan: $depends"
grep -q 'libc6' <<<"$depends" || fail "Depends lacks libc6 (shlibdeps did not run?): $depends"
echo "ok: Depends: $depends"

for script in postinst prerm postrm; do
    [[ -x "$scratch/control/$script" ]] || fail "$script missing or not executable"
    sh -n "$scratch/control/$script" || fail "$script is not valid sh"
done
grep -q 'daemon-reload' "$scratch/control/postinst" || fail "postinst does not daemon-reload"
grep -q '/run/systemd/system' "$scratch/control/postinst" ||
    fail "postinst does not guard on a running systemd"
grep -q 'rm -rf /var/lib/wirewatch' "$scratch/control/postrm" || fail "purge keeps the state"
echo "ok: maintainer scripts"
