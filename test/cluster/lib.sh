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
# TF_TEST_DIR: where the clusters' directories go (default run/test).
mc_dir=${TF_TEST_DIR:-$top/run/test}/$test_name
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

# TF_TEST_SLURM_ROOT=DIR: the clusters run in that root (tools/trixie-root,
# Slurm 24.11) and so do Slurm's clients: the test's PATH starts with
# wrappers that run them there (as root; as_user for other users).  The
# plugins are then those built for the root (TF_MINICLUSTER_PLUGIN_DIR,
# set by test/cluster/run-24.11).
slurm_root=${TF_TEST_SLURM_ROOT:-}
if [ -n "$slurm_root" ]; then
    _tf_bin=$mc_dir-bin
    mkdir -p "$_tf_bin"
    for _c in sbatch srun salloc squeue scontrol scancel sinfo sprio sshare sacct sacctmgr sdiag; do
        printf '#!/bin/sh\nexec "%s/tools/in-root" --root "%s" --host-users --cd "$PWD" -- %s "$@"\n' \
            "$top" "$slurm_root" "$_c" > "$_tf_bin/$_c"
        chmod 755 "$_tf_bin/$_c"
    done
    export PATH=$_tf_bin:$PATH
fi
# The Slurm release the clusters run (e.g. 22.05.8).
if [ -n "$slurm_root" ]; then
    slurm_release=$(chroot "$slurm_root" slurmctld -V | awk '{print $NF}')
else
    slurm_release=$(PATH=$PATH:/usr/sbin slurmctld -V | awk '{print $NF}')
fi
mc() {
    if [ -n "$slurm_root" ] && [ "${1:-}" = up ]; then
        shift
        "$top/tools/minicluster" up --root "$slurm_root" "$@"
    else
        "$top/tools/minicluster" "$@"
    fi
}
# in_slurm COMMAND...: COMMAND where Slurm runs (in the root if the
# clusters are in one), e.g. a program built against libslurm;
# as_user USER COMMAND...: the same as USER.
in_slurm() {
    if [ -n "$slurm_root" ]; then
        "$top/tools/in-root" --root "$slurm_root" --host-users --cd "$PWD" -- "$@"
    else
        "$@"
    fi
}
as_user() { local u=$1; shift; in_slurm runuser -u "$u" -- "$@"; }
# With plugins built under sanitizers (tools/test-all), slurmctld starts
# with ASan's runtime preloaded (TF_MINICLUSTER_CTLD_PRELOAD), and so must
# sshare, which loads priority_tailfold.so in its own process.
if [ -n "${TF_MINICLUSTER_CTLD_PRELOAD:-}" ]; then
    sshare() { LD_PRELOAD=$TF_MINICLUSTER_CTLD_PRELOAD command sshare "$@"; }
fi
cluster_up() {  # extra minicluster options...
    trap 'mc down --dir "$mc_dir" >/dev/null 2>&1 || true' EXIT
    mc down --dir "$mc_dir" >/dev/null 2>&1 || true
    mc up --dir "$mc_dir" --port-base "$port_base" --fresh "$@"
    export SLURM_CONF=$mc_dir/etc/slurm.conf
}

# submit USER sbatch-args...: prints the job id.
submit() {
    local user=$1; shift
    (cd "$mc_dir/jobs" && as_user "$user" env SLURM_CONF="$SLURM_CONF" sbatch --parsable -o /dev/null "$@")
}

