#!/usr/bin/env bash
# Classic fair share (PriorityFlags=NO_FAIR_TREE) gives the numbers of
# priority/multifactor, and usage survives restarts.  One cluster, no decay
# (PriorityDecayHalfLife=0 with a yearly reset) so usage holds still:
#   1. priority/multifactor builds usage and ranks pending jobs;
#   2. slurmctld restarts with priority/tailfold on the same state: sshare's
#      usage and every sprio factor equal stock's;
#   3. tailfold restarts (SIGTERM), then is killed (SIGKILL) and restarts:
#      usage is the same each time, and the last-decay file is kept;
#   4. PriorityFlags switched between Fair Tree and classic by scontrol
#      reconfigure: the normalised shares are those of a restart.
# The partitions are DOWN in slurm.conf as well as by scontrol (see
# partitions_down_file): pending jobs that started after a restart would
# charge usage, and on a busy machine the check of sshare after the
# SIGKILL restart can come a minute late, after they have run.
source "$(dirname "$0")/lib.sh"
cluster_file=$(partitions_down_file "$top/test/cluster/equivalence-cluster.conf")
weights=(PriorityWeightAge=1000 PriorityWeightFairshare=100000 PriorityWeightJobSize=2000
         PriorityWeightPartition=3000 PriorityWeightQOS=5000 PriorityWeightAssoc=700
         PriorityWeightTRES=CPU=400,Mem=150 PriorityFlags=NO_FAIR_TREE
         PriorityDecayHalfLife=0 PriorityUsageResetPeriod=YEARLY)
