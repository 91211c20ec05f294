#!/usr/bin/env bash
# tailfold-estimates seed: learns COMPLETED and TIMEOUT runs from sacct -P
# output, names each line that makes no sense, and writes a store the
# plugins read; show lists pending jobs with escaped names.  No Slurm
# daemon needed (squeue is a stand-in).
set -uo pipefail
top=${top_builddir:?run through make check}
tool=$top/src/programs/tailfold-estimates
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tailfold-seed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

cat > "$tmp/sacct.txt" <<'IN'
JobID|UID|Account|JobName|ElapsedRaw|TimelimitRaw|State|End
11|1000|physics|sim|100|60|COMPLETED|2026-01-01T10:00:00
12|1000|physics|sim|300|60|COMPLETED|2026-01-02T10:00:00
10|1000|physics|sim|999|60|COMPLETED|2025-12-01T10:00:00
13|1000|physics|long|3500|60|TIMEOUT|2026-01-03T10:00:00
14|2000|chem|md|50|10|CANCELLED by 0|2026-01-03T11:00:00
15|2000|chem|md|abc|10|COMPLETED|2026-01-03T12:00:00
16|2000|chem|md|40|10|COMPLETED
17|x|chem|md|40|10|COMPLETED|2026-01-03T13:00:00
18|2000|chem|md|70|UNLIMITED|COMPLETED|2026-01-03T14:00:00
IN
out=$("$tool" seed --store "$tmp/store.json" "$tmp/sacct.txt" 2>"$tmp/err")
rc=$?
[ $rc = 0 ] || bad "seed exited $rc"
grep -q "learned 5 runs (1 not COMPLETED/TIMEOUT, 3 bad lines skipped)" <<<"$out" || bad "summary: $out"
grep -q "sacct.txt:7: ElapsedRaw 'abc' is not a number" "$tmp/err" || bad "line 7 not named: $(cat "$tmp/err")"
grep -q "sacct.txt:8: has 7 fields, the header 8" "$tmp/err" || bad "line 8 not named"
grep -q "sacct.txt:9: UID 'x' is not a number" "$tmp/err" || bad "line 9 not named"
python3 - "$tmp/store.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "tailfold-estimates", d
jobs = {(e["uid"], e["account"], e["name"]): e for e in d["entries"] if not e.get("user")}
# Newest two of (1000, physics, sim), ordered by End: 300 then 100.
assert jobs[(1000, "physics", "sim")]["last"] == [300, 100], jobs
assert jobs[(1000, "physics", "sim")]["runs"] == 3
# A TIMEOUT counts as at least its limit (60 min).
assert jobs[(1000, "physics", "long")]["last"] == [3600], jobs
assert jobs[(2000, "chem", "md")]["last"] == [70], jobs
print("ok: store holds the expected runs")
PY
# Seeding again adds to the store.
"$tool" seed --store "$tmp/store.json" "$tmp/sacct.txt" >/dev/null 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); e=[x for x in d["entries"] if x.get("name")=="sim"][0]; assert e["runs"]==6, e' "$tmp/store.json" || bad "second seed did not add"
# Durations in Slurm's forms (Elapsed, Timelimit), field names in another
# case (sacct -o takes any), CRLF line ends: read as sacct -P's raw fields.
printf 'jobid|uid|account|jobname|elapsed|timelimit|state|end\r\n1|3000|bio|aln|1-00:00:05|2-00:00:00|COMPLETED|2026-01-01T10:00:00\r\n2|3000|bio|aln|05:00|UNLIMITED|COMPLETED|2026-01-02T10:00:00\r\n' > "$tmp/forms.txt"
"$tool" seed --store "$tmp/forms.json" "$tmp/forms.txt" >"$tmp/out7" 2>&1 || bad "Slurm's time forms: $(cat "$tmp/out7")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); e=[x for x in d["entries"] if x.get("name")=="aln"][0]; assert e["last"]==[300, 86405] and e["limits"]==[0, 172800], e' "$tmp/forms.json" ||
    bad "Slurm's time forms: $(cat "$tmp/forms.json")"
