#!/usr/bin/env bash
# tools/minicluster up --containers makes real container nodes and leaves
# nothing behind: after down, after an up that failed, and after an up that
# was killed half-way, no namespace, link, address or process of the
# cluster remains (listed before and after).  A machine that does not allow
# namespaces (here: root without CAP_SYS_ADMIN and CAP_NET_ADMIN, as in an
# unprivileged container) gets a clear message and nothing is started.
source "$(dirname "$0")/lib.sh"
trap 'mc down --dir "$mc_dir" >/dev/null 2>&1 || true' EXIT
mc down --dir "$mc_dir" >/dev/null 2>&1 || true
x=$(((port_base / 100) % 256))

# What the cluster could make: names carry the port base, addresses 10.213.X.
ours() {
    ip netns list | awk '{print "netns " $1}'
    ip -o link | awk -F': ' '{sub(/@.*/, "", $2); print "link " $2}'
    ip -o -4 addr | awk '{print "addr " $2 " " $4}'
} 2>/dev/null
made_by_us() { ours | grep -E "tf[bv]?$port_base|tfp${port_base}n| 10\.213\.$x\." || true; }
leftovers() {  # what: fail unless nothing of ours is there
    local left procs
    left=$(made_by_us) procs=$(marked_processes "$mc_dir")
    # A daemon the killed up had forked but not yet exec'd starts after
    # down has looked, finds its directories gone and exits: give such
    # stragglers a few seconds before calling them left over.
    for _ in $(seq 30); do
        [ -n "$procs" ] || break
        sleep 0.2
        procs=$(marked_processes "$mc_dir")
    done
    check "$1: no namespace, link or address left${left:+ (left: $(echo $left))}" test -z "$left"
    check "$1: no process left${procs:+ (PIDs $(echo $procs))}" test -z "$procs"
    check "$1: no record left in $mc_dir/containers" test ! -s "$mc_dir/containers/made"
}
log "before: $(ours | wc -l) namespaces, links and addresses on the host; of this cluster: $(made_by_us | wc -l)"
leftovers "before"
up() { "$top/tools/minicluster" up --dir "$mc_dir" --port-base "$port_base" --fresh --containers --nodes 2 "$@"; }

# 1. No namespaces allowed: refused before anything starts.
rm -rf "$mc_dir/log"
rc=0
out=$(setpriv --bounding-set=-sys_admin,-net_admin --inh-caps=-sys_admin,-net_admin \
    "$top/tools/minicluster" up --dir "$mc_dir" --port-base "$port_base" --fresh --containers 2>&1) || rc=$?
check "up --containers fails without CAP_SYS_ADMIN (exit $rc)" test $rc -ne 0
check "the message says namespaces are not allowed: '$out'" grep -q "does not let us make network namespaces" <<<"$out"
check "the message says nothing was started" grep -q "Nothing was started" <<<"$out"
check "nothing was started (no log of munged)" test ! -e "$mc_dir/log/munged.log"
leftovers "refused up"

# 2. Up: every node in its own namespaces, found by its hostname.
t0=$SECONDS
up >/dev/null
log "up --containers with 2 nodes in $((SECONDS - t0)) s: $(made_by_us | wc -l) namespaces, links and addresses"
export SLURM_CONF=$mc_dir/etc/slurm.conf
for n in 1 2; do
    ns=tf$port_base-tf$n
    check "tf$n has its namespace $ns" test -e "/run/netns/$ns"
    check "tf$n's slurmd runs in it" grep -qx "$(cat "$mc_dir/pids/slurmd-tf$n.pid")" <(ip netns pids "$ns")
    check "tf$n's slurmd listens on 6818 there" grep -q ':6818 ' <(ip netns exec "$ns" ss -Hltn)
    check "slurmctld knows tf$n at 10.213.$x.$n" grep -q "NodeAddr=10.213.$x.$n " <(scontrol show node "tf$n")
    out_file=$mc_dir/jobs/where-$n
    submit alice -w "tf$n" -t 1 -o "$out_file" --wrap 'hostname; ip -4 -o addr show dev eth0' >/dev/null
done
wait_queue_empty 30 || fail "the two jobs did not finish"
for n in 1 2; do
    check "a job on tf$n sees hostname tf$n" test "$(head -1 "$mc_dir/jobs/where-$n")" = "tf$n"
    check "a job on tf$n sees address 10.213.$x.$n" grep -q "inet 10.213.$x.$n/24" "$mc_dir/jobs/where-$n"
done
check "down succeeds" mc down --dir "$mc_dir"
leftovers "after down"

# 3. An up that fails after the network is made (slurmctld refuses a plugin).
rc=0
out=$(up --set SelectType=select/no_such_plugin 2>&1) || rc=$?
check "up fails when slurmctld cannot start (exit $rc)" test $rc -ne 0
check "it says it tears down" grep -q "tearing down" <<<"$out"
leftovers "failed up"

# 4. An up killed half-way, once the network is made: down finds it all in
#    the records under the cluster dir.
up >/dev/null 2>&1 &
up_pid=$!
for _ in $(seq 200); do [ "$(wc -l 2>/dev/null < "$mc_dir/containers/nodes" || echo 0)" = 2 ] && break; sleep 0.05; done
kill -KILL "$up_pid" 2>/dev/null || true
wait "$up_pid" 2>/dev/null || true
check "the killed up had made the nodes' namespaces" test "$(made_by_us | grep -c '^netns')" = 2
check "down after a killed up succeeds" mc down --dir "$mc_dir"
leftovers "killed up, then down"
check "a second down is harmless" mc down --dir "$mc_dir"
finish
