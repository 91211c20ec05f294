#!/usr/bin/env bash
# priority/tailfold gives the same factors and priorities as Slurm's own
# priority/multifactor.  Two mini-clusters run side by side, one with each
# plugin, and get the same jobs in the same order: usage from finished jobs
# of three users (one in a QoS that charges twice), then, with the
# partitions down so nothing runs and usage stays still, pending jobs of
# different sizes, limits, nice values, QoS and partitions (some in two).
# After a priority pass on both, every pending job's sprio -l row and every
# sshare -a -l row must match.  Run for two weight-and-flag sets.
source "$(dirname "$0")/lib.sh"
cluster_file=$top/test/cluster/equivalence-cluster.conf
stock_dir=$mc_dir/stock
tf_dir=$mc_dir/tailfold
trap 'mc down --dir "$stock_dir" >/dev/null 2>&1 || true; mc down --dir "$tf_dir" >/dev/null 2>&1 || true' EXIT

both_submit() {  # user sbatch-args...: the same job to both, ids must agree
    local user=$1; shift
    local a b
    a=$(cd "$stock_dir/jobs" && as_user "$user" env SLURM_CONF="$stock_dir/etc/slurm.conf" sbatch --parsable -o /dev/null "$@")
    b=$(cd "$tf_dir/jobs" && as_user "$user" env SLURM_CONF="$tf_dir/etc/slurm.conf" sbatch --parsable -o /dev/null "$@")
    [ "$a" = "$b" ] || { fail "job ids diverged ($a vs $b) for: $*"; return 1; }
    last_id=$a
}
queue_empty() { [ -z "$(on "$1" squeue -h -o %i)" ]; }

