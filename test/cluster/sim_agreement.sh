#!/usr/bin/env bash
# tailfold-sim and the plugins agree: a dozen jobs of two users, all
# eligible at once (submitted to a down partition that then comes up), run
# on the mini-cluster under priority/tailfold + sched/tailfold; then the
# same jobs (each with the runtime it really had) are replayed by
# tailfold-sim with the cluster's own slurm.conf and its node size.  The
# order in which jobs start must be the same: for every two jobs that the
# simulator starts at least 2 s apart, the cluster starts them in the same
# order (jobs the simulator starts within 2 s of each other form one wave,
# whose inner order the cluster's 1 s clock cannot tell).
#
# The sleeps are such that no decision hangs on which of two jobs ends
# first (checked by replaying the set in tailfold-sim with every runtime
# moved by -1..+2 s, 25 times): the cluster's ends come fractions of a
# second apart where a trace's whole seconds make them simultaneous (two
# 5 s jobs started 0.8 s apart may end in either order).  Eight waves; jobs 6, 10, 5, 8, 9 and 12 are backfilled ahead of
# higher-priority ones.
#
# Priority here is the duration boost alone (other weights 0), so the order
# comes from the limits and the backfill, not from fair-share usage that a
# decay pass may or may not have charged yet.
source "$(dirname "$0")/lib.sh"
sim=$top/src/programs/tailfold-sim
cluster_up --set PriorityWeightFairshare=0 --set PriorityWeightAge=0 --set PriorityWeightJobSize=0 \
    --set PriorityWeightPartition=0 --set PriorityWeightQOS=0 \
    --set PriorityParameters=duration_weight=2000,duration_source=limit,duration_max=10h,duration_scope=queue \
    --set SchedulerParameters=bf_interval=1,bf_resolution=1,bf_reservations=1 >/dev/null

# user CPUs limit_minutes sleep_seconds (16 CPUs: 4 nodes x 4)
jobs=(
    "alice 16 2 13" "bob 8 5 7" "alice 8 5 15" "bob 12 3 4" "alice 4 1 5" "bob 2 1 20"
    "alice 16 4 6" "bob 4 2 14" "alice 1 1 4" "bob 6 3 19" "alice 10 2 9" "bob 3 1 4"
)
scontrol update PartitionName=debug State=DOWN
ids=()
for j in "${jobs[@]}"; do
    read -r user cpus lim secs <<<"$j"
    ids+=("$(submit "$user" -n "$cpus" -t "$lim" --wrap "sleep $secs")")
done
scontrol update PartitionName=debug State=UP
wait_queue_empty 240 || fail "the jobs did not finish in 240 s"
sleep 2
# id start_epoch elapsed state
sacct -X -n -P -j "$(IFS=,; echo "${ids[*]}")" -o JobIDRaw,Start,ElapsedRaw,State |
    while IFS='|' read -r id start el state; do
        echo "$id $(date -d "$start" +%s) $el $state"
    done | sort -n > "$mc_dir/cluster.txt"
check "all ${#ids[@]} jobs completed on the cluster" test "$(grep -c COMPLETED "$mc_dir/cluster.txt")" = ${#ids[@]}

# The same jobs as an SWF trace: submitted at 0, the runtime each really had.
{
    echo "; MaxProcs: 16"
    i=0
    while read -r id start el state; do
        read -r user cpus lim secs <<<"${jobs[$i]}"
        uid=$(id -u "$user")
        echo "$id 0 -1 $el $cpus -1 -1 $cpus $((lim * 60)) -1 1 $uid $uid 1 1 -1 -1 -1"
        i=$((i + 1))
    done < "$mc_dir/cluster.txt"
} > "$mc_dir/jobs.swf"
"$sim" --quiet --swf "$mc_dir/jobs.swf" --policy tailfold --slurm-conf "$SLURM_CONF" \
    --cpus-per-node 4 --jobs-csv "$mc_dir/sim" > "$mc_dir/sim.json" 2> "$mc_dir/sim.err"
check "the simulator ran" test -s "$mc_dir/sim-tailfold.csv"

compare=$(python3 - "$mc_dir/cluster.txt" "$mc_dir/sim-tailfold.csv" <<'PY'
import csv, sys
cluster = {}
t0 = None
for line in open(sys.argv[1]):
    jid, start, _, _ = line.split()
    cluster[jid] = int(start)
t0 = min(cluster.values())
sim = {r["id"]: int(r["start"]) for r in csv.DictReader(open(sys.argv[2]))}
print("job  cluster  sim   (start, s after the first)")
for jid in sorted(cluster, key=lambda j: (sim.get(j, -1), cluster[j])):
    print("%4s %7d %5d" % (jid, cluster[jid] - t0, sim.get(jid, -1)))
bad = []
for a in cluster:
    for b in cluster:
        if sim.get(a, -1) < 0 or sim.get(b, -1) < 0:
            bad.append((a, b, "not started in the simulation")); continue
        if sim[b] - sim[a] >= 2 and cluster[a] > cluster[b]:
            bad.append((a, b, "sim starts %s %d s before %s, the cluster %d s after" %
                        (a, sim[b] - sim[a], b, cluster[a] - cluster[b])))
for x in bad:
    print("MISMATCH:", x[2])
print("pairs out of order:", len(bad))
PY
)
sed "s/^/[$test_name] /" <<<"$compare"
check "the simulator starts the jobs in the cluster's order" grep -q "pairs out of order: 0$" <<<"$compare"
finish
