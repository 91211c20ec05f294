# Helpers shared by the cluster benchmarks in bench/.  Sourced, not run.
# GPL-2.0-or-later.

mc() { "$top/tools/minicluster" "$@"; }
ctld_pid() { cat "$1/pids/slurmctld.self.pid"; }
# CPU nanoseconds of the slurmctld threads named $2 (schedstat: finer than
# the 10 ms ticks of /proc/.../stat, which a 3 ms pass would not show).
thread_ns() {
    local pid=$1 name=$2 t sum=0
    for t in /proc/"$pid"/task/*; do
        [ "$(cat "$t/comm" 2>/dev/null)" = "$name" ] || continue
        sum=$((sum + $(awk '{print $1}' "$t/schedstat")))
    done
    echo $sum
}
