#!/usr/bin/env bash
# Jobs that may not start yet get an expected start too: sched/tailfold
# places jobs that wait for a begin time or for other jobs in its
# forecast from the time they may start (src/core/ready_time), and
# slurmctld's reason (Dependency, BeginTime) stays.  Stock shows N/A for
# a job with a dependency.
#
# 4 nodes x 4 CPUs (test/cluster/backfill-cluster.conf: priorities by
# --nice only), bf_resolution=1, every limit in whole minutes; a waiting
# job enters the forecast in priority order among the queue's jobs:
#   R   16 CPUs, limit 3 min (runs): the cluster is full until R0 + 180
#   A   16 CPUs, limit 2 min: in the queue, expected at R0 + 180
#   B   4 CPUs, limit 1, afterok:A          -> A's start + 120
#   C   4 CPUs, limit 1, afterany:B         -> B's start + 60 (a chain)
#   D   4 CPUs, limit 1, --begin=now+10min  -> its begin time (all free)
#   E   4 CPUs, limit 1, after:R+1          -> free from R0 + 60, but the
#       cluster is R's then A's until R0 + 300: beside B
#   F   4 CPUs, limit 1, afterok:R?afterok:C (any one): free from R's
#       end, so beside B and E (all of them: C's end)
#   ARR a job array of 2 x 16 CPUs, limit 1, in the queue but of lower
#       priority than all of the above: after them
#   G   4 CPUs, afterok of the whole job array: not foreseen, no start
#   H   a job array of 2 x 4 CPUs, limit 1, afterok:B, of the lowest
#       priority: both tasks from B's end, beside C, before ARR (which
#       needs all 16 CPUs once C and H end)
# run-all: light (it waits for passes)
source "$(dirname "$0")/lib.sh"
cluster_up --cluster-file "$top/test/cluster/backfill-cluster.conf" >/dev/null

R=$(submit alice -n 16 -t 3 -J R --wrap 'sleep 600')
wait_state "$mc_dir" "$R" RUNNING 30 || fail "R did not start"
r0=$(ep "$(squeue -h -j "$R" -o %S)")
A=$(submit alice -n 16 -t 2 --nice=10 -J A --wrap 'sleep 600')
B=$(submit bob -n 4 -t 1 --nice=20 -J B --dependency=afterok:"$A" --wrap 'sleep 600')
C=$(submit bob -n 4 -t 1 --nice=30 -J C --dependency=afterany:"$B" --wrap 'sleep 600')
D=$(submit bob -n 4 -t 1 --nice=40 -J D --begin=now+600 --wrap 'sleep 600')
E=$(submit bob -n 4 -t 1 --nice=50 -J E --dependency=after:"$R"+1 --wrap 'sleep 600')
F=$(submit bob -n 4 -t 1 --nice=60 -J F --dependency="afterok:$R?afterok:$C" --wrap 'sleep 600')
ARR=$(submit alice -n 16 -t 1 --nice=70 -J ARR --array=0-1 --wrap 'sleep 600')
G=$(submit bob -n 4 -t 1 --nice=80 -J G --dependency=afterok:"$ARR" --wrap 'sleep 600')
H=$(submit bob -n 4 -t 1 --nice=90 -J H --array=0-1 --dependency=afterok:"$B" --wrap 'sleep 600')
d_begin=$(ep "$(scontrol show job "$D" | sed -n 's/.*EligibleTime=\([^ ]*\).*/\1/p')")

# Until a pass has given C (the end of the chain) a start.
start_of() { ep "$(squeue -h -j "$1" -o %S)"; }
end=$((SECONDS + 40))
until [ "$(start_of "$C")" != - ] || [ $SECONDS -ge $end ]; do sleep 1; done
sleep 3  # one more pass: starts settle
a=$(start_of "$A") b=$(start_of "$B") c=$(start_of "$C") d=$(start_of "$D") e=$(start_of "$E")
f=$(start_of "$F") g=$(start_of "$G") h=$(ep "$(squeue -h -j "$H" -o %S | head -1)")
log "R0=$r0 A=$a B=$b C=$c D=$d (begin $d_begin) E=$e F=$f G=$g H=$h"

near() {  # what got want: within 2 s
    if [ "$2" = - ]; then fail "$1: no expected start (want $3)"; return; fi
    local diff=$(($2 - $3))
    if [ ${diff#-} -le 2 ]; then pass "$1: expected start $2 (want $3)"
    else fail "$1: expected start $2, want $3 (off by $diff s)"; fi
}
near "A (queued)" "$a" $((r0 + 180))
[ "$a" = - ] && a=$((r0 + 180))
near "B (afterok:A)" "$b" $((a + 120))
[ "$b" = - ] && b=$((a + 120))
near "C (afterany:B, a chain)" "$c" $((b + 60))
near "D (--begin)" "$d" "$d_begin"
near "E (after:R+1, busy cluster)" "$e" $((a + 120))
near "F (afterok:R or afterok:C)" "$f" $((a + 120))
check "G (afterok of a whole job array): no start" test "$g" = -
near "H (a job array, afterok:B)" "$h" $((b + 60))

# Slurm's reasons stay.
reason() { squeue -h -j "$1" -o %r; }
for j in B C E F G H; do
    id=${!j}
    check "$j keeps the reason Dependency" test "$(reason "$id" | sort -u)" = Dependency
done
check "D keeps the reason BeginTime" test "$(reason "$D")" = BeginTime
scancel "$R" "$A" "$B" "$C" "$D" "$E" "$F" "$ARR" "$G" "$H" 2>/dev/null || true
finish
