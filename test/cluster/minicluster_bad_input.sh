#!/usr/bin/env bash
# tools/minicluster refuses bad input clearly: a taken port is named before
# anything starts; a daemon that fails to start is named with the last lines
# of its log, and everything already started is torn down; a cluster
# directory that anyone but root could change is refused.
source "$(dirname "$0")/lib.sh"
trap 'mc down --dir "$mc_dir" >/dev/null 2>&1 || true; [ -n "${holder:-}" ] && kill "$holder" 2>/dev/null || true' EXIT
mc down --dir "$mc_dir" >/dev/null 2>&1 || true

# 1. A port of the cluster is taken by another process (ours, started here).
taken=$((port_base + 1))   # slurmdbd's port
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(120)' "$taken" &
holder=$!
for _ in $(seq 50); do [ -n "$(ss -Hltn "sport = :$taken")" ] && break; sleep 0.1; done
rc=0
out=$(mc up --dir "$mc_dir" --port-base "$port_base" --fresh 2>&1) || rc=$?
check "up fails when a port is taken (exit $rc)" test $rc -ne 0
check "the message names the port and its use" grep -q "port $taken (for slurmdbd) is already in use" <<<"$out"
check "nothing was started" test -z "$(marked_processes "$mc_dir")"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
holder=

# 2. slurmctld cannot start (a plugin that does not exist): named, with its
#    log, and munged, MariaDB and slurmdbd are stopped again.
rc=0
out=$(mc up --dir "$mc_dir" --port-base "$port_base" --fresh --set SelectType=select/no_such_plugin 2>&1) || rc=$?
check "up fails when slurmctld cannot start (exit $rc)" test $rc -ne 0
check "the message names slurmctld" grep -q "slurmctld exited during start-up" <<<"$out"
check "the message quotes slurmctld's log" grep -q "select/no_such_plugin" <<<"$out"
check "the message says it tears down" grep -q "tearing down" <<<"$out"
check "no process of the cluster is left" test -z "$(marked_processes "$mc_dir")"

# 3. A malformed cluster file is named with its line.
bad=$mc_dir/bad-cluster.conf
printf 'cluster x\nnode tf Count=2\n' > "$bad"
rc=0
out=$(mc up --dir "$mc_dir" --port-base "$port_base" --cluster-file "$bad" 2>&1) || rc=$?
check "up fails on an unknown kind in the cluster file (exit $rc)" test $rc -ne 0
check "the message names the file, line and kind" grep -q "bad-cluster.conf:2: unknown kind 'node'" <<<"$out"
check "still nothing running" test -z "$(marked_processes "$mc_dir")"
printf 'cluster x\nnodes tf Count=2 Gres=gpu:two\n' > "$bad"
rc=0
out=$(mc up --dir "$mc_dir" --port-base "$port_base" --cluster-file "$bad" 2>&1) || rc=$?
check "up fails on a Gres= that is not name[:type]:count (exit $rc)" test $rc -ne 0
check "the message names the file and the item" grep -q "bad-cluster.conf: Gres item 'gpu:two' is not name\[:type\]:count" <<<"$out"
check "no gres.conf is left behind" test ! -e "$mc_dir/etc/gres.conf"
check "and nothing running" test -z "$(marked_processes "$mc_dir")"

# 4. down on a directory where nothing runs is harmless.
check "down with nothing running succeeds" mc down --dir "$mc_dir"

# 5. conf edits slurm.conf as documented, and refuses what is not a setting
#    without touching the file.
cdir=$mc_dir/conf-edit
mkdir -p "$cdir/etc"
printf '%s\n' '# kept' PriorityType=priority/tailfold schedulerparameters=bf_interval=2 \
    'NodeName=n1 CPUs=1' 'PartitionName=p Nodes=n1' PrioritySiteFactorPlugin=site_factor/tailfold \
    > "$cdir/etc/slurm.conf"
mc conf --dir "$cdir" --set SchedulerParameters=bf_interval=5 --unset PrioritySiteFactorPlugin
check "conf replaces a key whatever its case, removes an unset one, keeps the rest" \
    test "$(cat "$cdir/etc/slurm.conf")" = "$(printf '%s\n' '# kept' PriorityType=priority/tailfold \
        'NodeName=n1 CPUs=1' 'PartitionName=p Nodes=n1' SchedulerParameters=bf_interval=5)"
cp "$cdir/etc/slurm.conf" "$cdir/before"
for bad in "--set PriorityType" "--set =x" "--unset PriorityType=x"; do
    rc=0
    # shellcheck disable=SC2086 # the option and its value are two words
    out=$(mc conf --dir "$cdir" $bad 2>&1) || rc=$?
    check "conf $bad fails (exit $rc) and says why: $out" test $rc -ne 0 -a -n "$out"
    check "conf $bad leaves the file as it was" cmp -s "$cdir/before" "$cdir/etc/slurm.conf"
done
rc=0
out=$(mc conf --dir "$mc_dir/none" --set A=1 2>&1) || rc=$?
check "conf without a cluster fails (exit $rc) and says so" grep -q "run up first" <<<"$out"

# 6. A --dir that anyone but root could change is refused (exit 2, one
#    line naming it and why) before anything is made or started: owned by
#    another user, writable by others, or to be made in a directory others
#    may write without the sticky bit.  A sticky parent (as /tmp) is fine.
pdir=$mc_dir/perm
rm -rf "$pdir"
mkdir -p "$pdir/notroot" "$pdir/open" "$pdir/openparent" "$pdir/sticky"
chown nobody "$pdir/notroot"
chmod 777 "$pdir/open" "$pdir/openparent"
chmod 1777 "$pdir/sticky"
refused() {  # dir why: up refuses it
    local d=$1 why=$2 rc=0 out
    out=$(mc up --dir "$d" --port-base "$port_base" --fresh 2>&1) || rc=$?
    [ $rc != 0 ] || mc down --dir "$d" >/dev/null 2>&1 || true   # came up: not refused
    check "up --dir $d fails with exit 2 (exit $rc)" test $rc = 2
    check "one line names the dir and why: $out" \
        test "$(wc -l <<<"$out")" = 1 -a -n "$(grep -F "refusing --dir $d: $why" <<<"$out")"
    check "nothing is made in or for $d" test ! -e "$d/etc" -a ! -e "$d/log" -a ! -e "$pdir/openparent/new"
    check "nothing was started for $d" test -z "$(marked_processes "$d")"
}
refused "$pdir/notroot" "$pdir/notroot is owned by nobody, not root"
refused "$pdir/notroot/sub" "$pdir/notroot is owned by nobody, not root"
refused "$pdir/open" "$pdir/open is writable by group or others (mode 777)"
refused "$pdir/openparent/new" "$pdir/openparent is writable by group or others without the sticky bit (mode 777)"
ln -s "$pdir/notroot" "$pdir/link"
refused "$pdir/link" "$pdir/notroot is owned by nobody, not root"
for cmd in down status restart conf; do
    rc=0
    mc "$cmd" --dir "$pdir/open" >/dev/null 2>&1 || rc=$?
    check "$cmd --dir on a dir others may write fails with exit 2 (exit $rc)" test $rc = 2
done
check "a dir in a sticky directory writable by all is accepted" mc env --dir "$pdir/sticky/mc"
chmod 755 "$pdir/open" "$pdir/openparent"
finish
