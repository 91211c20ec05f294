#!/usr/bin/env bash
# The man pages format without a warning (groff -man -ww -z), and make
# install puts each under mandir in its section's directory.  tailfold(5)
# against the code's keys and defaults: test/unit/man_page_test.cc; the
# programs' pages against their options: test/build/man_options.sh.
set -euo pipefail
src=${top_srcdir:?run through make check}
top=${top_builddir:?run through make check}
# tools/install-deps installs groff-base on the host; a build root
# without it (the trixie root) skips the formatting check.
command -v groff >/dev/null || { echo "SKIP: groff is not installed here"; exit 77; }
fail=0
for page in "$src"/man/*.[1-8]; do
    out=$(groff -man -ww -z "$page" 2>&1) || { echo "FAIL: groff failed on $page: $out"; fail=1; continue; }
    [ -z "$out" ] || { echo "FAIL: groff -man -ww -z warns on $page:"; echo "$out"; fail=1; }
done
dest=$(mktemp -d "${TMPDIR:-/tmp}/tailfold-man.XXXXXX")
trap 'rm -rf "$dest"' EXIT
${MAKE:-make} -s -C "$top" install-man DESTDIR="$dest" >/dev/null
# Each page where man(1) looks for it: .../manN/NAME.N.
for page in "$src"/man/*.[1-8]; do
    name=${page##*/}
    find "$dest" -path "*/man${name##*.}/$name" | grep -q . ||
        { echo "FAIL: make install-man did not install $name into a man${name##*.} directory"; fail=1; }
done
[ $fail = 0 ] && echo "ok: man pages format cleanly and install"
exit $fail
