#!/usr/bin/env bash
# Damaged state files: the estimate store (tailfold_estimates.json), the
# last-decay file (priority_last_decay_ran) and the chain credit book
# (priority_tailfold_chains) cut in half as by a full disk,
# emptied, filled with random bytes, or made unreadable.  For each, on one
# cluster restarted between cases: slurmctld starts, logs exactly one error
# line per file naming it, keeps the damaged file aside (byte for byte,
# under the name the line gives) instead of saving over it, does not decay
# usage over a made-up interval, runs a job, and its saves are good files
# again (the store valid and holding the job learned after the damage).
#
# Unreadable: root reads a file whatever its mode bits (chmod 000 changes
# nothing for slurmctld run as root), so a directory in the file's place
# stands for a file that cannot be read.
source "$(dirname "$0")/lib.sh"
store=$mc_dir/state/tailfold_estimates.json
state=$mc_dir/state/priority_last_decay_ran
chains=$mc_dir/state/priority_tailfold_chains
ctl_log=$mc_dir/log/slurmctld.log

# duration_source=history: the store matters.  bf_runtime=predicted: the
# scheduler reads the store too, and must not add a second error line.
cluster_up --set PriorityParameters=duration_weight=1000,duration_source=history,chain_credit=on \
    --set SchedulerParameters=bf_interval=2,bf_runtime=predicted >/dev/null

# Entries named NAME in the store (runs:last), empty if none or unreadable.
learned() {  # name
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "tailfold-estimates"
print(" ".join("%d:%s" % (e["runs"], ",".join(map(str, e["last"])))
               for e in d["entries"] if e.get("name") == sys.argv[2]))' "$store" "$1" 2>/dev/null
}
# The last-decay file's time of the last pass (two big-endian 64-bit times).
last_decay() {
    python3 -c 'import struct, sys; print(struct.unpack(">qq", open(sys.argv[1], "rb").read())[0])' \
        "$state" 2>/dev/null
}
bob_usage() { sshare -a -h -P -o User,RawUsage | awk -F'|' '$1 == "bob" && !n {print $2; n=1}'; }
run_job() {  # user name: one short job, waited for
    submit "$1" -n 1 -t 5 -J "$2" --wrap 'sleep 1' >/dev/null
    wait_queue_empty 60 || fail "job $2 did not finish"
}
# Restart slurmctld; the log lines it wrote go to $new_lines.
restart_ctld() {
    local before
    before=$(wc -l < "$ctl_log")
    mc restart --dir "$mc_dir" >/dev/null || fail "slurmctld did not restart"
    sleep 2   # the first priority pass runs at start-up
    new_lines=$(tail -n +"$((before + 1))" "$ctl_log")
}

# A store with history and usage for bob, saved by a clean restart's pass.
submit bob -n 8 -t 5 -J teach --wrap 'sleep 5' >/dev/null
wait_queue_empty 60 || fail "bob's job did not finish"
restart_ctld
check "the store learned bob's job before any damage" test -n "$(learned teach)"
usage0=$(bob_usage)
check "bob has usage to lose ($usage0)" awk -v u="$usage0" 'BEGIN { exit !(u > 0) }'

# damage HOW FILE: cut | empty | garbage | directory.  Keeps a copy of
# what was written in FILE.expected for the comparison with the kept file.
damage() {
    local how=$1 f=$2 size
    rm -rf "$f.expected"
    case $how in
        cut) size=$(stat -c %s "$f"); head -c $((size / 2)) "$f" > "$f.cut"; mv "$f.cut" "$f" ;;
        empty) : > "$f" ;;
        garbage) head -c "$(( $(stat -c %s "$f") > 16 ? 4096 : 16 ))" /dev/urandom > "$f" ;;
        directory) rm -f "$f"; mkdir "$f"; echo "not a state file" > "$f/inside" ;;
    esac
    cp -a "$f" "$f.expected"
}

# check_one_error FILE WHAT: exactly one error line names FILE; the copy it
# names holds what was damaged; FILE itself is gone until the next save.
check_one_error() {
    local f=$1 how=$2 lines kept
    lines=$(grep -F "error: " <<<"$new_lines" | grep -F "$f" || true)
    check "$how $(basename "$f"): exactly one error line names it ($(head -1 <<<"$lines" | sed 's/.*error: //'))" \
        test "$(grep -c . <<<"$lines")" = 1
    kept=$(grep -o "kept as $f\.damaged\.[0-9.]*[0-9]" <<<"$lines" | head -1 | sed 's/^kept as //')
    check "$how $(basename "$f"): kept aside as the line says, unchanged" \
        diff -r "$f.expected" "${kept:-/nonexistent}"
    rm -rf "$f.expected" "$kept"
}

for how in cut empty garbage directory; do
    log "case: $how"
    damage "$how" "$store"
    damage "$how" "$state"
    damage "$how" "$chains"
    usage_before=$(bob_usage)
    t0=$(date +%s)
    restart_ctld
    check_one_error "$store" "$how"
    check_one_error "$state" "$how"
    check_one_error "$chains" "$how"
    check "$how: no other tailfold error, nothing fatal" \
        test -z "$(grep -E 'error: .*tailfold|fatal' <<<"$new_lines" | grep -vF -e "$store" -e "$state" -e "$chains")"
    check "$how: slurmctld runs" scontrol ping >/dev/null
    # No decay over a made-up interval: usage stays (7-day half-life: a
    # few seconds take off less than 0.01%; sshare shows whole numbers).
    after=$(bob_usage)
    check "$how: bob's usage is not decayed or charged again ($usage_before -> $after)" \
        awk -v a="$usage_before" -v b="$after" 'BEGIN { exit !(b <= a && b >= 0.99 * a - 1) }'
    check "$how: the first pass wrote a good last-decay file (a time of now)" \
        awk -v t="$(last_decay)" -v t0="$t0" 'BEGIN { exit !(t >= t0 && t <= t0 + 60) }'
    run_job carol "after_$how"
    # The job is learned at the next pass; a restart runs one at once, and
    # its load is the plugin's own check that the saved file is good.
    restart_ctld
    check "$how: the store was saved again, valid, with the job learned after the damage" \
        test -n "$(learned "after_$how")"
    check "$how: the saved store loads without an error" \
        grep -q "runtime estimates loaded from $store" <<<"$new_lines"
    check "$how: the chain book was saved again and loads without an error" \
        grep -q "chain credit: .* (from $chains)" <<<"$new_lines"
done
# It says nothing on stderr unless the store is bad.
complaints=$("$top/src/programs/tailfold-estimates" show --store "$store" --params duration_source=history 2>&1 >/dev/null)
check "tailfold-estimates reads the final store without a complaint" test -z "$complaints"
finish
