#!/usr/bin/env bash
# Chain credit on the dependencies a site has besides a plain chain, on one
# tailfold cluster (chain_credit=on, DebugFlags=Priority, so slurmctld logs
# each successor's credit when it becomes eligible):
#   A   a job array of 4 tasks (4 CPUs each) that waits behind a
#       whole-cluster blocker for 30 s, then runs until the test ends it
#   C   an array of 2 tasks, afterok on the whole of A
#   S1  afterok on A, named "single";  S2 named "single" too, singleton:
#       it waits on S1 (the same user and name)
#   M   bob's job afterok on alice's A: another user, no credit
# The partition is down whenever the test ends a predecessor, so the
# successors wait eligible through a priority pass: C and S1 take A's
# 30 s; M none; S2 S1's wait plus S1's credit.  The passes run on (a
# nested walk of slurmctld's job list in the pass once deadlocked it).
# run-all: light (it mostly waits for priority passes)
source "$(dirname "$0")/lib.sh"
cluster_up --set PriorityWeightAge=10000 --set PriorityMaxAge=00:10:00 \
    --set PriorityParameters=duration_weight=2000,chain_credit=on --set DebugFlags=Priority >/dev/null
rm -rf "$mc_dir/go"
mkdir -p "$mc_dir/go"
chmod 777 "$mc_dir/go"
ctl_log=$mc_dir/log/slurmctld.log
waits() { echo "while [ ! -e $mc_dir/go/$1 ]; do sleep 0.2; done"; }
sub() { local u=$1; shift; submit "$u" -t 10 "$@"; }
part() { scontrol update PartitionName=debug State="$1"; }
# credit_of ID: the seconds of credit slurmctld logged for the job (or -).
credit_of() {
    local c
    c=$(grep -E "JobId=$1([_ ].*)? is eligible with [0-9]+ s of its chain" "$ctl_log" | tail -1 |
        sed -E 's/.* with ([0-9]+) s of .*/\1/')
    echo "${c:--}"
}
pass_after_now() { local t; t=$(date +%s); wait_pass_after "$mc_dir" "$t" || fail "no priority pass after $t"; }

b=$(sub alice -n 16 --wrap "$(waits B)")
wait_state "$mc_dir" "$b" RUNNING 30 || fail "the blocker did not start"
a=$(sub alice -n 4 --array=0-3 --wrap "$(waits A)")
c=$(sub alice -n 4 --array=0-1 --dependency=afterok:"$a" --wrap 'sleep 1')
s1=$(sub alice -n 16 -J single --dependency=afterok:"$a" --wrap "$(waits S1)")
s2=$(sub alice -n 16 -J single --dependency=singleton --wrap 'sleep 1')
m=$(sub bob -n 4 --dependency=afterok:"$a" --wrap 'sleep 1')
log "blocker $b, array A $a, array C $c, S1 $s1, S2 $s2 (singleton), bob's M $m"
sleep 30
touch "$mc_dir/go/B"
end=$((SECONDS + 30))
until [ "$(squeue -h -j "$a" -t R -o %i | wc -l)" = 4 ]; do
    [ $SECONDS -lt $end ] || { fail "A's tasks did not all start"; break; }
    sleep 0.5
done
pass_after_now   # A's tasks running: the successors' credit so far
part DOWN
touch "$mc_dir/go/A"
until [ -z "$(squeue -h -j "$a" -o %i)" ]; do sleep 0.5; done
sleep 2
pass_after_now   # C, S1 and M eligible (the partition is down): settled
ca=$(credit_of "$c") cs1=$(credit_of "$s1") cm=$(credit_of "$m")
log "credits: C $ca s, S1 $cs1 s, M $cm s"
check "the array C takes A's 30 s wait ($ca s)" awk -v c="$ca" 'BEGIN { exit !(c != "-" && c >= 20 && c <= 45) }'
check "S1 takes A's 30 s wait ($cs1 s)" awk -v c="$cs1" 'BEGIN { exit !(c != "-" && c >= 20 && c <= 45) }'
check "bob's M takes nothing from alice's chain ($cm s)" test "$cm" = 0
part UP
wait_state "$mc_dir" "$s1" RUNNING 60 || fail "S1 did not start"
pass_after_now
part DOWN
touch "$mc_dir/go/S1"
until [ -z "$(squeue -h -j "$s1" -o %i)" ]; do sleep 0.5; done
sleep 2
pass_after_now   # S2, a singleton, eligible now
cs2=$(credit_of "$s2")
# S1 waited from A's end to the partition's coming up (a pass or more).
s1_wait=$(( $(ep "$(sacct -X -n -P -j "$s1" -o Start)") - $(ep "$(sacct -X -n -P -j "$s1" -o Eligible)") ))
log "S2's credit $cs2 s; S1 waited $s1_wait s and carried $cs1 s"
check "the singleton S2 takes S1's wait plus S1's credit ($cs2 s, want $((s1_wait + cs1)) +- 3)" \
    awk -v c="$cs2" -v w=$((s1_wait + cs1)) 'BEGIN { exit !(c != "-" && c >= w - 3 && c <= w + 3) }'
part UP
wait_queue_empty 60 || fail "the jobs did not finish"
check "slurmctld answers" bash -c "scontrol ping >/dev/null"
check "no chain-book error" bash -c "! grep -q 'priority_tailfold_chains' <(grep error: '$ctl_log')"
finish
