#!/usr/bin/env bash
# tailfold-plot: draws utilization and waits from hand-written per-job CSV
# files (the format of tailfold-sim --jobs-csv) into valid PNG files, and
# names the file and line of a CSV that makes no sense, drawing nothing.
# Needs python3-matplotlib (tools/install-deps); no simulator run needed.
set -uo pipefail
top=${top_builddir:?run through make check}
plot=${srcdir:-$top}/src/programs/tailfold-plot  # a script: it lives in the source tree
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tailfold-plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

is_png() { [ "$(od -An -tx1 -N8 "$1" 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ]; }

# 4 CPUs.  easy: job 4 never started (start -1).
cat > "$tmp/run-easy.csv" <<'IN'
id,submit,start,end,cpus,runtime,limit,user
1,0,0,100,2,100,100,1
2,1,100,200,4,100,100,2
3,2,2,52,2,50,50,1
4,3,-1,-1,8,50,50,1
IN
cat > "$tmp/run-tailfold.csv" <<'IN'
id,submit,start,end,cpus,runtime,limit,user
1,0,0,100,2,100,100,1
2,1,150,250,4,100,100,2
3,2,2,52,2,50,50,1
IN
for kind in cdf box; do
    out=$("$plot" --cpus 4 --out "$tmp/$kind" --wait-plot $kind --title hand "$tmp/run-easy.csv" \
        "$tmp/run-tailfold.csv" 2>"$tmp/err")
    rc=$?
    [ $rc = 0 ] || bad "$kind: exit $rc: $(cat "$tmp/err")"
    for png in utilization waits; do
        [ -s "$tmp/$kind/$png.png" ] || { bad "$kind: $png.png not written"; continue; }
        is_png "$tmp/$kind/$png.png" || bad "$kind: $png.png is not a PNG"
        grep -qx "$tmp/$kind/$png.png" <<<"$out" || bad "$kind: $png.png not listed: $out"
    done
done

# Means over bins: PNGs too; a negative bin refused.
"$plot" --cpus 4 --bin 60 --out "$tmp/bin" "$tmp/run-easy.csv" >/dev/null 2>"$tmp/err" || bad "--bin 60: $(cat "$tmp/err")"
is_png "$tmp/bin/utilization.png" || bad "--bin 60: no utilization.png"
"$plot" --cpus 4 --bin -1 --out "$tmp/none" "$tmp/run-easy.csv" 2>/dev/null && bad "--bin -1 accepted"
# The binning's arithmetic, by hand: 2 CPUs busy on [0,10), 4 on [10,15),
# bins of 10 s: a mean of 2, then 4 over the 5 s the last bin covers.
/usr/bin/python3 - "$plot" <<'PY' || bad "binning"
import importlib.machinery, importlib.util, sys
loader = importlib.machinery.SourceFileLoader("plot", sys.argv[1])
plot = importlib.util.module_from_spec(importlib.util.spec_from_loader("plot", loader))
loader.exec_module(plot)
assert plot.binned([0, 10, 15], [2, 4, 0], 0, 10) == ([0, 10, 15], [2.0, 4.0, 4.0])
assert plot.binned([0, 25], [3, 0], 0, 10) == ([0, 10, 20, 25], [3.0, 3.0, 3.0, 3.0])
assert plot.auto_bin(100000, 2000) == 0          # few steps: every one drawn
assert plot.auto_bin(340 * 86400, 50000) == 86400  # a year of steps: daily means
PY

# Garbled files: non-zero exit, the file and line named, nothing drawn.
expect_error() {  # name, content, message
    printf '%s' "$2" > "$tmp/$1"
    rm -rf "$tmp/none"
    "$plot" --cpus 4 --out "$tmp/none" "$tmp/run-easy.csv" "$tmp/$1" >/dev/null 2>"$tmp/err"
    rc=$?
    [ $rc != 0 ] || bad "$1 accepted"
    grep -qF "$tmp/$1$3" "$tmp/err" || bad "$1: expected '$1$3', got: $(cat "$tmp/err")"
    [ ! -e "$tmp/none" ] || bad "$1: something was drawn"
}
expect_error bad-word.csv $'id,submit,start,end,cpus,runtime,limit,user\n1,0,0,10,1,10,10,1\n2,0,abc,10,1,10,10,1\n' \
    ":3: start 'abc' is not a whole number"
expect_error bad-count.csv $'id,submit,start,end,cpus,runtime,limit,user\n1,0,0,10\n' \
    ":2: has 4 fields, the header 8"
expect_error bad-header.csv $'job,wait\n1,0\n' ":1: the header lacks id submit start end cpus runtime limit user"
expect_error bad-empty.csv '' ":1: no header"
expect_error bad-order.csv $'id,submit,start,end,cpus,runtime,limit,user\n1,50,10,60,1,50,50,1\n' \
    ":2: times out of order (submit 50, start 10, end 60)"
"$plot" --cpus 4 --out "$tmp/none" "$tmp/no-such.csv" 2>"$tmp/err" && bad "a missing file accepted"
grep -qF "$tmp/no-such.csv: cannot read: No such file or directory" "$tmp/err" || bad "missing file: $(cat "$tmp/err")"
"$plot" --out "$tmp/none" "$tmp/run-easy.csv" 2>/dev/null && bad "no --cpus accepted"

[ $fail = 0 ] && echo "ok: tailfold-plot"
exit $fail