sets=()
for s in "${weights[@]}"; do sets+=(--set "$s"); done
cluster_up --cluster-file "$cluster_file" --set PriorityType=priority/multifactor "${sets[@]}" >/dev/null
state=$mc_dir/state/priority_last_decay_ran
pass_time() { stat -c %Y "$state" 2>/dev/null || echo 0; }
wait_pass_after() {
    local end=$((SECONDS + 100))
    while [ "$(pass_time)" -le "$1" ]; do [ $SECONDS -lt $end ] || return 1; sleep 1; done
}
restart_with() {  # PriorityType [--kill]
    local t
    t=$(date +%s)
    mc restart --dir "$mc_dir" --set "PriorityType=$1" ${2:-} >/dev/null
    wait_pass_after "$t" || fail "no priority pass within 100 s of the restart with $1"
}
sprio_rows() { sprio -h -o '%i|%r|%u|%Y|%S|%A|%B|%F|%J|%P|%Q|%N|%T' | tr -d ' ' | sort; }
sshare_rows() { sshare -a -l -P -n -o Account,User,RawShares,NormShares,RawUsage,NormUsage,EffectvUsage,FairShare; }
# Rows equal, numbers within `tol` (absolute), age columns (4 and 6) within age_tol.
compare() {  # label a b tol age_tol
    local d
    d=$(paste -d'#' <(echo "$2") <(echo "$3") | awk -F"#" -v tol="$4" -v atol="${5:-}" '
        { na = split($1, a, "|"); nb = split($2, b, "|")
          if (na != nb) { print "row shape:", $1, "vs", $2; next }
          for (i = 1; i <= na; i++) {
              if (a[i] == b[i]) continue
              if (a[i] !~ /^-?[0-9.]+$/ || b[i] !~ /^-?[0-9.]+$/) { print a[1], a[2], "field", i, a[i], "vs", b[i]; continue }
              d = a[i] - b[i]; if (d < 0) d = -d
              lim = (i == 4 || i == 6) && atol != "" ? atol : tol
              if (d > lim) print a[1], a[2], "field", i, a[i], "vs", b[i] } }')
    [ -z "$d" ] || echo "$d" | sed 's/^/    /' | head -20
    check "$1" test -z "$d" -a "$(wc -l <<<"$2")" = "$(wc -l <<<"$3")"
}

# 1. Usage under stock: 8 CPUs at 2x for alice, 4 for bob, 1 for carol.
scontrol update PartitionName=debug State=UP
scontrol update PartitionName=long State=UP
submit alice -n 8 --qos=high -t 2 --wrap 'sleep 6' >/dev/null
submit bob -n 4 -t 2 --wrap 'sleep 6' >/dev/null
submit carol -n 1 -t 2 --wrap 'sleep 6' >/dev/null
wait_queue_empty 60 || fail "usage jobs did not finish"
scontrol update PartitionName=debug State=DOWN
scontrol update PartitionName=long State=DOWN
submit alice -n 1 -t 10 --wrap 'sleep 1' >/dev/null
submit alice -n 6 -N 2 -t 300 --nice=50 --wrap 'sleep 1' >/dev/null
submit bob -n 2 -t 60 -p long --wrap 'sleep 1' >/dev/null
submit bob -n 12 -t 30 --qos=high --wrap 'sleep 1' >/dev/null
submit carol -n 3 -t 120 -p debug,long --wrap 'sleep 1' >/dev/null
submit carol -n 1 -t 5 --qos=standby --nice=7 --wrap 'sleep 1' >/dev/null
t=$(date +%s)
wait_pass_after "$t" || fail "no pass of priority/multifactor"
stock_sprio=$(sprio_rows)
stock_sshare=$(sshare_rows)
check "usage was charged under stock" awk -F'|' '$2 == "alice" && $5 > 0 {f = 1} END {exit !f}' <<<"$stock_sshare"
check "classic fair share is not rank-like (bob's is neither 1 nor a rank)" \
    awk -F'|' '$2 == "bob" && $8 > 0 && $8 < 1 && $8 != 0.5 {f = 1} END {exit !f}' <<<"$stock_sshare"

# 2. The same state under tailfold.  Age has grown by the time between the
#    two passes (weight 1000 over PriorityMaxAge 3600 s).
t_stock=$(pass_time)
restart_with priority/tailfold
check "slurmctld now runs priority/tailfold" grep -Eq '^PriorityType += priority/tailfold$' <(scontrol show config)
check "tailfold read stock's last-decay file" grep -q "priority/tailfold: last decay at $t_stock" "$mc_dir/log/slurmctld.log"
age_tol=$(( ($(pass_time) - t_stock) * 1000 / 3600 + 2 ))
tf_sprio=$(sprio_rows)
tf_sshare=$(sshare_rows)
compare "classic: sprio under tailfold equals multifactor's (age within $age_tol)" "$stock_sprio" "$tf_sprio" 1 "$age_tol"
compare "classic: sshare under tailfold equals multifactor's" "$stock_sshare" "$tf_sshare" 0.000002

# 3. Restarts of tailfold keep usage (no decay configured, nothing runs).
restart_with priority/tailfold
compare "after a restart (SIGTERM) sshare is unchanged" "$tf_sshare" "$(sshare_rows)" 0.000002
restart_with priority/tailfold --kill
compare "after SIGKILL and a restart sshare is unchanged" "$tf_sshare" "$(sshare_rows)" 0.000002
check "the last-decay file is 16 bytes" test "$(stat -c %s "$state")" = 16

# 4. The algorithm switched by scontrol reconfigure: Fair Tree and classic
#    normalise shares differently (alice under physics: 2/12 of her
#    account's, or 0.4 x 2/12 of the cluster's), so the shares must be
#    normalised again at once, as at a restart.  sshare after the
#    reconfigure equals sshare after a restart with the same flags.
norm_rows() { sshare -a -l -P -n -o Account,User,RawShares,NormShares; }
declare -A alice_norm
for flags in FAIR_TREE NO_FAIR_TREE; do   # Fair Tree: no PriorityFlags line
    if [ $flags = FAIR_TREE ]; then
        mc conf --dir "$mc_dir" --unset PriorityFlags
    else
        mc conf --dir "$mc_dir" --set "PriorityFlags=$flags"
    fi
    scontrol reconfigure   # answers after the plugins' reconfigure
    after_reconfigure=$(norm_rows)
    mc restart --dir "$mc_dir" >/dev/null   # shares come from the association load
    after_restart=$(norm_rows)
    compare "PriorityFlags=$flags by reconfigure: NormShares as after a restart" \
        "$after_restart" "$after_reconfigure" 0.000002
    alice_norm[$flags]=$(awk -F'|' '$2 == "alice" { print $4 }' <<<"$after_restart")
done
check "... and the two algorithms give alice different shares (${alice_norm[FAIR_TREE]}, ${alice_norm[NO_FAIR_TREE]}), so the check can tell" \
    test "${alice_norm[FAIR_TREE]}" != "${alice_norm[NO_FAIR_TREE]}"
finish
