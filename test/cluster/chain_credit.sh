#!/usr/bin/env bash
# Chain credit (PriorityParameters chain_credit=on): a chain of 5
# --dependency=afterok jobs queues about once, like one wrapped job.
# Stock priority/multifactor and priority/tailfold with chain credit run the
# same jobs side by side on clusters of their own; every job is alice's and
# takes the whole cluster (16 CPUs), so only age orders them.  Age weighs
# 10000 over PriorityMaxAge=10:00, every PriorityCalcPeriod (60 s).
#   B      a blocker that runs while the chain is submitted; the test ends
#          it after 100 s, so the chain's first link C1 waits 100 s
#   C1-C5  the chain, submitted together, each C(k) afterok on C(k-1)
#   E2-E5  "equal jobs": E(k) is submitted when C(k-1) starts, after the
#          chain began, with C(k)'s size and limit
# Each job runs until the test touches its file, so the test ends C(k-1)
# only after a priority pass saw both C(k)'s credit and E(k)'s age (one
# pass later than E(k)'s submission plus 5 s for its first scheduling),
# then notes the two priorities (squeue) and which of C(k) and E(k) starts
# first, and cancels E(k).
#   stock:    E(k) first each time (it has waited; C(k) starts at age 0)
#   tailfold: C(k) first each time (C1's 100 s wait carried link to link;
#             E(k) waited at most a pass, 65 s)
# Between C2 and C3 both slurmctlds are restarted: the credit must survive
# in StateSaveLocation.  For C5 the partition is down when C4 ends, so C5
# waits eligible: tailfold's sprio shows its credit in AGE and the
# columns add up to its priority; stock's AGE is C5's few seconds.
# run-all: light (it mostly waits for priority passes)
source "$(dirname "$0")/lib.sh"
cluster_file=$top/etc/minicluster/cluster.conf
wait_s=100
two_clusters_up "$cluster_file" --set PriorityType=priority/multifactor \
    --set PriorityWeightAge=10000 --set PriorityMaxAge=00:10:00 -- \
    --set PriorityWeightAge=10000 --set PriorityMaxAge=00:10:00 \
    --set PriorityParameters=duration_weight=2000,chain_credit=on

# job DIR NAME [sbatch args]: a whole-cluster job of alice that runs until
# DIR/go/NAME exists; its id goes to DIR/ids.
job() {
    local d=$1 name=$2 id
    shift 2
    id=$(csub "$d" alice -n 16 -t 10 -J "$name" "$@" \
        --wrap "while [ ! -e $d/go/$name ]; do sleep 0.2; done")
    echo "$name $id" >> "$d/ids"
    echo "$id"
}
id_of() { awk -v n="$2" '$1 == n { print $2 }' "$1/ids"; }
state_of() { on "$1" squeue -h -j "$(id_of "$1" "$2")" -o %T 2>/dev/null || true; }
go() { touch "$1/go/$2"; }
# first_running DIR A B: which of the two starts first (within 60 s).
first_running() {
    local d=$1 end=$((SECONDS + 60))
    while [ $SECONDS -lt $end ]; do
        [ "$(state_of "$d" "$2")" = RUNNING ] && { echo "$2"; return; }
        [ "$(state_of "$d" "$3")" = RUNNING ] && { echo "$3"; return; }
        sleep 0.2
    done
    echo none
}
wait_running() {  # DIR NAME
    local end=$((SECONDS + 60))
    until [ "$(state_of "$1" "$2")" = RUNNING ]; do
        [ $SECONDS -lt $end ] || { fail "$(basename "$1"): $2 did not start"; return 1; }
        sleep 0.2
    done
}

# sprio_row DIR NAME: "AGE PRIORITY SUM-OF-COLUMNS" of the job's first row.
sprio_row() {
    on "$1" sprio -h -j "$(id_of "$1" "$2")" -o '%Y %A %F %J %P %Q %S %N' 2>/dev/null |
        awk '{ s = 0; for (i = 2; i < NF; i++) s += $i; print $2, $1, s - $NF }' | sed -n 1p
}
prio_of() { on "$1" squeue -h -j "$(id_of "$1" "$2")" -o %Q 2>/dev/null || echo 0; }

