#!/usr/bin/env bash
# Malformed and unknown settings of the three plugins: PriorityParameters
# (priority/tailfold), PrioritySiteFactorParameters (site_factor/tailfold
# under priority/multifactor) and sched/tailfold's bf_ keys of
# SchedulerParameters.  One cluster:
#   1. start-up: for each case of the table slurmctld does not start, and
#      exactly one log line names the key and the value;
#   2. scontrol reconfigure: each bad line (a good new value beside a bad
#      one) gives exactly one line naming it, slurmctld runs on, and the
#      last good settings stay in effect, seen at work: the SITE that sprio
#      shows for a job submitted afterwards (the boost's weight) and the
#      backfill passes that sdiag counts (bf_interval); then a good line
#      takes effect, so both checks can tell.  On Slurm 24.11, whose
#      reconfigure restarts slurmctld, a bad line stops it with that one
#      line, as at start-up;
#   3. keys of Slurm's own backfill that tailfold does not need: one
#      warning line each, at start-up and at reconfigure.
source "$(dirname "$0")/lib.sh"
ctl_log=$mc_dir/log/slurmctld.log
weight=10000 new_weight=20000 max_s=36000   # the largest partition MaxTime: 600 min
good_prio=duration_weight=$weight,duration_source=limit,duration_scope=queue   # queue: a lone probe job shows its boost
good_sched=bf_interval=2,bf_resolution=1,bf_runtime=predicted   # predicted: reads PriorityParameters too

conf() { mc conf --dir "$mc_dir" "$@"; }   # --set Key=Value / --unset Key
# Run a command; the slurmctld log lines written meanwhile go to $new_lines.
logged() {
    local before rc=0
    before=$(wc -l < "$ctl_log")
    "$@" >/dev/null 2>&1 || rc=$?
    sleep 1
    new_lines=$(tail -n +"$((before + 1))" "$ctl_log")
    return $rc
}
# Exactly one error or fatal line names NEEDLE, and no other line of
# tailfold's is an error.
one_line_names() {  # needle
    local named others
    named=$(grep -E 'error:|fatal:' <<<"$new_lines" | grep -cF -- "$1" || true)
    others=$(grep -E 'error:|fatal:' <<<"$new_lines" | grep -E 'tailfold' | grep -vcF -- "$1" || true)
    [ "$named" = 1 ] && [ "$others" = 0 ] && return 0
    grep -E 'error:|fatal:' <<<"$new_lines" | sed 's/^/    /'
    return 1
}

cluster_up --set "PriorityParameters=$good_prio" --set "SchedulerParameters=$good_sched" >/dev/null

# 1. Start-up.  refuses KEY VALUE NEEDLE WHAT: with KEY=VALUE, `minicluster
#    restart` fails (slurmctld exits), and one line names NEEDLE.
refuses() {
    if logged mc restart --dir "$mc_dir" --set "$1=$2"; then
        fail "slurmctld started with $1=$2 ($4)"
        return
    fi
    local line
    line=$(grep -F -- "$3" <<<"$new_lines" | head -1 | sed 's/.*\(error\|fatal\): //')
    check "$4: $1=$2 stops slurmctld with one line: $line" one_line_names "$3"
}
while IFS='|' read -r key value needle what; do
    [ -n "$key" ] || continue
    refuses "$key" "$value" "$needle" "$what"
    # Each case alone: the other lines good again.
    conf --set "PriorityParameters=$good_prio" --set "SchedulerParameters=$good_sched"
