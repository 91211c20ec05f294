#!/usr/bin/env bash
# bf_starve_age: a wide job that backfill keeps passing over gets a held
# start once it has waited that long.  16 CPUs; with bf_reservations=0 no
# job holds a start (first fit), so a 16-CPU job W waits while 4-CPU jobs
# of 20 s, submitted two every 8 s, keep taking whatever CPUs free up.
#   1. bf_starve_age off: W is still pending after 50 s, with no planned
#      start, while later small jobs have started;
#   2. scontrol reconfigure with bf_starve_age=10s (and bf_order=shortest,
#      so the pass's reordering past the depth runs too): W gets a planned
#      start (squeue --start), slurmctld's log says a starving job holds
#      one, no small job submitted after that starts before W, and W runs.
source "$(dirname "$0")/lib.sh"
sched="bf_interval=1,bf_resolution=1,bf_window=60,bf_reservations=0"
cluster_up --cluster-file "$top/test/cluster/backfill-cluster.conf" \
    --set PriorityType=priority/tailfold --set "SchedulerParameters=$sched" >/dev/null
small() { submit alice -n 4 -t 1 -J small --wrap "sleep ${1:-20}"; }
# Fillers ending 5 s apart: the 16 CPUs never come free at once.
for s in 12 17 22 27; do small "$s" >/dev/null; done
sleep 2
W=$(submit alice -n 16 -t 1 -J wide --wrap 'sleep 5')
( for _ in $(seq 30); do small >/dev/null; small >/dev/null; sleep 8; done ) &
feeder=$!
trap 'kill $feeder 2>/dev/null; mc down --dir "$mc_dir" >/dev/null 2>&1 || true' EXIT
sleep 50
state=$(squeue -h -j "$W" -o %T)
check "without bf_starve_age W is still pending after 50 s ($state)" test "$state" = PENDING
# Past the depth a job gets an estimate (StartTime) but holds nothing: no
# SchedNodes.
sched_nodes() { squeue -h -j "$W" -t PD -o %Y 2>/dev/null | tr -d ' '; }
held=$(sched_nodes)
check "... and holds no start (SchedNodes '${held:-}')" test -z "$held" -o "$held" = "(null)"
started_smalls=$(sacct -X -n -P -u alice --name small -S now-2minutes -o JobID,Start | awk -F'|' -v w="$W" '$1 > w && $2 != "Unknown"' | wc -l)
check "small jobs submitted after W started meanwhile ($started_smalls)" test "$started_smalls" -gt 0

mc conf --dir "$mc_dir" --set "SchedulerParameters=$sched,bf_starve_age=10s,bf_order=shortest"
scontrol reconfigure
t_conf=$(date +%s)
held= planned=-
for _ in $(seq 40); do
    held=$(sched_nodes)
    planned=$(ep "$(squeue -h -j "$W" -t PD -o %S 2>/dev/null)")
    [ -n "$held" ] && [ "$held" != "(null)" ] && break
    [ "$(squeue -h -j "$W" -o %T)" = RUNNING ] && break
    sleep 0.5
done
check "with bf_starve_age=10s W holds a planned start (SchedNodes $held, start $planned)" \
    test -n "$held" -a "$held" != "(null)"
log_line=$(grep -c 'pending longer than bf_starve_age hold planned starts' "$mc_dir/log/slurmctld.log")
check "slurmctld's log says a starving job holds a start ($log_line lines)" test "$log_line" -gt 0
wait_state "$mc_dir" "$W" RUNNING 120 || fail "W did not start within 120 s of the reconfigure"
w_start=$(ep "$(squeue -h -j "$W" -t all -o %S)")
log "W first held at $planned (the small jobs' limits), started at $w_start ($((w_start - t_conf)) s after the reconfigure; they end before their limits)"
# Small jobs submitted once W held its start must not start before it.
late=$(sacct -X -n -P -u alice --name small -S now-5minutes -o Submit,Start |
    awk -F'|' -v c="$t_conf" -v w="$w_start" '{ cmd = "date -d " $1 " +%s"; cmd | getline s; close(cmd)
        if ($2 == "Unknown" || $2 == "None") next
        cmd = "date -d " $2 " +%s"; cmd | getline t; close(cmd)
        if (s > c + 3 && t < w) n++ } END { print n + 0 }')
check "no small job submitted after W's hold started before W ($late)" test "$late" = 0
kill $feeder 2>/dev/null
finish
