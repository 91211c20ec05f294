#!/usr/bin/env bash
# make install puts exactly the plugins into Slurm's PluginDir (under
# DESTDIR here), named as slurmctld looks them up, and nothing libtool-only;
# and the programs of src/programs/ into bindir.
set -euo pipefail
top=${top_builddir:?run through make check}
dest=$(mktemp -d "${TMPDIR:-/tmp}/tailfold-install.XXXXXX")
trap 'rm -rf "$dest"' EXIT
${MAKE:-make} -s -C "$top" install DESTDIR="$dest" >/dev/null
plugindir=$(sed -n 's/^slurmplugindir = //p' "$top/Makefile")
got=$(cd "$dest" && find "./${plugindir#/}" -type f -o -type l | sort | tr '\n' ' ')
want="./${plugindir#/}/priority_tailfold.so ./${plugindir#/}/sched_tailfold.so ./${plugindir#/}/site_factor_tailfold.so "
if [ "$got" != "$want" ]; then
    echo "FAIL: make install wrote '$got', want '$want'"
    exit 1
fi
bindir=$(sed -n 's/^bindir = //p' "$top/Makefile" | sed "s|\${exec_prefix}|$(sed -n 's/^exec_prefix = //p' "$top/Makefile")|; s|\${prefix}|$(sed -n 's/^prefix = //p' "$top/Makefile")|")
for prog in tailfold-estimates tailfold-sim tailfold-why tailfold-plot; do
    if [ ! -x "$dest$bindir/$prog" ]; then
        echo "FAIL: make install did not put $prog in $bindir"
        exit 1
    fi
done
echo "ok: make install -> $plugindir: priority_tailfold.so sched_tailfold.so site_factor_tailfold.so"
