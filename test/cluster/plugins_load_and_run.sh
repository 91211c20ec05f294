#!/usr/bin/env bash
# Both tailfold plugins load into the real slurmctld, jobs of two users run to
# completion under them, sprio answers with priorities that add up to the
# jobs' real ones, and sshare loads the priority plugin in its own process.
source "$(dirname "$0")/lib.sh"

# Classic fair share, so that sshare loads the priority plugin (with Fair
# Tree it never does); DEPTH_OBLIVIOUS, which tailfold does not support,
# must be named in one error at start-up.
cluster_up --set PriorityFlags=NO_FAIR_TREE,DEPTH_OBLIVIOUS
conf=$(scontrol show config)
check "PriorityType is priority/tailfold" grep -Eq '^PriorityType += priority/tailfold$' <<<"$conf"
check "SchedulerType is sched/tailfold" grep -Eq '^SchedulerType += sched/tailfold$' <<<"$conf"
ctld_log=$mc_dir/log/slurmctld.log
version=$(sed -n 's/^AC_INIT(\[tailfold\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
check "slurmctld logs priority/tailfold $version" grep -q "priority/tailfold: tailfold $version loaded (built for Slurm $slurm_release)" "$ctld_log"
check "slurmctld logs sched/tailfold $version" grep -q "sched/tailfold: tailfold $version loaded (built for Slurm $slurm_release)" "$ctld_log"
threads=$(cat /proc/"$(cat "$mc_dir/pids/slurmctld.pid")"/task/*/comm)
check "one error names the unsupported DEPTH_OBLIVIOUS" \
    test "$(grep -c 'error: priority/tailfold: PriorityFlags=DEPTH_OBLIVIOUS is not supported' "$mc_dir/log/slurmctld.stderr")" = 1
check "the scheduler thread runs, named tfsched" grep -qx tfsched <<<"$threads"
check "the priority thread runs, named tfdecay" grep -qx tfdecay <<<"$threads"

# 16 CPUs; 12 jobs of 4 CPUs from alice and bob, so 8 wait.
ids=()
for i in 1 2 3 4 5 6; do
    ids+=("$(submit alice -n 4 -t 1 -J "a$i" --wrap 'sleep 4')")
    ids+=("$(submit bob -n 4 -t 1 -J "b$i" --wrap 'sleep 4')")
done
sleep 1

# sprio lists the pending jobs, and its PRIORITY is the job's real priority.
pending=$(squeue -h -t PD -o '%i %Q' | sort -n)
sprio_out=$(sprio -h -o '%i %Y')
check "some jobs are pending ($(wc -l <<<"$pending"))" test "$(wc -l <<<"$pending")" -ge 4
mismatch=0
while read -r id prio; do
    [ -n "$id" ] || continue
    got=$(awk -v j="$id" '$1 == j {print $2}' <<<"$sprio_out")
    [ "$got" = "$prio" ] || { echo "  job $id: sprio $got, squeue %Q $prio"; mismatch=1; }
done <<<"$pending"
check "sprio PRIORITY equals squeue %Q for every pending job" test $mismatch = 0
last_pending=$(tail -1 <<<"$pending" | cut -d' ' -f1)  # the last to start
check "sprio -j shows only that job" test "$(sprio -h -j "$last_pending" -o %i | tr -d ' ')" = "$last_pending"
check "sprio -u bob shows only bob's jobs" \
    test -z "$(sprio -h -u bob -o %u | tr -d ' ' | grep -vx bob)"
check "sprio -l answers" sprio -l >/dev/null

check "all jobs leave the queue within 90 s" wait_queue_empty 90
if [ "${slurm_release%%.*}" -ge 24 ]; then
    # 24.11's sdiag counts why each backfill pass ended.
    ends=$(sdiag | awk -F: '/^Backfill exit/ { b = 1 } b && /End of job queue/ { gsub(/[ \t]/, "", $2); print $2; exit }')
    check "sdiag counts backfill passes that reached the end of the queue (${ends:-none})" \
        test "${ends:-0}" -ge 1
fi
sleep 2   # slurmdbd gets job end records asynchronously
states=$(sacct -X -n -P -j "$(IFS=,; echo "${ids[*]}")" -o User,State)
check "12 jobs recorded by slurmdbd" test "$(wc -l <<<"$states")" = 12
check "every job COMPLETED" test -z "$(grep -v '|COMPLETED$' <<<"$states")"
check "alice's and bob's jobs both ran" test "$(cut -d'|' -f1 <<<"$states" | sort -u | tr '\n' ' ')" = "alice bob "

# sshare loads the plugin in its own process (classic fair share) and its
# FairShare column is 2^(-EffectvUsage/NormShares) (dampening 1).
sshare_out=$(LD_DEBUG=files sshare -a -P -o Account,User,NormShares,EffectvUsage,FairShare 2>"$mc_dir/log/sshare.debug") ||
    fail "sshare exited non-zero"
check "sshare dlopen()s priority_tailfold.so" grep -q "file=.*plugins/priority_tailfold.so" "$mc_dir/log/sshare.debug"
# Anything sshare prints to stderr besides the loader's trace is noise or an error.
check "sshare prints nothing on stderr" test -z "$(grep -v '^ *[0-9]*:' "$mc_dir/log/sshare.debug")"
bad_fs=$(awk -F'|' '$2 != "" && NR > 1 {
        want = ($3 > 0) ? 2 ^ (-$4 / $3) : 0
        if ($5 - want > 0.000002 || want - $5 > 0.000002) print $2, $5, want }' <<<"$sshare_out")
check "sshare FairShare = 2^(-U/S) for each user" test -z "$bad_fs"
check "sshare lists alice" grep -q '|alice|' <<<"$sshare_out"

# A clean stop: slurmctld ends by itself on SIGTERM (the thread joins).
pid=$(cat "$mc_dir/pids/slurmctld.pid")
kill -TERM "$pid"
for _ in $(seq 100); do [ -z "$(marked_processes "$mc_dir" | grep -x "$pid")" ] && break; sleep 0.1; done
check "slurmctld exits within 10 s of SIGTERM" test -z "$(marked_processes "$mc_dir" | grep -x "$pid")"
finish
