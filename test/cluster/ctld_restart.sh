#!/usr/bin/env bash
# slurmctld stopped and started (SIGTERM), then killed (SIGKILL) in the
# middle of a backfill pass, while jobs run and 2000 wait: afterwards every
# job is known in the same state, fair-share usage is neither lost nor
# decayed twice, learned runtimes are still there and planned starts are
# rebuilt.  (test/cluster/restart_and_classic.sh compares restarts with
# stock priority/multifactor; here usage decays, with a 1-minute half-life,
# so a second decay of the same interval would show.)
#
# Usage is read from `scontrol show assoc_mgr` (UsageRaw, two decimals).
# Between priority passes it holds still, and a pass at time p2 after one
# at p1 must leave alice's usage (she has nothing running) at
# u1 * 2^-((p2 - p1) / half-life).  slurmctld writes usage to its state at
# shutdown, at reconfigure and every 5 minutes, so before the SIGKILL the
# test runs `scontrol reconfigure` (a state save) inside the same priority
# period: a SIGKILL loses what was charged since slurmctld's last save, as
# it does under stock Slurm, and the test keeps that out of the comparison.
# run-all: alone (its checks measure time)
source "$(dirname "$0")/lib.sh"

cluster_up --set PriorityDecayHalfLife=1 \
    --set PriorityParameters=duration_weight=2000,duration_source=history \
    --set SchedulerParameters=bf_interval=1,bf_resolution=1,bf_max_job_test=0 >/dev/null
check "the half-life is 1 minute" grep -Eq '^PriorityDecayHalfLife += 00:01:00' <(scontrol show config)

state=$mc_dir/state/priority_last_decay_ran
last_ran() { python3 -c 'import struct, sys; print(struct.unpack(">qq", open(sys.argv[1], "rb").read(16))[0])' "$state" 2>/dev/null || echo 0; }
wait_pass_after() {  # time: until a priority pass has run after it
    local end=$((SECONDS + 90))
    while [ "$(last_ran)" -le "$1" ]; do [ $SECONDS -lt $end ] || return 1; sleep 0.5; done
}
# UsageRaw of USER's association (scontrol prints it with two decimals).
# awk reads to the end rather than leaving at the first match: a scontrol
# still writing into a closed pipe dies of SIGPIPE, which pipefail turns
# into a failed test.
usage_of() {
    scontrol show assoc_mgr flags=assoc | awk -v u="UserName=$1[( ]" '
        /^ClusterName=/ { on = $0 ~ u }
        on && !found && /UsageRaw\/Norm\/Efctv=/ { split($0, a, "="); split(a[2], b, "/"); print b[1]; found = 1 }'
}
jobs_table() { squeue -h -t PD,R -o '%i %T' | sort; }
start_of() { squeue -h -j "$1" -o %S; }
# near A B REL: |A - B| <= REL * B
near() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= r * b) }'; }
decayed() { awk -v u="$1" -v s="$2" 'BEGIN { printf "%.6f", u * 2 ^ (-s / 60) }'; }