# Tests with two clusters side by side: on DIR command... runs a Slurm
# command against DIR's cluster; csub DIR user sbatch-args... submits to it
# and prints the job id.
on() { local d=$1; shift; SLURM_CONF=$d/etc/slurm.conf "$@"; }
csub() {
    local d=$1 user=$2; shift 2
    (cd "$d/jobs" && as_user "$user" env SLURM_CONF="$d/etc/slurm.conf" sbatch --parsable -o /dev/null "$@")
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

# The end of the last priority pass: priority/multifactor and
# priority/tailfold rewrite this file then (every PriorityCalcPeriod).
pass_time() { stat -c %Y "$1/state/priority_last_decay_ran" 2>/dev/null || echo 0; }
wait_pass_after() {  # dir time
    local end=$((SECONDS + 100))
    while [ "$(pass_time "$1")" -le "$2" ]; do
        [ $SECONDS -lt $end ] || return 1
        sleep 1
    done
}

# Gaps from job ends to the next job start, from slurmctld's log (its
# timestamps have milliseconds): of the last TOTAL job ends, the first
# WAITING (those after which a job still waited).  Prints "n mean median
# p90 max" in seconds.
handoff_gaps() {  # log total waiting
    python3 - "$@" <<'PY'
import datetime, re, sys
def ts(line):
    m = re.match(r'\[(\S+)\]', line)
    try:
        return datetime.datetime.fromisoformat(m.group(1)).timestamp()
    except (AttributeError, ValueError):
        return None
total, waiting = int(sys.argv[2]), int(sys.argv[3])
ends, starts = [], []
for line in open(sys.argv[1], errors='replace'):
    t = ts(line)
    if t is None:
        continue
    if '_job_complete: JobId=' in line and ' done' in line:
        ends.append(t)
    elif 'sched: Allocate JobId=' in line or 'backfill started' in line or 'Started JobId=' in line:
        starts.append(t)
ends = sorted(ends)[-total:][:waiting]
starts.sort()
gaps = sorted(min(s - e for s in starts if s >= e) for e in ends if any(s >= e for s in starts))
n = len(gaps)
if not n:
    print("0 - - - -")
else:
    print("%d %.2f %.2f %.2f %.2f" % (n, sum(gaps) / n, gaps[n // 2], gaps[int(0.9 * n)], gaps[-1]))
PY
}

# Side-by-side tests: stock sched/backfill in $stock_dir (port_base) and
# tailfold in $tf_dir (port_base + 50), both fresh from CLUSTER_FILE and
# taken down when the test exits.
#   two_clusters_up CLUSTER_FILE [STOCK_OPTION...] -- [TAILFOLD_OPTION...]
stock_dir=$mc_dir/stock
tf_dir=$mc_dir/tailfold
two_clusters_up() {
    local file=$1 stock=() d
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do stock+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    trap 'mc down --dir "$stock_dir" >/dev/null 2>&1 || true; mc down --dir "$tf_dir" >/dev/null 2>&1 || true' EXIT
    for d in "$stock_dir" "$tf_dir"; do mc down --dir "$d" >/dev/null 2>&1 || true; done
    mc up --dir "$stock_dir" --port-base "$port_base" --fresh --cluster-file "$file" \
        --set SchedulerType=sched/backfill "${stock[@]}" >/dev/null
    mc up --dir "$tf_dir" --port-base $((port_base + 50)) --fresh --cluster-file "$file" "$@" >/dev/null
}

# Side-by-side scenarios: run FUNC DIR on each cluster at once (stock's
# and tailfold's, and any more the test has), in background parts, then
# print each part's output and count its failures; a part that ended
# early fails the test.  FUNC tells the clusters apart by DIR, whose
# basename names the cluster (stock, tailfold, ...).
run_on_both() {  # func dir dir [dir...]
    local f=$1 d pids=() i=0 status
    shift
    for d in "$@"; do
        ( test_part_here; "$f" "$d" ) > "$d.out" 2>&1 &
        pids+=($!)
    done
    for d in "$@"; do
        status=0
        wait "${pids[$i]}" || status=$?
        i=$((i + 1))
        cat "$d.out"
        failures=$((failures + $(grep -c 'FAIL:' "$d.out" || true)))
        [ $status = 0 ] || fail "$(basename "$d"): its part of the test ended early with status $status"
    done
}

# partitions_down_file CLUSTER_FILE: a copy in the test's directory whose
# partitions are DOWN in slurm.conf, printed.  slurmctld restarted without
# -R takes partition states from slurm.conf, not from scontrol update: a
# test that keeps jobs pending across a restart by a DOWN partition needs
# them DOWN there too, or they start a few seconds after the restart.
partitions_down_file() {
    mkdir -p "$mc_dir"
    sed '/^partition /s/$/ State=DOWN/' "$1" > "$mc_dir/cluster-down.conf"
    echo "$mc_dir/cluster-down.conf"
}
