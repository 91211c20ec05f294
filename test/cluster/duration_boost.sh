#!/usr/bin/env bash
# The duration boost in a real slurmctld: sprio shows the boost in SITE and
# the priority adds up, it survives a restart, and runtimes are learned from
# finished jobs into the store.
# (Bad values: bad_config.sh; a damaged store: damaged_state.sh.)
source "$(dirname "$0")/lib.sh"

# 1. The boost from time limits.  Partitions' largest MaxTime is 600 min, so
#    the factor is log(t/60 s)/log(36000 s/60 s).
weight=10000
# Partitions DOWN in slurm.conf too, so the jobs stay pending across the
# restart of step 2 (see partitions_down_file).
cluster_up --cluster-file "$(partitions_down_file "$top/etc/minicluster/cluster.conf")" \
    --set PriorityParameters=duration_weight=$weight,duration_source=limit,duration_scope=queue \
    --set PriorityWeightAge=0 --set PriorityWeightFairshare=0 --set PriorityWeightJobSize=0 \
    --set PriorityWeightPartition=0 --set PriorityWeightQOS=0 >/dev/null
jobs=$(submit_by_limit alice 1 10 30 60)
sleep 1
site_rows() { sprio -h -o '%i %S %Y' | sort -n; }
rows=$(site_rows)
bad=$(site_boost_mismatches $weight 36000 <<<"$jobs")
[ -z "$bad" ] || echo "$bad" | sed 's/^/    /'
check "sprio SITE is the weighted duration factor of each job's limit" test -z "$bad"
prio_ok=$(join <(squeue -h -t PD -o '%i %Q' | sort) <(sprio -h -o '%i %Y' | sort) | awk '$2 != $3 {bad = 1} END {print bad ? "no" : "yes"}')
check "sprio PRIORITY equals squeue %Q with the boost" test "$prio_ok" = yes
check "longer limits rank higher" \
    test "$(sort -k3,3n <<<"$rows" | awk '{print $1}' | tr '\n' ' ')" = "$(sort -k2,2n <<<"$jobs" | awk '{print $1}' | tr '\n' ' ')"

# 2. The same boost after a restart.
mc restart --dir "$mc_dir" >/dev/null
check "after a restart sprio shows the same boost" test "$(site_rows)" = "$rows"

# 3. Learning: two runs of one job name are recorded in the store at the
#    next pass (PriorityCalcPeriod=1).
mc conf --dir "$mc_dir" --set PriorityParameters=duration_weight=10000,duration_source=history,duration_scope=queue
scontrol reconfigure
scontrol update PartitionName=debug State=UP
scancel -u alice
for i in 1 2; do submit bob -n 1 -t 30 -J teach --wrap 'sleep 3' >/dev/null; done
wait_queue_empty 60 || fail "teaching jobs did not finish"
store=$mc_dir/state/tailfold_estimates.json
uid=$(id -u bob)
learned() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(str(e["runs"]) + ":" + ",".join(map(str, e["last"])) for e in d["entries"]
               if e.get("name") == "teach" and e["uid"] == int(sys.argv[2])))' "$store" "$uid" 2>/dev/null; }
for _ in $(seq 90); do [ -n "$(learned)" ] && break; sleep 1; done
got=$(learned)
check "the store learned bob's two runs of 'teach' ($got)" grep -Eq '^2:[3-5],[3-5]$' <<<"$got"
scontrol update PartitionName=debug State=DOWN
id=$(submit bob -n 1 -t 60 -J teach --wrap 'sleep 1')
sleep 1
check "a pending 'teach' job with a 1 h limit gets no boost: its history says a few seconds" \
    test "$(sprio -h -j "$id" -o %S | tr -d ' ')" = 0
scancel "$id"

finish