run_set() {  # name max_age_s age_weight settings...
    local name=$1 max_age=$2 w_age=$3; shift 3
    local sets=() s
    for s in "$@"; do sets+=(--set "$s"); done
    log "=== weight and flag set: $name"
    mc down --dir "$stock_dir" >/dev/null 2>&1 || true
    mc down --dir "$tf_dir" >/dev/null 2>&1 || true
    mc up --dir "$stock_dir" --port-base "$port_base" --fresh --cluster-file "$cluster_file" \
        --set PriorityType=priority/multifactor "${sets[@]}" >/dev/null
    mc up --dir "$tf_dir" --port-base "$((port_base + 50))" --fresh --cluster-file "$cluster_file" \
        "${sets[@]}" >/dev/null
    check "$name: stock runs priority/multifactor" \
        grep -Eq '^PriorityType += priority/multifactor$' <(on "$stock_dir" scontrol show config)
    check "$name: the other runs priority/tailfold" \
        grep -Eq '^PriorityType += priority/tailfold$' <(on "$tf_dir" scontrol show config)

    # 1. Usage: well-separated amounts, so timing noise of a second cannot
    #    reorder the users.  alice 8 CPUs at 2x, bob 4, carol 1.
    both_submit alice -n 8 --qos=high -t 2 --wrap 'sleep 6'
    both_submit bob -n 4 -t 2 --wrap 'sleep 6'
    both_submit carol -n 1 -t 2 --wrap 'sleep 6'
    local end=$((SECONDS + 60))
    until queue_empty "$stock_dir" && queue_empty "$tf_dir"; do
        [ $SECONDS -lt $end ] || { fail "$name: usage jobs did not finish"; return; }
        sleep 0.5
    done

    # Slurm 24.11 also counts a running job's TRES-minutes under its QOS per
    # user and per account (MaxTRESRunMinsPU/PA); the priority plugin gives
    # them back as the job runs and when it ends: none left on either.
    local d left
    for d in "$stock_dir" "$tf_dir"; do
        left=$(on "$d" scontrol show assoc_mgr flags=qos | grep -E 'MaxTRESRunMinsP[UA]=' |
               tr ',' '\n' | grep -v '(0)' | grep '(' || true)
        check "$name: $(basename "$d"): no QOS per-user or per-account running TRES-minutes left${left:+ ($(echo $left))}" \
            test -z "$left"
    done

    # 2. Nothing runs from now on: usage stays still.
    for d in "$stock_dir" "$tf_dir"; do
        on "$d" scontrol update PartitionName=debug State=DOWN
        on "$d" scontrol update PartitionName=long State=DOWN
    done
    both_submit alice -n 1 -t 10 --wrap 'sleep 1'
    both_submit alice -n 6 -N 2 -t 300 --nice=50 --wrap 'sleep 1'
    both_submit bob -n 2 -t 60 -p long --wrap 'sleep 1'
    both_submit bob -n 12 -t 30 --qos=high --wrap 'sleep 1'
    both_submit carol -n 3 -t 120 -p debug,long --wrap 'sleep 1'
    both_submit carol -n 1 -t 5 --qos=standby --nice=7 --wrap 'sleep 1'
    both_submit alice -n 16 -N 4 -t 1000 -p long --qos=high --wrap 'sleep 1'
    both_submit bob -n 4 --mem=3000 -t 15 -p long,debug --wrap 'sleep 1'
    if [ "${slurm_release%%.*}" -ge 24 ]; then
        # Slurm 24.11: jobs that may run under several QOS get one priority,
        # and one sprio row, per partition and QOS.
        both_submit alice -n 2 -t 40 --qos=normal,high --wrap 'sleep 1'
        both_submit carol -n 1 -t 25 -p debug,long --qos=standby,high --wrap 'sleep 1'
    fi
    # A held job is not listed; an operator's priority is shown as it is.
    both_submit carol -n 2 -t 20 --wrap 'sleep 1'
    local held=$last_id
    both_submit alice -n 2 -t 20 --wrap 'sleep 1'
    local fixed=$last_id
    for d in "$stock_dir" "$tf_dir"; do
        on "$d" scontrol hold "$held"
        on "$d" scontrol update JobId="$fixed" Priority=424242
    done
    local submitted
    submitted=$(date +%s)

    # 3. A priority pass on both after the last submission (fair share is
    #    recomputed only there).
    wait_pass_after "$stock_dir" "$submitted" || fail "$name: no pass of priority/multifactor within 100 s"
    wait_pass_after "$tf_dir" "$submitted" || fail "$name: no pass of priority/tailfold within 100 s"
    local t_stock t_tf
    t_stock=$(pass_time "$stock_dir")
    t_tf=$(pass_time "$tf_dir")

    # 4. sprio -l, row by row.  Age may differ by what the passes' times explain.
    local fmt='%i|%r|%u|%Y|%S|%A|%B|%F|%J|%P|%Q|%N|%T'
    [ "${slurm_release%%.*}" -lt 24 ] || fmt+='|%n'  # 24.11's sprio names the QOS of each row
    local sp_stock sp_tf
    sp_stock=$(on "$stock_dir" sprio -h -o "$fmt" | tr -d ' ' | sort)
    sp_tf=$(on "$tf_dir" sprio -h -o "$fmt" | tr -d ' ' | sort)
    echo "$sp_stock" > "$mc_dir/$name.sprio.stock"
    echo "$sp_tf" > "$mc_dir/$name.sprio.tailfold"
    local rows
    rows=$(wc -l <<<"$sp_stock")
    check "$name: sprio lists the same $rows rows (job, partition, user)" \
        test "$(cut -d'|' -f1-3 <<<"$sp_stock")" = "$(cut -d'|' -f1-3 <<<"$sp_tf")"
    check "$name: sprio has a row for every pending job but the held one" test "$rows" -ge 11
    check "$name: the held job is not listed" test -z "$(grep "^$held|" <<<"$sp_tf")"
    check "$name: the operator's priority is shown" grep -q "^$fixed|.*|424242|" <<<"$sp_tf"
    local age_slack
    age_slack=$(awk -v d=$((t_stock - t_tf)) -v w="$w_age" -v m="$max_age" \
        'BEGIN { if (d < 0) d = -d; print d * w / m + 1 }')
    local diffs
    diffs=$(paste -d'#' <(echo "$sp_stock") <(echo "$sp_tf") | awk -F'#' -v slack="$age_slack" '
        BEGIN { split("JOBID PARTITION USER PRIORITY SITE AGE ASSOC FAIRSHARE JOBSIZE PARTITION QOS NICE TRES", name, " ") }  # sprio -l columns
        { n = split($1, a, "|"); split($2, b, "|")
          for (i = 4; i <= n; i++) {
              if (i == 13) { if (a[i] != b[i] && !tres_close(a[i], b[i])) print a[1], name[i], a[i], b[i]; continue }
              if (i == 14) { if (a[i] != b[i]) print a[1], "QOSNAME", a[i], b[i]; continue }
              lim = (i == 6 || i == 4) ? slack : 1
              d = a[i] - b[i]; if (d < 0) d = -d
              if (d > lim) print a[1], a[2], name[i], "stock=" a[i], "tailfold=" b[i]
          } }
        function tres_close(x, y,   nx, ny, px, py, i, d) {
            nx = split(x, px, ","); ny = split(y, py, ",")
            if (nx != ny) return 0
            for (i = 1; i <= nx; i++) { split(px[i], kx, "="); split(py[i], ky, "=")
                if (kx[1] != ky[1]) return 0
                d = kx[2] - ky[2]; if (d < 0) d = -d; if (d > 1) return 0 }
            return 1 }')
    [ -z "$diffs" ] || echo "$diffs" | sed 's/^/    /'
    check "$name: every sprio factor within 1 (age within $age_slack)" test -z "$diffs"
    local prios
    prios=$(cut -d'|' -f4 <<<"$sp_tf" | sort -u | wc -l)
    check "$name: the scenario gives distinct priorities ($prios values)" test "$prios" -ge 4

    # 5. sshare -a -l: shares exactly; usage within timing noise; Fair Tree
    #    ranks exactly.
    local sfmt=Account,User,RawShares,NormShares,RawUsage,NormUsage,EffectvUsage,FairShare,LevelFS,TRESRunMins
    local ss_stock ss_tf
    ss_stock=$(on "$stock_dir" sshare -a -l -P -n -o "$sfmt")
    ss_tf=$(on "$tf_dir" sshare -a -l -P -n -o "$sfmt")
    echo "$ss_stock" > "$mc_dir/$name.sshare.stock"
    echo "$ss_tf" > "$mc_dir/$name.sshare.tailfold"
    check "$name: sshare lists the same associations" \
        test "$(cut -d'|' -f1-4 <<<"$ss_stock")" = "$(cut -d'|' -f1-4 <<<"$ss_tf")"
    diffs=$(paste -d'#' <(echo "$ss_stock") <(echo "$ss_tf") | awk -F'#' '
        function rel(x, y,   d, m) { if (x == y) return 0; if (x == "inf" || y == "inf") return 1
            d = x - y; if (d < 0) d = -d; m = (x < 0 ? -x : x); return m ? d / m : d }
        { split($1, a, "|"); split($2, b, "|")
          if (rel(a[5], b[5]) > 0.25) print a[1], a[2], "RawUsage", a[5], b[5]
          if (rel(a[7], b[7]) > 0.25) print a[1], a[2], "EffectvUsage", a[7], b[7]
          if (a[8] != b[8]) print a[1], a[2], "FairShare", a[8], b[8]
          if (rel(a[9], b[9]) > 0.25) print a[1], a[2], "LevelFS", a[9], b[9]
          if (a[10] != b[10]) print a[1], a[2], "TRESRunMins", a[10], b[10] }')
    [ -z "$diffs" ] || echo "$diffs" | sed 's/^/    /'
    check "$name: sshare matches (usage within timing noise; fair share and running TRES-minutes exactly)" test -z "$diffs"
    check "$name: no running TRES-minutes are left once every job has ended" \
        test -z "$(cut -d'|' -f10 <<<"$ss_tf" | tr ',' '\n' | grep -v '=0$' | grep .)"
    check "$name: usage was charged (alice's raw usage > 0)" \
        awk -F'|' '$2 == "alice" && $5 > 0 {found = 1} END {exit !found}' <<<"$ss_tf"
}

# Set 1: Fair Tree, normalised factors, TRES weights.
run_set fairtree-normal 3600 1000 \
    PriorityWeightAge=1000 PriorityWeightFairshare=100000 PriorityWeightJobSize=2000 \
    PriorityWeightPartition=3000 PriorityWeightQOS=5000 PriorityWeightAssoc=700 \
    PriorityWeightTRES=CPU=400,Mem=150
# Set 2: other weights and flags: raw partition, QoS and TRES factors, small
# jobs favoured relative to their time limit, age from submission.
run_set flags-raw 3600 100 \
    PriorityWeightAge=100 PriorityWeightFairshare=5000 PriorityWeightJobSize=90000 \
    PriorityWeightPartition=10 PriorityWeightQOS=3 PriorityWeightAssoc=40 \
    PriorityWeightTRES=CPU=7 PriorityFavorSmall=YES \
    PriorityFlags=SMALL_RELATIVE_TO_TIME,NO_NORMAL_PART,NO_NORMAL_QOS,NO_NORMAL_TRES,NO_NORMAL_ASSOC,ACCRUE_ALWAYS,INCR_ONLY,CALCULATE_RUNNING
finish
