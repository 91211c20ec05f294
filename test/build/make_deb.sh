#!/usr/bin/env bash
# tools/make-deb on this build (make check): the package's version and
# Depends carry the Slurm release; plugins in Slurm's PluginDir and
# programs in /usr/bin with Debian's modes, stripped; nothing outside
# /usr; md5sums that match; the same .deb twice; clear errors for bad
# arguments.  Installing it is test/cluster/package_install.sh's part.
set -euo pipefail
top=${top_builddir:?run through make check}
src=${top_srcdir:?run through make check}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tailfold-make-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
mkvar() { sed -n "s/^$1 = //p" "$top/Makefile" | head -1; }
version=$(mkvar PACKAGE_VERSION) slurm=$(mkvar SLURM_VERSION) plugindir=$(mkvar slurmplugindir)
IFS=. read -r major minor micro <<<"$slurm"
next=$major.$minor.$((micro + 1))

"$src/tools/make-deb" --builddir "$top" --out "$tmp/a" --no-lintian > "$tmp/a.out" 2>&1 ||
    { cat "$tmp/a.out"; echo "FAIL: make-deb failed"; exit 1; }
deb=$(tail -1 "$tmp/a.out")
check "make-deb names the .deb it made ($deb)" test -f "$deb"
check "the version is $version+slurm$slurm" test "$(dpkg-deb -f "$deb" Version)" = "$version+slurm$slurm"
check "Depends pins Slurm's plugins to $slurm" \
    grep -qF "slurm-wlm-basic-plugins (>= $slurm), slurm-wlm-basic-plugins (<< $next~)" <<<"$(dpkg-deb -f "$deb" Depends)"
check "Breaks slurmctld of other releases" \
    test "$(dpkg-deb -f "$deb" Breaks)" = "slurmctld (<< $slurm), slurmctld (>= $next~)"
check "Depends names the C++ runtime dpkg-shlibdeps found" grep -q 'libstdc++6' <<<"$(dpkg-deb -f "$deb" Depends)"

mkdir "$tmp/x"
dpkg-deb -x "$deb" "$tmp/x"
listing=$(dpkg-deb -c "$deb")
check "nothing outside /usr" test -z "$(awk '{print $NF}' <<<"$listing" | grep -v '^\./$' | grep -v '^\./usr/')"
check "nothing under /usr/local" test -z "$(grep ' \./usr/local/' <<<"$listing" || true)"
check "every file and directory is root's" test -z "$(awk '$2 != "root/root"' <<<"$listing")"
for p in priority_tailfold sched_tailfold site_factor_tailfold; do
    f=$tmp/x$plugindir/$p.so
    check "$p.so in $plugindir, mode 644" test "$(stat -c %a "$f" 2>/dev/null)" = 644
    check "$p.so has no debug information" test -z "$(readelf -S "$f" | grep '\.debug_' || true)"
done
for p in tailfold-estimates tailfold-sim; do
    check "$p in /usr/bin, mode 755, stripped" \
        test "$(stat -c %a "$tmp/x/usr/bin/$p" 2>/dev/null)" = 755 -a -z "$(readelf -S "$tmp/x/usr/bin/$p" | grep -E '\.symtab|\.debug_' || true)"
done
check "tailfold(5) is gzipped in /usr/share/man/man5" test -f "$tmp/x/usr/share/man/man5/tailfold.5.gz"
check "copyright says GPL-2+" grep -q '^License: GPL-2+' "$tmp/x/usr/share/doc/tailfold/copyright"
check "the examples are in /usr/share/doc/tailfold/examples" \
    cmp -s "$src/etc/slurm.conf.tailfold" "$tmp/x/usr/share/doc/tailfold/examples/slurm.conf.tailfold"
dpkg-deb -e "$deb" "$tmp/ctl"
check "md5sums matches every file" sh -c "cd '$tmp/x' && md5sum --quiet -c '$tmp/ctl/md5sums'"
check "md5sums lists every file" \
    test "$(wc -l < "$tmp/ctl/md5sums")" = "$(cd "$tmp/x" && find . -type f | wc -l)"

# Reproducible: the same commit gives the same bytes.
"$src/tools/make-deb" --builddir "$top" --out "$tmp/b" --no-lintian > "$tmp/b.out" 2>&1 ||
    { cat "$tmp/b.out"; fail "make-deb failed the second time"; }
check "a second build gives the same .deb" cmp -s "$deb" "$(tail -1 "$tmp/b.out")"

# Bad arguments: a message naming what is wrong.
status=0; out=$("$src/tools/make-deb" --builddir "$tmp/none" 2>&1) || status=$?
check "a missing --builddir is named (exit $status: $out)" \
    test $status = 1 -a -n "$(grep -F "no such directory: $tmp/none" <<<"$out")"
status=0; out=$("$src/tools/make-deb" --builddir "$tmp" 2>&1) || status=$?
check "an unconfigured --builddir is refused (exit $status: $out)" \
    test $status = 1 -a -n "$(grep -F "$tmp has no Makefile" <<<"$out")"
status=0; out=$("$src/tools/make-deb" --frobnicate 2>&1) || status=$?
check "an unknown option is named (exit $status: $out)" \
    test $status = 2 -a -n "$(grep -F "unknown option '--frobnicate'" <<<"$out")"
[ $failures = 0 ] || { echo "FAIL: $failures check(s)"; exit 1; }
echo "ok: make-deb: all checks passed"
