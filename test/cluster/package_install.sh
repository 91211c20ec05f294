#!/usr/bin/env bash
# The Debian package of make deb (tools/make-deb) on a real cluster.  It is
# built from the plain build and installed with dpkg -i on this host (in
# the trixie root under test/cluster/run-24.11); a mini-cluster whose
# PluginDir is Slurm's own directory only (minicluster --installed-plugins)
# loads the installed plugins, the very files dpkg put there, and runs
# jobs under them; the installed programs and man page work.  dpkg --purge
# then leaves no file or directory of the package and no dpkg record, and
# the system's package list and the package's directories are as before.
# It refuses to run where a tailfold package is installed already, and
# purges what it installed on any exit.
#
# Beside other tests: they list their build's plugin directory before
# Slurm's own in PluginDir, and slurmctld and sshare load the first file of
# a plugin's name found along that list, so the installed plugins never
# stand in for theirs.
#
# The package holds the plain build's plugins, also when tools/test-all
# runs the cluster tests with sanitized ones: no ASan runtime is preloaded.
unset TF_MINICLUSTER_CTLD_PRELOAD TF_MINICLUSTER_PLUGIN_DIR
source "$(dirname "$0")/lib.sh"

pkg=tailfold
fs=$slurm_root                  # the package's files as seen from here
deb_dir=$mc_dir-deb
version=$(sed -n 's/^AC_INIT(\[tailfold\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
IFS=. read -r r_major r_minor r_micro <<<"$slurm_release"
next_release=$r_major.$r_minor.$((r_micro + 1))
# sys COMMAND...: COMMAND as root where the package goes (host or root).
sys() {
    if [ -n "$slurm_root" ]; then "$top/tools/in-root" --root "$slurm_root" --cd / -- "$@"; else "$@"; fi
}
# dpkg waits for a lock another process (apt-get) holds, for up to 2 minutes.
dpkg_run() {
    local end=$((SECONDS + 120)) out status
    while :; do
        status=0
        out=$(sys dpkg "$@" 2>&1) || status=$?
        printf '%s\n' "$out" > "$mc_dir-dpkg.out"
        grep -q 'lock' <<<"$out" && [ $status != 0 ] && [ $SECONDS -lt $end ] || break
        sleep 2
    done
    [ $status = 0 ] || { printf '%s\n' "$out" | sed 's/^/  dpkg: /'; }
    return $status
}
pkg_status() { sys dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true; }
packages() { sys dpkg-query -W -f='${binary:Package} ${Version} ${db:Status-Abbrev}\n' | sort; }

# Refused where the package is already installed (or its conffiles are
# kept): the purge at the end would remove someone's installation.
status=$(pkg_status)
case $status in
    ''|*not-installed) ;;
    *) log "FAIL: a $pkg package is installed${slurm_root:+ in $slurm_root} already ($status): this test installs and purges its own; remove it first (dpkg --purge $pkg)"
       exit 1 ;;
esac

# The package, from the plain build this test's Slurm release runs with.
if [ -n "$slurm_root" ]; then
    build=$top/run/build-$slurm_release/src
else
    build=$top
fi
rm -rf "$deb_dir"
mkdir -p "$deb_dir"
t0=$SECONDS
if [ -n "$slurm_root" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct) \
        "$top/tools/in-root" --root "$slurm_root" --cd "$build" -- \
        "$top/tools/make-deb" --builddir "$build" --out "$deb_dir" > "$deb_dir/make-deb.out" 2>&1 ||
        { cat "$deb_dir/make-deb.out"; fail "make-deb failed for $build"; finish; }
else
    "$top/tools/make-deb" --builddir "$build" --out "$deb_dir" > "$deb_dir/make-deb.out" 2>&1 ||
        { cat "$deb_dir/make-deb.out"; fail "make-deb failed for $build"; finish; }
fi
sed 's/^/  /' "$deb_dir/make-deb.out"
deb=$(tail -1 "$deb_dir/make-deb.out")
log "package built in $((SECONDS - t0)) s: $(basename "$deb")"
check "the .deb exists" test -f "$deb"
check "its version is $version+slurm$slurm_release" \
    test "$(dpkg-deb -f "$deb" Version)" = "$version+slurm$slurm_release"
depends=$(dpkg-deb -f "$deb" Depends) breaks=$(dpkg-deb -f "$deb" Breaks)
check "it depends on Slurm's plugins of $slurm_release only ($depends)" \
    grep -qF "slurm-wlm-basic-plugins (>= $slurm_release), slurm-wlm-basic-plugins (<< $next_release~)" <<<"$depends"
check "it breaks slurmctld of any other release ($breaks)" \
    test "$breaks" = "slurmctld (<< $slurm_release), slurmctld (>= $next_release~)"
if [ -z "$slurm_root" ]; then
    # make-deb fails on a lintian error; here it must have run lintian.
    check "lintian checked the package and found no error" \
        test -z "$(grep 'lintian is not installed' "$deb_dir/make-deb.out")"