done <<'EOF'
PriorityParameters|duration_wieght=5|duration_wieght|unknown key
PriorityParameters|duration_weight=abc|duration_weight=abc|not a number
PriorityParameters|duration_weight=-5|duration_weight=-5|negative
PriorityParameters|duration_history_runs=3|duration_history_runs=3|out of range
PriorityParameters|duration_weight=|duration_weight=:|empty value
PriorityParameters|duration_min=10x|duration_min=10x|trailing garbage
PriorityParameters|duration_weight=5,duration_weight=6|duration_weight=6|duplicate key
PriorityParameters|duration_min=1h,duration_max=10m|duration_max=10m|max below min
PriorityParameters|duration_scope=user|duration_scope=user|not a choice
SchedulerParameters|bf_interval=2,bf_resolutoin=1|bf_resolutoin|unknown key
SchedulerParameters|bf_interval=abc|bf_interval=abc|not a number
SchedulerParameters|bf_reservations=-1|bf_reservations=-1|negative
SchedulerParameters|bf_window=50000|bf_window=50000|out of range
SchedulerParameters|bf_interval=|bf_interval=:|empty value
SchedulerParameters|bf_interval=10x|bf_interval=10x|trailing garbage
SchedulerParameters|bf_interval=2,bf_interval=3|bf_interval=3|duplicate key
SchedulerParameters|bf_runtime=sometimes|bf_runtime=sometimes|not a choice
SchedulerParameters|BF_INTERVAL=abc|BF_INTERVAL=abc|upper case (Slurm's keys ignore case)
SchedulerParameters|bf_max_job_array_resv=1001|bf_max_job_array_resv=1001|out of Slurm's range
SchedulerParameters|bf_order=fastest|bf_order=fastest|not a choice
SchedulerParameters|bf_starve_age=2x|bf_starve_age=2x|not a duration
EOF

# site_factor/tailfold under priority/multifactor, which goes on without a
# site factor plugin that fails: the plugin itself must stop slurmctld.
conf --set PriorityType=priority/multifactor --set PrioritySiteFactorPlugin=site_factor/tailfold
while IFS='|' read -r value needle what; do
    refuses PrioritySiteFactorParameters "$value" "$needle" "site factor, $what"
done <<'EOF'
duration_weight=lots|duration_weight=lots|not a number
duration_wieght=5|duration_wieght|unknown key
duration_weight=|duration_weight=:|empty value
duration_weight=2147483648|duration_weight=2147483648|above the 2^31 - 1 a site factor holds
duration_scope=owner|duration_scope=owner|owner scope, which a site factor cannot see
EOF
# The boost built into priority/tailfold and site_factor/tailfold together:
# a double boost and two writers of one estimate store.
conf --set "PrioritySiteFactorParameters=$good_prio"
refuses PriorityType priority/tailfold "PrioritySiteFactorPlugin=site_factor/tailfold is for" \
    "priority/tailfold with site_factor/tailfold"
conf --set PriorityType=priority/multifactor
check "site_factor/tailfold starts with a good line" logged mc restart --dir "$mc_dir"

# 2. Reconfigure.  The boost is seen in SITE of jobs that wait (partition
#    down), computed here from the documented formula.
site_of_new_job() {  # limit_minutes: SITE of a job submitted now
    local id
    # Down again: a reconfigure brings partitions back to slurm.conf's state.
    scontrol update PartitionName=debug State=DOWN
    id=$(submit alice -n 1 -t "$1" -J "probe$1" --wrap 'sleep 1')
    sleep 0.5
    sprio -h -j "$id" -o %S | tr -d ' '
}
# reconfigure_bad KEY VALUE NEEDLE: one line names it, slurmctld runs on.
reconfigure_bad() {
    conf --set "$1=$2"
    logged scontrol reconfigure || fail "scontrol reconfigure with $1=$2 failed"
    local line
    line=$(grep -F -- "$3" <<<"$new_lines" | head -1 | sed 's/.*error: //')
    check "reconfigure with $1=$2: one line ($line)" one_line_names "$3"
    check "slurmctld runs on" scontrol ping >/dev/null
}

if [ "${slurm_release%%.*}" -lt 24 ]; then
    # The site factor plugin first, as it is loaded now.
    want=$(expected_boost 30 $weight $max_s)
    check "site factor: SITE is the boost of weight $weight ($want)" test "$(site_of_new_job 30)" = "$want"
    reconfigure_bad PrioritySiteFactorParameters "duration_weight=$new_weight,duration_source=sometimes" \
        duration_source=sometimes
    check "site factor: the last good weight stays for a new job" test "$(site_of_new_job 30)" = "$want"
    conf --set "PrioritySiteFactorParameters=duration_weight=$new_weight,duration_source=limit"
    logged scontrol reconfigure
    want=$(expected_boost 30 $new_weight $max_s)
    check "site factor: a good reconfigure takes effect (weight $new_weight: $want)" \
        test "$(site_of_new_job 30)" = "$want"
    scancel -u alice

    # Then priority/tailfold and sched/tailfold.
    check "priority/tailfold starts again with good lines" logged mc restart --dir "$mc_dir" \
        --unset PrioritySiteFactorPlugin --unset PrioritySiteFactorParameters --set PriorityType=priority/tailfold
    for t in 10 60; do
        want=$(expected_boost $t $weight $max_s)
        check "SITE of a ${t}-minute job is the boost of weight $weight ($want)" \
            test "$(site_of_new_job $t)" = "$want"
    done
    while IFS='|' read -r value needle; do
        reconfigure_bad PriorityParameters "$value" "$needle"
    done <<EOF
duration_weight=$new_weight,duration_source=sometimes|duration_source=sometimes
duration_weight=$new_weight,duration_wieght=5|duration_wieght
duration_weight=$new_weight,duration_min=10x|duration_min=10x
duration_weight=$new_weight,duration_weight=30000|duration_weight=30000
EOF
    for t in 10 60; do
        want=$(expected_boost $t $weight $max_s)
        check "after the bad lines a new ${t}-minute job still gets weight $weight ($want)" \
            test "$(site_of_new_job $t)" = "$want"
    done
    conf --set "PriorityParameters=$good_prio"

    # awk reads to the end: see usage_of in ctld_restart.sh.
    cycles() { sdiag | awk '/^Backfilling stats/ { b = 1 } b && !n && /Total cycles:/ { print $NF; n = 1 }'; }
    cycles_in() {  # seconds: backfill passes counted by sdiag in that time
        local a b
        a=$(cycles); sleep "$1"; b=$(cycles)
        echo $((b - a))
    }
    while IFS='|' read -r value needle; do
        reconfigure_bad SchedulerParameters "$value" "$needle"
    done <<'EOF'
bf_interval=30,bf_window=abc|bf_window=abc
bf_interval=30,bf_resolutoin=1|bf_resolutoin
bf_interval=30,bf_max_job_test=-1|bf_max_job_test=-1
bf_interval=30,bf_continue=yes|bf_continue=yes
bf_interval=30,bf_interval=31|bf_interval=31
bf_interval=30,bf_max_job_user=x|bf_max_job_user=x
EOF
    n=$(cycles_in 8)
    check "after the bad lines bf_interval=2 stays: $n backfill passes in 8 s (at least 3)" test "$n" -ge 3

    # A good line takes effect: the checks above could tell.
    conf --set "PriorityParameters=duration_weight=$new_weight,duration_source=limit,duration_scope=queue" \
        --set SchedulerParameters=bf_interval=30,bf_resolution=1,bf_runtime=predicted
    logged scontrol reconfigure
    check "the good reconfigure logs no error" \
        test -z "$(grep -E 'error:|fatal:' <<<"$new_lines" | grep tailfold)"
    want=$(expected_boost 60 $new_weight $max_s)
    check "a good reconfigure takes effect: a new 60-minute job gets weight $new_weight ($want)" \
        test "$(site_of_new_job 60)" = "$want"
    sleep 1
    n=$(cycles_in 8)
    check "a good reconfigure takes effect: bf_interval=30 gives $n passes in 8 s (at most 1)" test "$n" -le 1

else
    # Slurm 24.11 restarts slurmctld on reconfigure (src/slurmctld/
    # controller.c, _try_to_reconfig): attached (-D, as the mini-cluster
    # runs it) it executes itself again, so a bad line stops it with the
    # one line that names it, as at start-up; under systemd the new process
    # fails and the old one resumes with the settings it had.  Each case:
    # the line named, slurmctld gone, and back with the good lines.
    reconfigure_stops() {  # KEY VALUE NEEDLE
        local before
        conf --set "$1=$2"
        before=$(wc -l < "$ctl_log")
        scontrol reconfigure >/dev/null 2>&1 || true
        for _ in $(seq 50); do scontrol ping >/dev/null 2>&1 || break; sleep 0.2; done
        sleep 1
        new_lines=$(tail -n +"$((before + 1))" "$ctl_log")
        check "24.11 reconfigure with $1=$2: slurmctld stops" test -z "$(scontrol ping 2>/dev/null | grep -w UP)"
        check "24.11 reconfigure with $1=$2: one line names it" one_line_names "$3"
    }
    reconfigure_stops PrioritySiteFactorParameters "duration_weight=$new_weight,duration_source=sometimes" \
        duration_source=sometimes
    check "site_factor/tailfold starts again with a good line" logged mc restart --dir "$mc_dir" \
        --set "PrioritySiteFactorParameters=duration_weight=$new_weight,duration_source=limit"
    want=$(expected_boost 30 $new_weight $max_s)
    check "site factor: the good line took effect (weight $new_weight: $want)" \
        test "$(site_of_new_job 30)" = "$want"
    scancel -u alice
    check "priority/tailfold starts again with good lines" logged mc restart --dir "$mc_dir" \
        --unset PrioritySiteFactorPlugin --unset PrioritySiteFactorParameters --set PriorityType=priority/tailfold \
        --set "PriorityParameters=$good_prio"
    reconfigure_stops PriorityParameters "duration_weight=$new_weight,duration_wieght=5" duration_wieght
    check "priority/tailfold starts again" logged mc restart --dir "$mc_dir" --set "PriorityParameters=$good_prio"
    reconfigure_stops SchedulerParameters "bf_interval=30,bf_resolutoin=1" bf_resolutoin
    check "sched/tailfold starts again" logged mc restart --dir "$mc_dir" --set "SchedulerParameters=$good_sched"
fi

# 3. Keys of Slurm's own backfill that tailfold does not need: accepted,
#    one warning line each saying why, at start-up and at each reconfigure
#    (and one for bf_max_job_user, which bf_max_job_assoc overrides).
unused=(bf_node_space_size bf_running_job_reserve bf_one_resv_per_job bf_job_part_count_reserve
        bf_ignore_newly_avail_nodes bf_max_job_user)
warned_once_each() {  # what
    local k n
    for k in "${unused[@]}"; do
        n=$(grep 'sched/tailfold: warning: ' <<<"$new_lines" | grep -c "SchedulerParameters: ${k}[= ]" || true)
        check "$1: one warning line for $k ($n)" test "$n" = 1
    done
    check "$1: no other warning or error of tailfold's" \
        test "$(grep -E 'tailfold: warning: |error:|fatal:' <<<"$new_lines" | grep -c tailfold || true)" = ${#unused[@]}
}
check "slurmctld starts with the stock-only keys" logged mc restart --dir "$mc_dir" --set \
    SchedulerParameters=bf_interval=30,bf_node_space_size=100,bf_running_job_reserve,bf_one_resv_per_job,bf_job_part_count_reserve=10,bf_ignore_newly_avail_nodes,bf_max_job_user=2,bf_max_job_assoc=2
grep 'sched/tailfold: warning: ' <<<"$new_lines" | sed 's/^/    /'
warned_once_each "start-up"
logged scontrol reconfigure
warned_once_each "reconfigure"
finish
