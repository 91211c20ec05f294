#!/usr/bin/env bash
# tools/minicluster creates the cluster file's OS users that the machine
# lacks and removes them at down, but not while another cluster still uses
# them, never one that existed before, and none with down --keep-users.
# Two clusters come up at once with the same users, as bag_of_tasks's do.
# The users' names carry the port base, so no other cluster has them.
source "$(dirname "$0")/lib.sh"
one=$mc_dir/one two=$mc_dir/two
registry=/var/lib/tailfold-minicluster/users
a=tfu${port_base}a b=tfu${port_base}b pre=tfu${port_base}p
cleanup() {
    mc down --dir "$one" >/dev/null 2>&1 || true
    mc down --dir "$two" >/dev/null 2>&1 || true
    local u
    for u in "$a" "$b" "$pre"; do
        ! id "$u" >/dev/null 2>&1 || userdel --remove "$u" >/dev/null 2>&1 || true
        rm -f "$registry/$u"
    done
}
trap cleanup EXIT
cleanup
mkdir -p "$mc_dir"
cf=$mc_dir/users-cluster.conf
cat > "$cf" <<EOF
cluster   users
nodes     un   Count=1 Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=1000
partition main Nodes=ALL Default=YES MaxTime=60
account   acct Fairshare=1
user      $a   Account=acct
user      $b   Account=acct
user      $pre Account=acct
slurm     DefMemPerCPU=100
EOF
useradd --create-home --shell /bin/bash "$pre"
up() { local d=$1 p=$2; shift 2; mc up --dir "$d" --port-base "$p" --fresh --cluster-file "$cf" "$@"; }
exists() { id "$1" >/dev/null 2>&1; }
home() { getent passwd "$1" | cut -d: -f6; }
declare -A homes=()
gone() { ! id "$1" >/dev/null 2>&1 && [ ! -e "${homes[$1]:-/nonexistent}" ] && [ ! -e "$registry/$1" ]; }
uses() { local n; n=$(grep -c '^use ' "$registry/$1" 2>/dev/null) || true; echo "${n:-0}"; }
created_in() { cat "$one/os-users" "$two/os-users" 2>/dev/null | grep -c "^$1 " || true; }

# 1. Both clusters at once: each user is created by one of them and used by both.
up "$one" "$port_base" > "$mc_dir/one.out" 2>&1 &
p1=$!
up "$two" $((port_base + 50)) > "$mc_dir/two.out" 2>&1 &
p2=$!
rc1=0 rc2=0
wait $p1 || rc1=$?
wait $p2 || rc2=$?
check "two clusters with the same new users come up at once (exit $rc1, $rc2)" test $rc1 = 0 -a $rc2 = 0
if [ $rc1 != 0 ] || [ $rc2 != 0 ]; then cat "$mc_dir/one.out" "$mc_dir/two.out"; fi
for u in "$a" "$b"; do
    check "$u was created" exists "$u"
    homes[$u]=$(home "$u")
    check "$u has a home, ${homes[$u]}" test -n "${homes[$u]}" -a -d "${homes[$u]}"
    check "$u is in the os-users file of exactly one cluster ($(created_in "$u"))" test "$(created_in "$u")" = 1
    check "$u is recorded as used by both clusters ($(uses "$u") uses)" test "$(uses "$u")" = 2
done
check "$pre, which existed before, is in no record" \
    test ! -e "$registry/$pre" -a "$(created_in "$pre")" = 0
out=$(cd "$two/jobs" && timeout 60 runuser -u "$a" -- env SLURM_CONF="$two/etc/slurm.conf" srun -t 1 id -un 2>&1) || true
check "a job of $a runs on the second cluster ($out)" test "$out" = "$a"

# A cluster dir removed without a down keeps no user.
echo "use $mc_dir/removed-without-down" >> "$registry/$b"

# 2. The first goes down: the second still uses the users.
check "down of the first cluster succeeds" mc down --dir "$one"
for u in "$a" "$b"; do
    check "$u stays while the second cluster uses it" exists "$u"
    check "$u is recorded as used by one cluster ($(uses "$u") uses)" test "$(uses "$u")" = 1
done

# 3. The second goes down: the users the minicluster made go, the other stays.
check "down of the second cluster succeeds" mc down --dir "$two"
for u in "$a" "$b"; do
    check "$u is removed with the last cluster that used it (user, home, record)" gone "$u"
done
check "$pre, which existed before, is untouched" test -n "$(home "$pre")" -a -d "$(home "$pre")"

# 4. An up that fails gives its users back.
rc=0
up "$one" "$port_base" --set SelectType=select/no_such_plugin >/dev/null 2>&1 || rc=$?
check "up fails when slurmctld cannot start (exit $rc)" test $rc != 0
for u in "$a" "$b"; do check "$u is removed after the failed up" gone "$u"; done

# 5. down --keep-users keeps them, and they are then ordinary users.
up "$one" "$port_base" >/dev/null
check "$a is created again" exists "$a"
check "down --keep-users succeeds" mc down --dir "$one" --keep-users
for u in "$a" "$b"; do
    check "$u is kept" exists "$u"
    check "$u is no longer recorded" test ! -e "$registry/$u"
done
up "$one" "$port_base" >/dev/null
check "down after an up with the kept users succeeds" mc down --dir "$one"
check "$a, kept, survives a later up and down" exists "$a"
finish
