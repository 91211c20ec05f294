#!/usr/bin/env bash
# A node fails under tailfold (priority/tailfold + sched/tailfold) on a
# cluster of container nodes (tools/minicluster up --containers): tf2's
# network is cut (the host end of its veth down) and its slurmd killed by
# PID, while two batch jobs run on it, one --requeue and one --no-requeue.
#
#   - tf2 goes DOWN within SlurmdTimeout (6 s here) plus a ping round;
#   - the jobs end as slurm.conf(5) and sbatch(1) say: the --requeue job is
#     requeued (PENDING, Restarts=1) and may start again only after the
#     credential lifetime (AuthInfo cred_expire, 10 s here), then elsewhere;
#     the --no-requeue job ends NODE_FAIL;
#   - backfill stops planning on tf2: the wide job planned on tf2 before is
#     planned elsewhere, at the end of the blockers, and no pending job's
#     SchedNodeList names tf2;
#   - nothing stalls: short jobs submitted during the outage start and end
#     on the other nodes;
#   - the link comes back and slurmd starts again: tf2 registers, Slurm kills
#     the jobs' processes that kept running on the cut-off node, and tf2
#     returns to service by itself (ReturnToService=2, no resume needed) and
#     gets a job again.
# run-all: alone (its checks measure time)
source "$(dirname "$0")/lib.sh"

cluster_up --containers --set SlurmdTimeout=6 --set MessageTimeout=3 \
    --set "AuthInfo=socket=$mc_dir/munge/sock/munge.socket,cred_expire=10" \
    --set SchedulerParameters=bf_interval=1,bf_resolution=1,bf_reservations=4 >/dev/null

node_state() { sinfo -h -N -n "$1" -o %t | head -1; }
job_field() { scontrol show job "$2" | grep -o "\b$1=[^ ]*" | head -1 | cut -d= -f2-; }
epoch() { date -d "$1" +%s 2>/dev/null || echo 0; }
# wait_until SECONDS COMMAND...: poll until it holds (0.2 s steps).
wait_until() {
    local end=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do [ $SECONDS -lt $end ] || return 1; sleep 0.2; done
}
is_state() { [ "$(job_field JobState "$1")" = "$2" ]; }
node_matches() { node_state "$1" | grep -Eqx "$2"; }   # node regex
# Pending jobs whose planned nodes (squeue's SCHEDNODES, `scontrol -d show
# job`'s SchedNodeList) include NODE, as "id:nodes".
plans_on() {
    local id nodes
    while IFS='|' read -r id nodes; do
        case "$nodes" in ''|'(null)') continue ;; esac
        scontrol show hostnames "$nodes" | grep -qx "$1" && echo "$id:$nodes"
    done < <(squeue -h -t PD -o '%i|%Y')
    return 0
}
alive_pids() { local p; for p in "$@"; do [ -e "/proc/$p/exe" ] && echo "$p"; done; return 0; }
# Predicates for wait_until (which runs its command again each time; a
# $(...) in its arguments would be read once).
planned_on() { [ -n "$(plans_on "$1")" ]; }
none_planned_on() { [ -z "$(plans_on "$1")" ]; }
none_alive() { [ -z "$(alive_pids "$@")" ]; }

# 1. tf3 and tf4 blocked for 10 minutes; tf1 filled for a moment, so that
#    the two jobs under test land on tf2 without being pinned to it.  A
#    requeued job keeps its node list: pinned (-w tf2), it could restart only
#    on tf2, and when tf2 comes back Slurm sometimes launches it there before
#    its old copy is killed ("Duplicate jobid", tf2 DRAIN, the job held: in
#    2 of 4 runs by hand), which needs a resume and a release.
b3=$(submit alice -J block3 -w tf3 -n 4 -t 10 --wrap 'sleep 600')
submit alice -J block4 -w tf4 -n 4 -t 10 --wrap 'sleep 600' >/dev/null
fill=$(submit alice -J fill -w tf1 -n 4 -t 10 --wrap 'sleep 600')
wait_until 20 is_state "$fill" RUNNING || fail "the filler did not start"
req=$(submit alice -J req --requeue -n 2 -t 5 --wrap 'sleep 600')
noreq=$(submit alice -J noreq --no-requeue -n 2 -t 5 --wrap 'sleep 600')
wait_until 20 is_state "$noreq" RUNNING || fail "the jobs under test did not start"
check "job $req (--requeue) runs on tf2" test "$(job_field NodeList "$req")" = tf2
check "job $noreq (--no-requeue) runs on tf2" test "$(job_field NodeList "$noreq")" = tf2
scancel "$fill"
wait_until 20 node_matches tf1 idle || fail "tf1 did not become idle"

# 2. A wide job (two whole nodes) first in the queue: planned at the end of
#    the tf2 jobs (5 min), on tf1 and tf2.  A second one behind it.
wide=$(submit alice -J wide -N 2 -n 8 -t 5 --wrap 'sleep 1')
wide2=$(submit alice -J wide2 -N 2 -n 8 -t 5 --wrap 'sleep 1')
scontrol update JobId="$wide" Nice=-100000
scontrol update JobId="$wide2" Nice=-50000
blockers_end=$(epoch "$(job_field EndTime "$b3")")
wait_until 15 planned_on tf2 || true
before=$(plans_on tf2)
log "planned on tf2 before the failure: $before (wide: start $(job_field StartTime "$wide"), blockers end $(date -d @"$blockers_end" +%T))"
check "backfill plans the wide job $wide on tf2 before the failure" grep -q "^$wide:" <<<"$before"
ns_jobs=$(mc node tf2 pids --dir "$mc_dir" | grep -vx "$(cat "$mc_dir/pids/slurmd-tf2.pid")" || true)
check "the jobs' processes run in tf2's namespace ($(echo $ns_jobs))" test -n "$ns_jobs"

