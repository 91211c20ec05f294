# Shared helpers for tailfold's cluster tests.  Sourced, not run.
#
# Each test brings up its own mini-cluster (tools/minicluster) in its own
# directory and ports, and takes it down on exit, whatever happens.
set -eEuo pipefail
# set -e ends a test at an unchecked failing command; say which, so a test
# never stops without a word.  -E: also inside functions.  Only in the
# test's own process, or in a subshell that runs a part of the test and
# says so with test_part_here: a command failing inside $(...) ends nothing
# by itself (test -z "$(grep ...)" is a normal check); if the
# substitution's status matters, the assignment that takes it fails here.
_tf_owner=$$
trap '_tf_status=$?; [ "$BASHPID" != "$_tf_owner" ] ||
    echo "[$test_name] FAIL: line $LINENO: \"$BASH_COMMAND\" exited with status $_tf_status" >&2' ERR
# test_part_here: this (background) subshell runs a part of the test; an
# unchecked failing command here is named like one in the test itself.
test_part_here() { _tf_owner=$BASHPID; }
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
test_name=$(basename "$0" .sh)
# run-all gives each test its own port base; a test run alone uses 18000.
port_base=${TF_TEST_PORT_BASE:-18000}
mc_dir=$top/run/test/$test_name
failures=0

log() { echo "[$test_name] $*"; }
fail() { echo "[$test_name] FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "[$test_name] ok: $*"; }
check() {  # check "what" command...
    local what=$1; shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
    if [ $failures -gt 0 ]; then log "$failures check(s) failed; logs in $mc_dir/log"; exit 1; fi
    log "all checks passed"
}

mc() { "$top/tools/minicluster" "$@"; }
cluster_up() {  # extra minicluster options...
    trap 'mc down --dir "$mc_dir" >/dev/null 2>&1 || true' EXIT
    mc down --dir "$mc_dir" >/dev/null 2>&1 || true
    mc up --dir "$mc_dir" --port-base "$port_base" --fresh "$@"
    export SLURM_CONF=$mc_dir/etc/slurm.conf
}

# submit USER sbatch-args...: prints the job id.
submit() {
    local user=$1; shift
    (cd "$mc_dir/jobs" && runuser -u "$user" -- env SLURM_CONF="$SLURM_CONF" sbatch --parsable -o /dev/null "$@")
}

# Tests with two clusters side by side: on DIR command... runs a Slurm
# command against DIR's cluster; csub DIR user sbatch-args... submits to it
# and prints the job id.
on() { local d=$1; shift; SLURM_CONF=$d/etc/slurm.conf "$@"; }
csub() {
    local d=$1 user=$2; shift 2
    (cd "$d/jobs" && runuser -u "$user" -- env SLURM_CONF="$d/etc/slurm.conf" sbatch --parsable -o /dev/null "$@")
}
# ep TIME: a Slurm time as seconds since the epoch, or - (Unknown, None...).
ep() { case "$1" in ''|Unknown|None|N/A|NONE) echo - ;; *) date -d "$1" +%s ;; esac; }

# wait_state DIR id state seconds: until squeue shows the job in that state.
wait_state() {
    local end=$((SECONDS + $4))
    until [ "$(on "$1" squeue -h -j "$2" -o %T 2>/dev/null)" = "$3" ]; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.2
    done
}

# wait_queue_empty SECONDS
wait_queue_empty() {
    local end=$((SECONDS + $1))
    while [ -n "$(squeue -h -o %i 2>/dev/null)" ]; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.5
    done
}

# Processes that carry a cluster directory's mark (see tools/minicluster).
marked_processes() {  # dir
    local p
    for p in /proc/[0-9]*; do
        grep -qzxF -- "TAILFOLD_MINICLUSTER=$1" "$p/environ" 2>/dev/null || continue
        [ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" = Z ] && continue
        echo "${p#/proc/}"
    done
    return 0
}

# The duration boost with its defaults (log scale from 1 min to max_s) for
# a job whose expected runtime is its limit, computed here from the
# documented formula: int(weight * log(t / 60 s) / log(max_s / 60 s)).
expected_boost() {  # limit_minutes weight max_s
    awk -v t="$1" -v w="$2" -v m="$3" 'BEGIN {
        s = t * 60; f = (s <= 60) ? 0 : log(s / 60) / log(m / 60); if (f > 1) f = 1
        printf "%d", int(w * f) }'
}

# Pending jobs of USER with the given limits (minutes); prints "id limit".
submit_by_limit() {  # user limits...
    local user=$1 t; shift
    for t in "$@"; do echo "$(submit "$user" -n 1 -t "$t" -J "lim$t" --wrap 'sleep 1') $t"; done
}

# Jobs ("id limit" lines on stdin) whose sprio SITE is not the expected
# boost; prints one line per mismatch.
site_boost_mismatches() {  # weight max_s
    local rows id t got want
    rows=$(sprio -h -o '%i %S')
    while read -r id t; do
        want=$(expected_boost "$t" "$1" "$2")
        got=$(awk -v j="$id" '$1 == j {print $2}' <<<"$rows")
        [ "$got" = "$want" ] || echo "job $id (limit $t min): SITE $got, want $want"
    done
}