elif command -v lintian >/dev/null; then
    # The root has no lintian: the host's checks the package.
    lintian "$deb" > "$deb_dir/lintian.out" 2>&1 || fail "lintian found errors in the package"
    grep -v 'root privileges' "$deb_dir/lintian.out" | sed 's/^/  lintian: /' || true
fi

# Slurm's own plugin directory, as minicluster finds it.
slurmlib=$(dirname "$(ls "$fs"/usr/lib/*/slurm-wlm/libslurmfull.so | head -1)")
slurmlib=${slurmlib#"$fs"}
contents=$(dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|; s|/$||' | grep -v '^$')
for f in "$slurmlib/priority_tailfold.so" "$slurmlib/sched_tailfold.so" "$slurmlib/site_factor_tailfold.so" \
         /usr/bin/tailfold-estimates /usr/share/man/man5/tailfold.5.gz \
         "/usr/share/doc/$pkg/copyright" "/usr/share/doc/$pkg/examples/slurm.conf.tailfold"; do
    check "the package holds $f" grep -qxF "$f" <<<"$contents"
done

# The system before: its packages, and what each of the package's
# directories holds.  None of the package's files may exist yet.
packages > "$deb_dir/packages.before"
dirs=() files=()
while read -r kind p; do
    p=${p#.}; p=${p%/}
    [ -n "$p" ] || continue
    if [ "$kind" = d ]; then dirs+=("$p"); else files+=("$p"); fi
done < <(dpkg-deb -c "$deb" | awk '{print substr($1, 1, 1), $NF}')
snapshot() {  # each directory of the package: "DIR: absent", or "DIR: NAME" for what it holds
    local d
    for d in "${dirs[@]}"; do
        if [ -d "$fs$d" ]; then
            echo "$d: "
            find "$fs$d" -mindepth 1 -maxdepth 1 -printf "$d: %P\n" | sort
        else
            echo "$d: absent"
        fi
    done
}
snapshot > "$deb_dir/dirs.before"
present=$(for f in "${files[@]}"; do [ -e "$fs$f" ] || [ -L "$fs$f" ] && echo "$f"; done || true)
if [ -n "$present" ]; then
    log "FAIL: files of the package exist before it is installed (another installation, e.g. make install?):"
    echo "$present" | sed 's/^/  /'
    exit 1
fi

# Installed; purged on any exit from here on, whatever else happened.
ours=0
purge_ours() {
    [ $ours = 1 ] || return 0
    case $(pkg_status) in ''|*not-installed) ;; *) sys dpkg --purge "$pkg" >/dev/null 2>&1 || true ;; esac
}
trap 'purge_ours' EXIT
ours=1
t0=$SECONDS
dpkg_run -i "$deb" || fail "dpkg -i $(basename "$deb") failed"
log "installed in $((SECONDS - t0)) s"
check "dpkg says $pkg is installed ($(pkg_status))" test "$(pkg_status)" = "install ok installed"
listed=$(sys dpkg -L "$pkg")
check "dpkg -L lists the package's files" test "$(grep -c . <<<"$listed")" -ge ${#files[@]}
check "the plugins are in Slurm's PluginDir $slurmlib" \
    test -f "$fs$slurmlib/priority_tailfold.so" -a -f "$fs$slurmlib/sched_tailfold.so" -a -f "$fs$slurmlib/site_factor_tailfold.so"
for p in estimates sim why plot; do
    out=$(sys "/usr/bin/tailfold-$p" --help 2>&1 || true)
    check "the installed tailfold-$p runs (prints its usage)" grep -q "usage: tailfold-$p" <<<"$out"
done
if sys sh -c 'command -v man' >/dev/null 2>&1; then
    check "man finds tailfold(5) at /usr/share/man/man5/tailfold.5.gz" \
        test "$(sys man -w 5 tailfold 2>/dev/null)" = /usr/share/man/man5/tailfold.5.gz
fi

# A cluster with Slurm's own PluginDir only (as cluster_up, but the trap
# purges too).  bf_interval=2: tailfold-why waits for a backfill pass
# after the jobs are submitted, 30 s at the default.
trap 'mc down --dir "$mc_dir" >/dev/null 2>&1 || true; purge_ours' EXIT
mc down --dir "$mc_dir" >/dev/null 2>&1 || true
mc up --dir "$mc_dir" --port-base "$port_base" --fresh --installed-plugins --set SchedulerParameters=bf_interval=2
export SLURM_CONF=$mc_dir/etc/slurm.conf
conf=$(scontrol show config)
check "PluginDir is Slurm's own directory only" grep -Eq "^PluginDir += $slurmlib\$" <<<"$conf"
check "PriorityType is priority/tailfold" grep -Eq '^PriorityType += priority/tailfold$' <<<"$conf"
check "SchedulerType is sched/tailfold" grep -Eq '^SchedulerType += sched/tailfold$' <<<"$conf"
ctld_log=$mc_dir/log/slurmctld.log
check "slurmctld logs priority/tailfold $version, built for $slurm_release" \
    grep -q "priority/tailfold: tailfold $version loaded (built for Slurm $slurm_release)" "$ctld_log"
check "slurmctld logs sched/tailfold $version" \
    grep -q "sched/tailfold: tailfold $version loaded (built for Slurm $slurm_release)" "$ctld_log"
# The files slurmctld mapped are the installed ones (same path and inode),
# and no build tree's.
maps=$(cat /proc/"$(cat "$mc_dir/pids/slurmctld.pid")"/maps)
for p in priority_tailfold sched_tailfold; do
    inode=$(stat -c %i "$fs$slurmlib/$p.so")
    check "slurmctld mapped the installed $slurmlib/$p.so (inode $inode)" \
        awk -v s="$slurmlib/$p.so" -v i="$inode" '
            substr($NF, length($NF) - length(s) + 1) == s && $5 == i { f = 1 } END { exit !f }' <<<"$maps"
done
check "slurmctld mapped no other tailfold plugin" \
    test -z "$(awk '$NF ~ /tailfold\.so$/ {print $NF}' <<<"$maps" | grep -v "$slurmlib/[a-z_]*_tailfold\.so\$")"

# Jobs under the installed plugins: one fills the 16 CPUs, two wait
# until it is cancelled.
a=$(submit alice -n 16 -t 5 -J fill --wrap 'sleep 300')
b=$(submit bob -n 8 -t 1 -J next --wrap 'sleep 2')
c=$(submit alice -n 8 -t 2 -J after --wrap 'sleep 2')
wait_state "$mc_dir" "$a" RUNNING 20 || fail "job $a did not start"
sleep 1
pending=$(squeue -h -t PD -o '%i %Q' | sort -n)
sprio_out=$(sprio -h -o '%i %Y')
check "jobs $b and $c wait ($(tr '\n' ' ' <<<"$pending"))" test "$(wc -l <<<"$pending")" = 2
mismatch=0
while read -r id prio; do
    [ -n "$id" ] || continue
    [ "$(awk -v j="$id" '$1 == j {print $2}' <<<"$sprio_out")" = "$prio" ] || mismatch=1
done <<<"$pending"
check "sprio PRIORITY equals squeue %Q for the waiting jobs" test $mismatch = 0
t0=$SECONDS
why=$(cd "$mc_dir/jobs" && in_slurm env SLURM_CONF="$SLURM_CONF" /usr/bin/tailfold-why "$b" 2>&1) ||
    fail "the installed tailfold-why $b exited non-zero"
sed 's/^/  tailfold-why: /' <<<"$why"
log "tailfold-why took $((SECONDS - t0)) s"
check "the installed tailfold-why gives job $b's priority" grep -q "^Priority" <<<"$why"
scancel "$a"
check "all jobs leave the queue within 60 s" wait_queue_empty 60
sleep 2   # slurmdbd gets job end records asynchronously
states=$(sacct -X -n -P -j "$a,$b,$c" -o JobID,State | sort -n | tr '\n' ' ')
check "the waiting jobs COMPLETED, the first was CANCELLED ($states)" \
    test "$states" = "$a|CANCELLED by 0 $b|COMPLETED $c|COMPLETED "
mc down --dir "$mc_dir" >/dev/null

# Purged: nothing of it left, the system as before.
t0=$SECONDS
dpkg_run --purge "$pkg" || fail "dpkg --purge $pkg failed"
log "purged in $((SECONDS - t0)) s"
ours=0
existed() {  # DIR: the directory was there before the install
    grep -qxF "$1: " "$deb_dir/dirs.before"
}
left=$(while IFS= read -r p; do
           [ "$p" = /. ] && continue
           [ -e "$fs$p" ] || [ -L "$fs$p" ] || continue
           # A directory that was there before is not the package's to remove.
           [ -d "$fs$p" ] && [ ! -L "$fs$p" ] && existed "$p" && continue
           echo "$p"
       done <<<"$listed")
check "no file or directory dpkg -L listed is left${left:+: $(tr '\n' ' ' <<<"$left")}" test -z "$left"
check "dpkg has no record of $pkg ($(pkg_status))" test -z "$(pkg_status | grep -v not-installed)"
check "no $pkg file is left in dpkg's database" test -z "$(ls "$fs"/var/lib/dpkg/info/"$pkg".* "$fs"/var/lib/dpkg/info/"$pkg":* 2>/dev/null)"
packages > "$deb_dir/packages.after"
check "the installed packages are as before" cmp -s "$deb_dir/packages.before" "$deb_dir/packages.after"
snapshot > "$deb_dir/dirs.after"
if ! cmp -s "$deb_dir/dirs.before" "$deb_dir/dirs.after"; then
    diff "$deb_dir/dirs.before" "$deb_dir/dirs.after" | grep '^[<>]' | sed 's/^/  /' || true
    fail "the package's directories hold what they held before"
else
    pass "the package's directories hold what they held before"
fi
finish