# 1. alice builds usage and a learned runtime ("learnme" ran 20 s).
submit alice -J learnme -n 16 -t 2 --wrap 'sleep 20' >/dev/null
wait_queue_empty 60 || fail "alice's job did not finish"
t=$(date +%s)
wait_pass_after "$t" || fail "no priority pass after alice's job"
store=$mc_dir/state/tailfold_estimates.json
learned() { python3 -c 'import json, sys
print(sum(1 for e in json.load(open(sys.argv[1]))["entries"] if e.get("name") == "learnme"))' "$store" 2>/dev/null || echo 0; }
check "the store learned alice's job" test "$(learned)" -ge 1

# 2. bob fills the cluster; a 16-CPU job of carol is planned after him;
#    2000 jobs of bob and carol wait behind (C API, bench/submit_jobs.c).
block=$(submit bob -J block -n 16 -t 10 --wrap 'sleep 600')
for _ in $(seq 40); do [ "$(squeue -h -j "$block" -o %T)" = RUNNING ] && break; sleep 0.5; done
top_id=$(submit carol -J top -n 16 -t 5 --wrap 'sleep 1')
scontrol update JobId="$top_id" Nice=-1000000  # the top of the queue: its start is held
in_slurm gcc -O2 -o "$mc_dir/submit_jobs" "$top/bench/submit_jobs.c" -lslurm
in_slurm "$mc_dir/submit_jobs" 2000 11 bob:chemistry,carol:theory "$mc_dir/jobs" >/dev/null
for _ in $(seq 20); do [ "$(start_of "$top_id")" != N/A ] && break; sleep 0.5; done
plan=$(start_of "$top_id")
bob_start=$(date -d "$(squeue -h -j "$block" -o %S)" +%s)
check "carol's job is planned at bob's end by his limit ($plan)" \
    test "$(date -d "$plan" +%s 2>/dev/null || echo 0)" -ge $((bob_start + 600 - 2))
jobs_before=$(jobs_table)
check "2002 jobs wait or run" test "$(wc -l <<<"$jobs_before")" = 2002

# check_after LABEL USAGE_BEFORE PASS_BEFORE RESTARTS: after a restart.
check_after() {
    local label=$1 u0=$2 p0=$3 p1 u1 want
    wait_pass_after "$p0" || fail "$label: no priority pass after the restart"
    p1=$(last_ran)
    u1=$(usage_of alice)
    want=$(decayed "$u0" $((p1 - p0)))
    log "$label: alice's usage $u0 at $p0, $u1 at $p1 (decayed once: $want, twice: $(decayed "$u0" $((2 * (p1 - p0)))))"
    check "$label: alice's usage decayed once over the $((p1 - p0)) s between passes" near "$u1" "$want" 0.02
    check "$label: every job is known, in the same state" test "$(jobs_table)" = "$jobs_before"
    check "$label: the learned runtime is still in the store" test "$(learned)" -ge 1
    check "$label: the estimates were read back at start-up" \
        test "$(grep -c 'tailfold: [0-9]* runtime estimates loaded' "$mc_dir/log/slurmctld.log")" -ge "$4"
    local p=N/A
    for _ in $(seq 20); do p=$(start_of "$top_id"); [ "$p" != N/A ] && break; sleep 0.5; done
    check "$label: carol's planned start is rebuilt ($p, was $plan)" test "$p" = "$plan"
}

# 3. Stop and start (SIGTERM).
u0=$(usage_of alice) p0=$(last_ran)
check "alice has usage to keep ($u0)" awk -v u="$u0" 'BEGIN { exit !(u > 10) }'
mc restart --dir "$mc_dir" >/dev/null
check_after "SIGTERM" "$u0" "$p0" 1

# 4. SIGKILL in the middle of a backfill pass, after a state save in the
#    same priority period.  Slurm 22.05 saves its state at a reconfigure and
#    runs on.  Slurm 24.11 restarts at a reconfigure (saving at its
#    shutdown), and its new process makes a pass that is saved nowhere but
#    in the last-decay time: after the SIGKILL its usage is the one saved
#    at the shutdown, decayed from the last pass on, as priority/multifactor
#    does.
if [ "${slurm_release%%.*}" -ge 24 ]; then
    u0=$(usage_of alice) p_before=$(last_ran)
    scontrol reconfigure
    wait_pass_after "$p_before" || fail "24.11: no priority pass after the reconfigure"
    p0=$(last_ran)
else
    scontrol reconfigure
    u0=$(usage_of alice) p0=$(last_ran)
fi
out=$(mc restart --dir "$mc_dir" --kill-during tfbackfill 2>&1) || fail "restart: $out"
check "slurmctld was killed while its backfill thread ran" grep -q "killed while its tfbackfill thread was running" <<<"$out"
check_after "SIGKILL" "$u0" "$p0" 2
check "bob's job still runs under the same id" test "$(squeue -h -j "$block" -o %T)" = RUNNING
finish
