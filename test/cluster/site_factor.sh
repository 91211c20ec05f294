#!/usr/bin/env bash
# site_factor/tailfold under stock priority/multifactor: the duration boost
# becomes the site factor (sprio's SITE); a bad parameter is named; and
# tailfold-estimates show lists each pending job's expected runtime.
source "$(dirname "$0")/lib.sh"
weight=10000
cluster_up --set PriorityType=priority/multifactor \
    --set PrioritySiteFactorPlugin=site_factor/tailfold \
    --set PrioritySiteFactorParameters=duration_weight=$weight,duration_source=limit \
    --set PriorityWeightAge=0 --set PriorityWeightFairshare=0 --set PriorityWeightJobSize=0 \
    --set PriorityWeightPartition=0 --set PriorityWeightQOS=0 >/dev/null
check "slurmctld logs site_factor/tailfold" grep -q "site_factor/tailfold: tailfold .* loaded" "$mc_dir/log/slurmctld.stderr"
scontrol update PartitionName=debug State=DOWN
declare -A limit_of
for t in 1 10 30 60; do
    id=$(submit alice -n 1 -t "$t" -J "lim$t" --wrap 'sleep 1')
    limit_of[$id]=$t
done
sleep 1
rows=$(sprio -h -o '%i %S %Y' | sort -n)
bad=""
for id in "${!limit_of[@]}"; do
    # Largest partition MaxTime is 600 min: log(t/60 s)/log(36000 s/60 s).
    want=$(awk -v t="${limit_of[$id]}" -v w=$weight 'BEGIN {
        s = t * 60; f = (s <= 60) ? 0 : log(s / 60) / log(36000 / 60); printf "%d", int(w * f) }')
    got=$(awk -v j="$id" '$1 == j {print $2}' <<<"$rows")
    [ "$got" = "$want" ] || bad+=" job $id: SITE $got, want $want;"
done
[ -z "$bad" ] || echo "   $bad"
check "multifactor's SITE is tailfold's weighted duration factor" test -z "$bad"
check "some boost is non-zero" test "$(awk '$2 > 0' <<<"$rows" | wc -l)" -ge 3

show=$("$top/tools/tailfold-estimates" show)
echo "$show" | sed 's/^/    /'
for id in "${!limit_of[@]}"; do
    line=$(awk -v j="$id" '$1 == j' <<<"$show")
    want=$(printf '%d:%02d:00' $((limit_of[$id] / 60)) $((limit_of[$id] % 60)))
    check "tailfold-estimates show: job $id expects its limit $want" \
        awk -v w="$want" '{ exit !($(NF-1) == w && $NF == "limit" && $(NF-2) == w) }' <<<"$line"
done

# A bad parameter: the plugin refuses to load and says which key.
mc down --dir "$mc_dir" >/dev/null
mc up --dir "$mc_dir" --port-base "$port_base" --fresh --set PriorityType=priority/multifactor \
    --set PrioritySiteFactorPlugin=site_factor/tailfold \
    --set PrioritySiteFactorParameters=duration_weight=lots >/dev/null 2>&1 || true
check "the bad PrioritySiteFactorParameters value is named" \
    grep -q "PrioritySiteFactorParameters: duration_weight=lots" "$mc_dir/log/slurmctld.stderr"
finish
