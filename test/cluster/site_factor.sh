#!/usr/bin/env bash
# site_factor/tailfold under stock priority/multifactor: the duration boost
# becomes the site factor (sprio's SITE), and tailfold-estimates show lists
# each pending job's expected runtime.  (A bad parameter: bad_config.sh.)
source "$(dirname "$0")/lib.sh"
weight=10000
cluster_up --set PriorityType=priority/multifactor \
    --set PrioritySiteFactorPlugin=site_factor/tailfold \
    --set PrioritySiteFactorParameters=duration_weight=$weight,duration_source=limit \
    --set PriorityWeightAge=0 --set PriorityWeightFairshare=0 --set PriorityWeightJobSize=0 \
    --set PriorityWeightPartition=0 --set PriorityWeightQOS=0 >/dev/null
check "slurmctld logs site_factor/tailfold" grep -q "site_factor/tailfold: tailfold .* loaded" "$mc_dir/log/slurmctld.stderr"
scontrol update PartitionName=debug State=DOWN
jobs=$(submit_by_limit alice 1 10 30 60)
sleep 1
# Largest partition MaxTime is 600 min.
bad=$(site_boost_mismatches $weight 36000 <<<"$jobs")
[ -z "$bad" ] || echo "$bad" | sed 's/^/    /'
check "multifactor's SITE is tailfold's weighted duration factor" test -z "$bad"
check "some boost is non-zero" test "$(sprio -h -o %S | awk '$1 > 0' | wc -l)" -ge 3

show=$("$top/src/programs/tailfold-estimates" show)
echo "$show" | sed 's/^/    /'
while read -r id t; do
    line=$(awk -v j="$id" '$1 == j' <<<"$show")
    want=$(printf '%d:%02d:00' $((t / 60)) $((t % 60)))
    check "tailfold-estimates show: job $id expects its limit $want" \
        awk -v w="$want" '{ exit !($(NF-1) == w && $NF == "limit" && $(NF-2) == w) }' <<<"$line"
done <<<"$jobs"

# A finished job is learned and the store written, by the plugin's own
# thread "tfstore" (update() runs under the job write lock, where no file
# is written).
pid=$(cat "$mc_dir/pids/slurmctld.self.pid")
check "slurmctld has the store writer thread tfstore" grep -qx tfstore /proc/"$pid"/task/*/comm
scontrol update PartitionName=debug State=UP
learn=$(submit alice -n 1 -t 1 -J learnme --wrap 'sleep 1')
store=$mc_dir/state/tailfold_estimates.json
for _ in $(seq 150); do
    grep -q '"learnme"' "$store" 2>/dev/null && break
    sleep 1
done
check "job $learn (learnme) is in the saved store" grep -q '"learnme"' "$store"

finish