# A header without the needed fields is refused, naming them.
printf 'JobID|State\n1|COMPLETED\n' > "$tmp/thin.txt"
"$tool" seed --store "$tmp/other.json" "$tmp/thin.txt" 2>"$tmp/err2" && bad "thin header accepted"
grep -q "lacks: UID (or User) Account JobName ElapsedRaw (or Elapsed) TimelimitRaw (or Timelimit)" "$tmp/err2" || bad "thin header: $(cat "$tmp/err2")"
# A damaged store is not overwritten.
printf '{"format": ' > "$tmp/broken.json"
"$tool" seed --store "$tmp/broken.json" "$tmp/sacct.txt" 2>"$tmp/err3" && bad "damaged store overwritten"
grep -q "not valid JSON" "$tmp/err3" || bad "damaged store: $(cat "$tmp/err3")"
[ "$(cat "$tmp/broken.json")" = '{"format": ' ] || bad "damaged store changed"

# Seeding as root into a directory of another user (StateSaveLocation of
# SlurmUser): the store and its lock belong to that user, so slurmctld can
# read and lock them.
if [ "$(id -u)" = 0 ] && id daemon >/dev/null 2>&1; then
    chmod 711 "$tmp"
    mkdir "$tmp/ssl" && chown daemon:daemon "$tmp/ssl" && chmod 700 "$tmp/ssl"
    "$tool" seed --store "$tmp/ssl/tailfold_estimates.json" "$tmp/sacct.txt" >/dev/null 2>&1 || bad "seed into daemon's directory"
    for f in tailfold_estimates.json tailfold_estimates.lock; do
        [ "$(stat -c %U:%G "$tmp/ssl/$f" 2>/dev/null)" = daemon:daemon ] || bad "$f is $(stat -c %U:%G "$tmp/ssl/$f" 2>&1), not daemon's"
    done
    runuser -u daemon -- python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/ssl/tailfold_estimates.json" ||
        bad "daemon cannot read the seeded store"
else
    echo "skip: seeding into another user's directory needs root and a daemon user"
fi
# While another process (slurmctld's plugin) holds the lock, seeding is
# refused with one line and the store is unchanged.
cp "$tmp/store.json" "$tmp/store.before"
# The holder waits for the lock (the probe below takes it for a moment).
(exec 9>"$tmp/store.lock" && flock -w 20 9 && exec sleep 30) &
holder=$!
for _ in $(seq 100); do flock -n "$tmp/store.lock" true || break; sleep 0.1; done
"$tool" seed --store "$tmp/store.json" "$tmp/sacct.txt" >/dev/null 2>"$tmp/err6" && bad "seed while the lock is held"
grep -qx "tailfold-estimates: slurmctld (or another seed) holds $tmp/store.lock: stop slurmctld before seeding, or the plugin's next save would overwrite the seed" "$tmp/err6" ||
    bad "lock held: $(cat "$tmp/err6")"
cmp -s "$tmp/store.json" "$tmp/store.before" || bad "the store changed while the lock was held"
kill "$holder"; wait "$holder" 2>/dev/null
# Two seeds at once: each is saved or refused, the store is always whole,
# and no temporary file stays.
for round in $(seq 10); do
    "$tool" seed --store "$tmp/race.json" "$tmp/sacct.txt" >"$tmp/race1" 2>&1 &
    "$tool" seed --store "$tmp/race.json" "$tmp/sacct.txt" >"$tmp/race2" 2>&1 &
    wait
    for r in race1 race2; do
        grep -q "^learned 5 runs\|holds $tmp/race.lock: stop slurmctld" "$tmp/$r" || bad "race $round: $(cat "$tmp/$r")"
    done
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/race.json" || bad "race $round: the store is broken"
done
ls "$tmp" | grep -q '\.new' && bad "temporary files left: $(ls "$tmp")"

