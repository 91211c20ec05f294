#!/usr/bin/env bash
# The example configuration in etc/priority/kestrel-style.* works as its
# comments say: its slurm.conf lines load, its sacctmgr script runs, sprio
# shows its weights, and the high QoS adds its full QoS weight.
source "$(dirname "$0")/lib.sh"
example=$top/etc/priority/kestrel-style
sets=()
while IFS= read -r line; do sets+=(--set "${line%%#*}"); done \
    < <(grep -E '^(Priority|Preempt)[A-Za-z]*=' "$example.conf")
cluster_up --cluster-file "$top/test/cluster/bare-cluster.conf" "${sets[@]}" >/dev/null
for u in alice bob; do id -u "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u"; done
run_example() { sed 's/CLUSTER/bare/g' "$example.sacctmgr" | sh > "$mc_dir/log/example-sacctmgr.log" 2>&1; }
check "the example's sacctmgr script runs" run_example
conf=$(scontrol show config)
check "PriorityType is priority/tailfold" grep -Eq '^PriorityType += priority/tailfold$' <<<"$conf"
check "PreemptType is preempt/qos" grep -Eq '^PreemptType += preempt/qos$' <<<"$conf"
# sprio -w: SITE AGE FAIRSHARE JOBSIZE PARTITION QOS
check "sprio -w shows the example's weights: age 4%, fair share 52%, size 29%, partition 5%, QoS 10%" \
    test "$(sprio -w | awk '$1 == "Weights" {print $3, $4, $5, $6, $7}')" = "4000 52000 29000 5000 10000"
# The association changes reach slurmctld asynchronously.
for _ in $(seq 50); do sacctmgr -n -P show assoc user=alice format=qos | grep -q high && break; sleep 0.2; done
scontrol update PartitionName=main State=DOWN
hi=$(submit alice -n 1 -t 10 --qos=high --wrap 'sleep 1')
lo=$(submit bob -n 1 -t 10 --wrap 'sleep 1')
sleep 1
qos_hi=$(sprio -h -j "$hi" -o '%Q' | tr -d ' ')
qos_lo=$(sprio -h -j "$lo" -o '%Q' | tr -d ' ')
check "a high job's QoS factor is the whole QoS weight ($qos_hi)" test "$qos_hi" = 10000
check "a normal job's QoS factor is 0 ($qos_lo)" test "$qos_lo" = 0
check "usage factors are 2 (high) and 0 (standby)" \
    test "$(sacctmgr -n -P show qos high,standby format=name,usagefactor | sort | tr '\n' ' ')" = "high|2.000000 standby|0.000000 "
finish
