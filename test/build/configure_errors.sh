#!/usr/bin/env bash
# ./configure refuses to build against a missing or mismatched Slurm source,
# with a message that says what is wrong and how to fix it.  Runs the real
# configure script in scratch directories; needs the installed slurmctld.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$src/configure" ] || { echo "configure_errors: run autoreconf -fi first"; exit 1; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tailfold-configure.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail=0
expect() {  # name pattern configure-args...
    local name=$1 pattern=$2 rc=0 out; shift 2
    mkdir -p "$scratch/$name"
    out=$(cd "$scratch/$name" && "$@" 2>&1) || rc=$?
    if [ $rc -eq 0 ]; then
        echo "FAIL: $name: configure succeeded"; fail=1
    elif ! grep -q -- "$pattern" <<<"$out"; then
        echo "FAIL: $name: message does not say '$pattern':"; tail -3 <<<"$out" | sed 's/^/    /'; fail=1
    else
        echo "ok: $name: $(grep -o -- "error: .*" <<<"$out" | head -1 | cut -c1-150)"
    fi
}
installed=$(slurmctld -V | awk '{print $NF}')
# A copy of the script with no .slurm/ beside it (the checkout itself may be
# configured in-tree, which forbids VPATH builds from it).
bare=$scratch/bare
mkdir -p "$bare/src/core"
cp -r "$src/configure" "$src/build-aux" "$bare/"
cp "$src/src/core/job_priority.h" "$bare/src/core/"

# No such directory.
expect missing-dir "no such directory" "$bare/configure" --with-slurm-source="$scratch/nowhere"

# A directory that is not a configured Slurm tree.
mkdir -p "$scratch/empty-tree"
expect not-a-tree "not a configured Slurm tree" "$bare/configure" --with-slurm-source="$scratch/empty-tree"

# A Slurm tree of another version (22.05.7 against the installed 22.05.8).
mkdir -p "$scratch/old-tree/slurm"
echo "#define SLURM_VERSION_NUMBER 0x160507" > "$scratch/old-tree/slurm/slurm_version.h"
expect version-mismatch "is 22.05.7 but the installed slurmctld is $installed" \
    "$bare/configure" --with-slurm-source="$scratch/old-tree"

# The right upstream version but another Debian revision.
mkdir -p "$scratch/other-deb/slurm"
printf '#define SLURM_VERSION_NUMBER 0x%02x%02x%02x\n' $(tr . ' ' <<<"$installed" | awk '{print $1, $2, $3}') \
    > "$scratch/other-deb/slurm/slurm_version.h"
echo "slurm-wlm ${installed}-0tailfoldtest" > "$scratch/other-deb/.tailfold-slurm-source"
expect debian-revision "prepare-slurm-source --force" "$bare/configure" --with-slurm-source="$scratch/other-deb"

# No option and no prepared tree beside the sources: name the command.
expect no-source "Run 'tools/prepare-slurm-source'" "$bare/configure"
exit $fail
