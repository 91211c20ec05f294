#!/usr/bin/env bash
# Each installed program's man page documents every option the program
# accepts, and no option it lacks.
#
# A program's options are those its --help lists, in its usage lines and
# in its option list (lines that start with the option), plus -h and
# --help, which every program answers (this test runs it, and wants exit
# 0).  The option strings of its parser (the C++ programs' comparisons
# with argv, the Python programs' add_argument calls) must all be in that
# list, so that an option added to the code but not to --help fails too.
# A man page documents an option with an entry: a ".TP" whose tag line
# holds it.
set -uo pipefail
src=${top_srcdir:?run through make check}
top=${top_builddir:?run through make check}
fail=0
opt='-{1,2}[A-Za-z][-A-Za-z0-9]*'

# The options in a --help text (stdin): in the usage lines ("usage:" and
# the indented lines after it) and in the option column of the option
# list's lines, which start with two spaces and the option (up to two
# spaces before the description; a description's wrapped lines are
# indented further).
help_options() {
    awk '/^usage:/ { u = 1; print; next }
         u && /^[ \t]/ { print; next }
         { u = 0 }
         /^  -/ { sub(/^  /, ""); sub(/  .*/, ""); print }' |
        grep -oE "(^|[][ (|,])$opt" | sed -E 's/^[][ (|,]//' | sort -u
}

# The options of a man page's entries: those a tag line (the line after
# a .TP, font escapes and a leading .B, .BR or .BI dropped, \- read as -)
# starts with, separated by ", " ("-h, --help").
page_options() {
    awk 'prev == ".TP" { print } { prev = $0 }' "$1" |
        sed -E 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.B[RI]? +//' |
        grep -oE "^$opt(, $opt)*" | sed 's/, /\n/g' | sort -u
}

# The option strings of a program's parser.
source_options() {
    case $1 in
    *.cc) grep -oE "== \"$opt\"" "$1" | grep -oE -- "$opt" | sort -u ;;
    *) grep -oE 'add_argument\([^)]*' "$1" | grep -oE "\"$opt\"" | tr -d '"' | sort -u ;;
    esac
}

# check NAME COMMAND SOURCE: NAME's page is man/NAME.[1-8].
check() {
    local name=$1 cmd=$2 source=$3 page help rc=0 want got missing extra unlisted
    page=$(ls "$src"/man/"$name".[1-8] 2>/dev/null | head -1)
    [ -n "$page" ] || { echo "FAIL: $name has no man page in man/"; fail=1; return; }
    help=$(COLUMNS=80 "$cmd" --help 2>&1) || rc=$?
    [ $rc = 0 ] || { echo "FAIL: $name --help exits $rc: $help"; fail=1; return; }
    want=$( (help_options <<<"$help"; printf '%s\n' -h --help) | sort -u)
    got=$(page_options "$page")
    missing=$(comm -23 <(echo "$want") <(echo "$got"))
    extra=$(comm -13 <(echo "$want") <(echo "$got"))
    unlisted=$(comm -23 <(source_options "$source") <(echo "$want"))
    [ -z "$missing" ] || { echo "FAIL: $name accepts options ${page#"$src"/} has no entry for:" $missing; fail=1; }
    [ -z "$extra" ] || { echo "FAIL: ${page#"$src"/} documents options $name --help does not list:" $extra; fail=1; }
    [ -z "$unlisted" ] || { echo "FAIL: $name's parser accepts options its --help does not list:" $unlisted; fail=1; }
    [ -n "$missing$extra$unlisted" ] || echo "ok: ${page#"$src"/}: every option of $name:" $want
}

check tailfold-estimates "$top/src/programs/tailfold-estimates" "$src/src/programs/tailfold-estimates.cc"
check tailfold-sim "$top/src/programs/tailfold-sim" "$src/src/programs/sim/cli_options.cc"
# The Python programs run Debian's interpreter (their #! line); a build
# root without it (the trixie root) skips them.
if [ -x /usr/bin/python3 ]; then
    check tailfold-why "$src/src/programs/tailfold-why" "$src/src/programs/tailfold-why"
    check tailfold-plot "$src/src/programs/tailfold-plot" "$src/src/programs/tailfold-plot"
else
    echo "skipped tailfold-why and tailfold-plot: no /usr/bin/python3 here"
fi
exit $fail