chain_run() {
    local d=$1 who=$(basename "$1") k prev first t
    rm -rf "$d/go"
    mkdir -p "$d/go"
    chmod 777 "$d/go"
    : > "$d/ids"
    : > "$d.order"
    job "$d" B >/dev/null
    wait_running "$d" B || return
    local c1
    c1=$(job "$d" C1)
    prev=$c1
    for k in 2 3 4 5; do
        prev=$(job "$d" "C$k" --dependency=afterok:"$prev")
    done
    sleep "$wait_s"
    go "$d" B
    wait_running "$d" C1 || return
    for k in 2 3 4 5; do
        if [ "$k" = 3 ]; then
            # C2 runs, C3 waits on it: slurmctld stopped and started again.
            out=$(mc restart --dir "$d" 2>&1) || fail "$who: restart: $out"
        fi
        job "$d" "E$k" >/dev/null
        sleep 5
        t=$(date +%s)
        wait_pass_after "$d" "$t" || fail "$who: no priority pass after E$k's submission"
        log "$who: before C$((k - 1)) ends: priority of C$k $(prio_of "$d" "C$k"), of E$k $(prio_of "$d" "E$k")"
        if [ "$k" = 5 ]; then
            on "$d" scontrol update PartitionName=debug State=DOWN
            go "$d" C4
            local end=$((SECONDS + 30))
            until [ "$(on "$d" squeue -h -j "$(id_of "$d" C5)" -o %r)" != Dependency ]; do
                [ $SECONDS -lt $end ] || { fail "$who: C5 still waits on C4"; break; }
                sleep 0.5
            done
            sleep 2
            read -r age total sum <<<"$(sprio_row "$d" C5)"
            log "$who: C5 eligible, partition down: sprio AGE ${age:-?}, PRIORITY ${total:-?} (the columns add up to ${sum:-?})"
            echo "age ${age:-x} ${total:-x} ${sum:-x}" >> "$d.order"
            on "$d" scontrol update PartitionName=debug State=UP
        else
            go "$d" "C$((k - 1))"
        fi
        first=$(first_running "$d" "C$k" "E$k")
        log "$who: after C$((k - 1)) ended, $first started first"
        echo "$k $first" >> "$d.order"
        on "$d" scancel "$(id_of "$d" "E$k")"
        wait_running "$d" "C$k" || return
    done
    go "$d" C5
    log "$who: sacct: $(on "$d" sacct -X -n -P -o JobName,Start,State | grep -v '^E' | tr '\n' ' ')"
}
run_on_both chain_run "$stock_dir" "$tf_dir"

for k in 2 3 4 5; do
    s=$(awk -v k=$k '$1 == k { print $2 }' "$stock_dir.order")
    t=$(awk -v k=$k '$1 == k { print $2 }' "$tf_dir.order")
    check "stock: the equal job E$k starts before the successor C$k" test "$s" = "E$k"
    check "tailfold: the successor C$k starts before the equal job E$k$([ $k -ge 3 ] && echo ', after the restart')" \
        test "$t" = "C$k"
done
read -r _ s_age _ _ <<<"$(grep "^age " "$stock_dir.order" || echo "age x x x")"
read -r _ t_age t_total t_sum <<<"$(grep "^age " "$tf_dir.order" || echo "age x x x")"
check "stock: C5, just eligible, has an age of seconds (AGE $s_age)" \
    awk -v a="$s_age" 'BEGIN { exit !(a != "x" && a < 400) }'
# 100 s of credit is 10000 x 100 / 600 = 1667 (the other links waited
# about nothing), plus C5's own seconds; C1's wait counts from its
# eligible time, which a slow slurmctld may set seconds after submission.
check "tailfold: C5, just eligible, shows its chain's wait in AGE ($t_age, want 1500 to 2100)" \
    awk -v a="$t_age" 'BEGIN { exit !(a != "x" && a >= 1500 && a <= 2100) }'
check "tailfold: C5's sprio columns add up to its priority ($t_sum vs $t_total)" \
    awk -v a="$t_sum" -v b="$t_total" 'BEGIN { exit !(a != "x" && a - b <= 1 && b - a <= 1) }'
check "tailfold: slurmctld read the chain book back after the restart" \
    grep -q "chain credit: [0-9]* waiting or credited jobs" "$tf_dir/log/slurmctld.log"
check "tailfold: no chain-book error" bash -c "! grep -q 'priority_tailfold_chains.*damaged\|cannot write.*chains' '$tf_dir/log/slurmctld.log'"
finish