# 3. The failure: cable out, slurmd killed.
t_cut=$(date +%s.%N)
mc node tf2 link-down --dir "$mc_dir"
kill -KILL "$(cat "$mc_dir/pids/slurmd-tf2.pid")"
wait_until 10 node_matches tf2 '.*\*' || fail "tf2 was never marked not responding"
t_noresp=$(date +%s.%N)
wait_until 40 node_matches tf2 'down.*' || fail "tf2 did not go DOWN within 40 s"
t_down=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
log "tf2 not responding after $(secs "$t_cut" "$t_noresp") s, DOWN after $(secs "$t_cut" "$t_down") s (SlurmdTimeout=6)"
# SlurmdTimeout, then the next ping round (every SlurmdTimeout/3) and its
# MessageTimeout: about 13 s measured; 20 s leaves room for a loaded host.
check "tf2 goes DOWN within 20 s of the cut" awk -v d="$(secs "$t_cut" "$t_down")" 'BEGIN { exit !(d <= 20) }'
check "slurmctld logs tf2 set DOWN for not responding" grep -q "Nodes tf2 not responding, setting DOWN" "$mc_dir/log/slurmctld.log"

# 4. The jobs, as documented: --requeue back to PENDING, --no-requeue NODE_FAIL.
wait_until 10 is_state "$req" PENDING || true
check "job $req (--requeue) is requeued: PENDING ($(job_field JobState "$req"))" is_state "$req" PENDING
check "job $req has Restarts=1" test "$(job_field Restarts "$req")" = 1
begin=$(epoch "$(job_field EligibleTime "$req")")
log "job $req may start again at $(date -d @"$begin" +%T), $((begin - ${t_down%.*})) s after tf2 went DOWN"
check "job $req waits out the credential lifetime (cred_expire=10) before starting again" \
    test "$((begin - ${t_down%.*}))" -ge 9
check "job $noreq (--no-requeue) ends NODE_FAIL ($(job_field JobState "$noreq"))" is_state "$noreq" NODE_FAIL
first_run_failed() { sacct -n -X -D -j "$req" -o state%20 | awk '{print $1}' | grep -qx NODE_FAIL; }
check "accounting records the first run of $req as NODE_FAIL" wait_until 10 first_run_failed

# 5. Backfill stops planning on tf2.
wait_until 10 none_planned_on tf2 || true
check "no pending job is planned on tf2 after it went DOWN ($(plans_on tf2))" test -z "$(plans_on tf2)"
wide_start=$(epoch "$(job_field StartTime "$wide")")
log "wide job now planned at $(date -d @"$wide_start" +%T) on $(squeue -h -j "$wide" -o %Y)"
check "the wide job is planned at the blockers' end, not at tf2's jobs' end" \
    test "$wide_start" -ge $((blockers_end - 2))

# 6. Nothing stalls: short jobs start and end on the other nodes meanwhile,
#    and the requeued job starts again, not on tf2.
flow=()
for i in 1 2 3 4; do flow+=("$(submit alice -J flow$i -n 1 -t 1 --wrap 'sleep 2')"); done
flow_done() { local j; for j in "${flow[@]}"; do is_state "$j" COMPLETED || return 1; done; }
check "4 short jobs submitted during the outage complete within 30 s" wait_until 30 flow_done
check "none of them ran on tf2" test -z "$(for j in "${flow[@]}"; do job_field NodeList "$j"; done | grep -x tf2)"
check "job $req starts again" wait_until 30 is_state "$req" RUNNING
log "job $req started again $(($(epoch "$(job_field StartTime "$req")") - ${t_down%.*})) s after tf2 went DOWN"
check "job $req runs on $(job_field NodeList "$req"), not tf2" test "$(job_field NodeList "$req")" != tf2
left=$(alive_pids $ns_jobs)
log "processes of the old jobs still running on the cut-off tf2: $(echo $left | wc -w) of $(echo $ns_jobs | wc -w)"

# 7. Back: cable in, slurmd started.  tf2 registers, Slurm kills what the
#    old jobs left there, and tf2 serves again without a resume.
t_back=$(date +%s.%N)
mc node tf2 link-up --dir "$mc_dir"
mc node tf2 start --dir "$mc_dir" >/dev/null
wait_until 30 node_matches tf2 'idle|mix|alloc' || fail "tf2 did not return ($(node_state tf2))"
log "tf2 back in service $(secs "$t_back" "$(date +%s.%N)") s after the link came up ($(node_state tf2))"
check "tf2 returns to service by itself ($(node_state tf2))" node_matches tf2 'idle|mix|alloc'
check "the old jobs' processes on tf2 are killed after it registers" wait_until 15 none_alive $ns_jobs
log "they were gone $(secs "$t_back" "$(date +%s.%N)") s after the link came up"
again=$(submit alice -J again -n 4 -t 1 --wrap 'sleep 2')
check "a 4-CPU job starts (only tf2 has 4 free CPUs)" wait_until 20 is_state "$again" COMPLETED
check "it ran on tf2" test "$(job_field NodeList "$again")" = tf2
check "tf2 is not drained ($(node_state tf2))" node_matches tf2 'idle|mix'
finish
