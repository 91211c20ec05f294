#!/usr/bin/env bash
# duration_scope=owner (the default): the boost reorders each user's jobs
# among themselves and changes nothing between users.  Stock
# priority/multifactor and priority/tailfold run side by side on the same
# jobs (partitions down, so nothing runs; PriorityWeightAge=0, so the
# priorities do not drift between the two clusters' passes).  Each user's
# jobs ask for more CPUs the shorter they are, so multifactor's job size
# factor ranks them shortest first and the fold must turn that round.
# Checked on tailfold against stock:
#   - within each user: longest limit first;
#   - each user's priorities are stock's (lower by at most the number of
#     the user's jobs, where equal ones must be set apart);
#   - the users in queue order, from the top, are the same as stock's;
#   - sprio adds up: its PRIORITY column is squeue's priority.
# Then duration_scope=queue on the same jobs: the users' order changes
# (the check above can fail), and back to owner: it is stock's again.
source "$(dirname "$0")/lib.sh"
weight=20000
two_clusters_up "$(partitions_down_file "$top/etc/minicluster/cluster.conf")" \
    --set PriorityType=priority/multifactor --set PriorityWeightAge=0 -- \
    --set PriorityWeightAge=0 --set PriorityParameters=duration_weight=$weight,duration_source=limit

# user CPUs:limit_minutes...: the same jobs, in the same order, to both.
jobs_of() {
    local user=$1 spec a b; shift
    for spec in "$@"; do
        a=$(csub "$stock_dir" "$user" -n "${spec%%:*}" -t "${spec##*:}" --wrap 'sleep 1')
        b=$(csub "$tf_dir" "$user" -n "${spec%%:*}" -t "${spec##*:}" --wrap 'sleep 1')
        [ "$a" = "$b" ] || fail "job ids diverged ($a vs $b)"
    done
}
jobs_of alice 8:1 4:5 2:20 1:60
jobs_of bob 6:2 3:30 1:45
jobs_of carol 4:10 2:50
# No pass needed: nothing ran, so each job's priority at submission (and
# tailfold's fold at each submission) is what a pass would give.
sleep 1

# "id user priority limit" of the pending jobs, highest priority first
# (ties: lower job id first, as slurmctld sorts them).
queue_of() { on "$1" squeue -h -t PD -o '%i %u %Q %l' | sort -k3,3nr -k1,1n; }
users_in_order() { awk '{print $2}' <<<"$1" | tr '\n' ' '; }
# minutes of a limit as squeue prints it (M:SS or H:MM:SS)
by_user_longest_first() {  # queue: 1 if every user's jobs are in limit order, longest first
    awk '{ n = split($4, p, ":"); m = (n == 3) ? p[1] * 60 + p[2] : p[1]
           if (($2 in last) && m > last[$2]) bad = 1; last[$2] = m }
         END { print bad ? 0 : 1 }' <<<"$1"
}
# Per user, the sorted priorities of tailfold are at most stock's of the
# same rank and no more than the user's job count lower: prints offenders.
set_mismatches() {  # stock_queue tailfold_queue
    python3 - "$1" "$2" <<'PY'
import sys
from collections import defaultdict
def per_user(text):
    d = defaultdict(list)
    for line in text.splitlines():
        i, u, p, _ = line.split()
        d[u].append(int(p))
    return {u: sorted(v, reverse=True) for u, v in d.items()}
s, t = per_user(sys.argv[1]), per_user(sys.argv[2])
for u in sorted(set(s) | set(t)):
    a, b = s.get(u, []), t.get(u, [])
    if len(a) != len(b) or any(y > x or y < x - len(a) for x, y in zip(a, b)):
        print(f"{u}: stock {a} tailfold {b}")
PY
}

stock_q=$(queue_of "$stock_dir")
tf_q=$(queue_of "$tf_dir")
log "stock:    $(users_in_order "$stock_q")"
log "tailfold: $(users_in_order "$tf_q")"
check "stock ranks each user's jobs shortest first (job size), not longest first" \
    test "$(by_user_longest_first "$stock_q")" = 0
check "tailfold ranks each user's jobs longest first" test "$(by_user_longest_first "$tf_q")" = 1
bad=$(set_mismatches "$stock_q" "$tf_q")
[ -z "$bad" ] || echo "$bad" | sed 's/^/    /'
check "each user keeps stock's priorities" test -z "$bad"
check "the users' order in the queue is stock's" test "$(users_in_order "$tf_q")" = "$(users_in_order "$stock_q")"
adds_up=$(join <(on "$tf_dir" squeue -h -t PD -o '%i %Q' | sort) <(on "$tf_dir" sprio -h -o '%i %Y' | sort) |
    awk '$2 != $3 {bad = 1} END {print bad ? "no" : "yes"}')
check "sprio PRIORITY equals squeue's priority (SITE holds the fold's difference)" test "$adds_up" = yes
neg=$(on "$tf_dir" sprio -h -o '%S' | awk '$1 < 0' | wc -l)
check "sprio SITE shows the fold's moves down as negative values ($neg jobs)" test "$neg" -gt 0

# Queue-wide boost: the users' order changes.
mc conf --dir "$tf_dir" --set PriorityParameters=duration_weight=$weight,duration_source=limit,duration_scope=queue
t=$(date +%s)
on "$tf_dir" scontrol reconfigure
wait_pass_after "$tf_dir" "$t" || fail "no priority pass after the reconfigure"
q_queue=$(queue_of "$tf_dir")
log "tailfold, duration_scope=queue: $(users_in_order "$q_queue")"
check "duration_scope=queue moves jobs between users" \
    test "$(users_in_order "$q_queue")" != "$(users_in_order "$stock_q")"
mc conf --dir "$tf_dir" --set PriorityParameters=duration_weight=$weight,duration_source=limit
t=$(date +%s)
on "$tf_dir" scontrol reconfigure
wait_pass_after "$tf_dir" "$t" || fail "no priority pass after the reconfigure"
check "back to owner: the users' order is stock's again" \
    test "$(users_in_order "$(queue_of "$tf_dir")")" = "$(users_in_order "$stock_q")"
finish