# show: names with '|', a newline or bytes that are not UTF-8 (Slurm takes
# any byte but NUL) neither crash it nor shift its columns; a bad UID or
# limit from squeue is named, not a crash.  squeue is a stand-in here.
printf 'JobID|UID|Account|JobName|ElapsedRaw|TimelimitRaw|State|End\n30|1000|physics|\377|500|60|COMPLETED|2026-01-05T10:00:00\n31|1000|physics|big|99999999999999999999|60|COMPLETED|2026-01-05T10:00:00\n' > "$tmp/odd.txt"
"$tool" seed --store "$tmp/store.json" "$tmp/odd.txt" >/dev/null 2>"$tmp/err4" || bad "seed of a \\xff name: $(cat "$tmp/err4")"
grep -q "odd.txt:3: ElapsedRaw '99999999999999999999' is out of range" "$tmp/err4" || bad "seed: a 20-digit runtime: $(cat "$tmp/err4")"
mkdir -p "$tmp/bin"
cat > "$tmp/bin/squeue" <<'SQ'
#!/bin/sh
printf '101|1000|alice|physics|1:00:00|sim|101\n'
printf '102|1000|alice|physics|10:00|a|b|102\n'
printf '103|1000|alice|physics|10:00|line\nbreak|103\n'
printf '104|1000|alice|physics|1:00:00|\377|104\n'
printf '105|x|alice|physics|10:00|n|105\n'
printf '106|1000|alice|physics|bogus|n|106\n'
printf 'garbage line\n'
printf '107|99999999999999999999|alice|physics|1:00|n|107\n'
printf '108|1000|alice|physics|10:00|tab\there\\back|108\n'
SQ
chmod +x "$tmp/bin/squeue"
out=$(PATH="$tmp/bin:$PATH" "$tool" show --store "$tmp/store.json" --params duration_source=history 2>"$tmp/err5")
rc=$?
[ $rc = 0 ] || bad "show exited $rc: $(cat "$tmp/err5")"
# Every job line has the 8 columns JOBID USER ACCOUNT NAME LIMIT EXPECTED
# FORECAST FROM.  101: runs of 300 and 100 s under 60-minute limits: the
# mean, 200 s, and a share of 1/18 of the hour it asks for, 200 s too.
n=$(awk 'NR > 1 && NF == 8' <<<"$out" | wc -l)
[ "$n" = 8 ] && [ "$(wc -l <<<"$out")" = 9 ] || bad "show: want 8 job lines of 8 columns: $out"
grep -qE '^101 .* sim +1:00:00 +0:03:20 +0:03:20  history$' <<<"$out" || bad "show 101: $out"
grep -qF ' a\|b ' <<<"$out" || bad "show 102: $out"
grep -qF ' line\nbreak ' <<<"$out" || bad "show 103: $out"
grep -qE '^104 .* \\xff +1:00:00 +0:08:20 +0:08:20  history$' <<<"$out" || bad "show 104 (learned as \\xff): $out"
grep -qF ' tab\there\\back ' <<<"$out" || bad "show 108: $out"
grep -q "job 105: UID 'x' is not a number" "$tmp/err5" || bad "show 105 not named: $(cat "$tmp/err5")"
grep -q "job 106: limit 'bogus' is not a duration" "$tmp/err5" || bad "show 106 not named"
grep -q "squeue record 7 ('garbage line')" "$tmp/err5" || bad "garbage record not named: $(cat "$tmp/err5")"
grep -q "job 107: UID '99999999999999999999' is not a number" "$tmp/err5" || bad "show 107 not named"
# A bad argument is a usage line, never a crash.
"$tool" show --store 2>/dev/null; [ $? = 2 ] || bad "show --store without a value"
[ $fail = 0 ] && echo "ok: tailfold-estimates seed and show"
exit $fail
