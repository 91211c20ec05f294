#!/usr/bin/env bash
# The two plugins export what Slurm's loader and ops tables look up, with
# the right values, and nothing of the C++ core.  Reads the built .so files
# only (no slurmctld), with binutils.
set -euo pipefail
top=${top_builddir:-.}
want_hex=${SLURM_VERSION_HEX:?SLURM_VERSION_HEX not set (run through make check)}
slurmctld_bin=/usr/sbin/slurmctld-wlm
libslurmfull=/usr/lib/x86_64-linux-gnu/slurm-wlm/libslurmfull.so
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Bytes of a defined dynamic symbol, as hex pairs.
symbol_bytes() {  # so symbol
    local addr size
    read -r addr size < <(nm -D -S --defined-only "$1" | awk -v s="$2" '$4 == s {print $1, $2}')
    [ -n "${addr:-}" ] || return 1
    objdump -s --start-address=$((16#$addr)) --stop-address=$((16#$addr + 16#$size)) "$1" |
        awk '/^ [0-9a-f]+ / { for (i = 2; i <= 5 && i <= NF; i++) if ($i ~ /^[0-9a-f]+$/) printf "%s", $i }'
}
symbol_string() {  # so symbol -> C string
    local hex out="" i
    hex=$(symbol_bytes "$1" "$2") || return 1
    for ((i = 0; i < ${#hex}; i += 2)); do
        [ "${hex:i:2}" = 00 ] && break
        out+=$(printf "\\x${hex:i:2}")
    done
    printf '%s' "$out"
}
symbol_u32() {  # so symbol -> little-endian uint32
    local hex
    hex=$(symbol_bytes "$1" "$2") || return 1
    printf '0x%s%s%s%s' "${hex:6:2}" "${hex:4:2}" "${hex:2:2}" "${hex:0:2}"
}

check_plugin() {  # name type ops...
    local so="$top/.libs/$1.so" type=$2; shift 2
    [ -f "$so" ] || { bad "$so not built"; return; }
    local exported
    exported=$(nm -D --defined-only "$so" | awk '{print $3}')
    for s in plugin_name plugin_type plugin_version init fini "$@"; do
        grep -qx "$s" <<<"$exported" || bad "$so does not export $s"
    done
    if grep -q '^_Z' <<<"$exported"; then bad "$so exports C++ symbols: $(grep '^_Z' <<<"$exported" | head -3 | tr '\n' ' ')"; fi
    local got
    got=$(symbol_string "$so" plugin_type) || got=""
    [ "$got" = "$type" ] || bad "$so: plugin_type is '$got', want '$type'"
    got=$(symbol_u32 "$so" plugin_version) || got=""
    [ $((got)) -eq $((want_hex)) ] || bad "$so: plugin_version is $got, want $want_hex"
    if ldd "$so" 2>/dev/null | grep -q 'libslurm'; then bad "$so links a Slurm library: slurmctld must bind its own symbols"; fi
    # Every symbol the plugin needs is defined by slurmctld, libslurmfull or
    # a library the plugin itself links: else dlopen (RTLD_LAZY) succeeds
    # and slurmctld dies at the first call of the missing function.
    local provided missing
    provided=$(for lib in "$slurmctld_bin" "$libslurmfull" $(ldd "$so" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
                   nm -D --defined-only "$lib" | awk '{ sub(/@.*/, "", $3); print $3 }'
               done | sort -u)
    missing=$(nm -D --undefined-only "$so" | awk '$1 == "U" { sub(/@.*/, "", $2); print $2 }' | sort -u |
              comm -23 - <(echo "$provided"))
    [ -z "$missing" ] || bad "$so needs symbols nobody defines: $(echo $missing | head -c 300)"
    echo "$so: plugin_type=$type plugin_version=$want_hex"
}

check_plugin priority_tailfold priority/tailfold priority_p_set priority_p_reconfig \
    priority_p_set_assoc_usage priority_p_calc_fs_factor priority_p_get_priority_factors_list \
    priority_p_job_end job_list part_list cluster_cpus slurmctld_tres_cnt accounting_enforce last_job_update acct_db_conn
check_plugin sched_tailfold sched/tailfold sched_p_reconfig
check_plugin site_factor_tailfold site_factor/tailfold site_factor_p_reconfig site_factor_p_set \
    site_factor_p_update
exit $fail
