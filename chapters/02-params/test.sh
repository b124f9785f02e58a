#!/bin/sh
# Chapter 02 tests: paramdemo's parameters at load time, in sysfs, in
# modinfo, and the refusal of bad values at load time and at run time.
. /wb/testlib.sh
plan 41
. ./params.sh

# wb ARGS...: wb; OUT is what it prints ("error: EINVAL" on failure),
# without its explanation on stderr.
wb() {
	OUT=$(wbio "$@" 2>/dev/null)
	RC=$?
}

# --- defaults -----------------------------------------------------------
klog_mark
insmod paramdemo.ko
check_eq "paramdemo logs its default values at load" \
	"paramdemo: retries=3 level=5 cookie=24301 name=world interval_ms=100
paramdemo: ports=80,443 (nports=2)" "$(klog '^paramdemo: (retries|ports)=')"

check_eq "sysfs shows the default values" \
	"retries=3 level=5 name=world ports=80,443 interval_ms=100" \
	"$(for p in retries level name ports interval_ms; do printf '%s=%s ' $p "$(cat $P/$p)"; done | sed 's/ $//')"
check_eq "each sysfs file has the declared mode" \
	"retries:444 level:644 name:444 ports:444 interval_ms:644" \
	"$(for p in retries level name ports interval_ms; do printf '%s:%s ' $p "$(stat -c %a $P/$p)"; done | sed 's/ $//')"
check_eq "the mode-0 parameter (cookie) has no sysfs file; the others do" \
	"interval_ms level name ports retries" "$(ls $P | tr '\n' ' ' | sed 's/ $//')"
wb write $P/retries 4
check_eq "even root cannot write a 0444 parameter (EACCES)" "error: EACCES" "$OUT"
wb -u 1000 write $P/level 4
check_eq "a normal user cannot write a 0644 parameter (EACCES)" "error: EACCES" "$OUT"
check_eq "... and the value is unchanged" "5" "$(cat $P/level)"
rmmod paramdemo

# --- values given to insmod ---------------------------------------------
klog_mark
insmod paramdemo.ko retries=7 level=-2 cookie=99 'name="hello world"' \
	ports=1,2,3 interval_ms=250
check_eq "insmod values override the defaults (log)" \
	"paramdemo: retries=7 level=-2 cookie=99 name=hello world interval_ms=250
paramdemo: ports=1,2,3 (nports=3)" "$(klog '^paramdemo: (retries|ports)=')"
check_eq "insmod values override the defaults (sysfs)" \
	"retries=7 level=-2 name=hello world ports=1,2,3 interval_ms=250" \
	"$(for p in retries level name ports interval_ms; do printf '%s=%s ' $p "$(cat $P/$p)"; done | sed 's/ $//')"

# --- run-time writes ----------------------------------------------------
klog_mark
wb write $P/interval_ms 5
check_eq "writing an out-of-range interval_ms at run time fails with EINVAL" \
	"error: EINVAL" "$OUT"
check_eq "... the kernel log says why" \
	"paramdemo: interval_ms: 5 is out of range (10..10000)" "$(klog paramdemo)"
klog_mark
wb write $P/interval_ms fast
check_eq "writing a non-number to interval_ms fails with EINVAL" "error: EINVAL" "$OUT"
check_eq "... the kernel log says why" \
	"paramdemo: interval_ms: 'fast' is not a number" "$(klog paramdemo)"
check_eq "... and interval_ms keeps its old value" "250" "$(cat $P/interval_ms)"
wb write $P/level lots
check_eq "writing a non-number to the plain int 'level' fails with EINVAL" \
	"error: EINVAL" "$OUT"
check_eq "... and level keeps its old value" "-2" "$(cat $P/level)"

echo 500 >$P/interval_ms
echo 9 >$P/level
check_eq "a good run-time write takes effect in sysfs" "level=9 interval_ms=500" \
	"level=$(cat $P/level) interval_ms=$(cat $P/interval_ms)"
klog_mark
rmmod paramdemo
check_eq "... and in the module itself (its exit function logs them)" \
	"paramdemo: unloading: level=9 interval_ms=500" "$(klog '^paramdemo: unloading')"

# --- modinfo --------------------------------------------------------------
check_eq "modinfo lists every parameter's description" \
	"cookie:A value with no sysfs file (long)
interval_ms:Poll interval in ms, 10..10000 (checked on every write)
level:Verbosity level (int, root may change it in sysfs)
name:Who to greet (string)
ports:Up to 4 port numbers, comma-separated
retries:How many times to retry (short, read-only)" \
	"$(modinfo -F parm paramdemo.ko | sort)"

# --- bad values at load time -----------------------------------------------
try_load retries=abc
check_match "a non-numeric short makes insmod fail with Invalid argument" \
	"Invalid argument" "$OUT"
check_eq "... exits non-zero, the module is not loaded" "1 0" \
	"$([ "$RC" != 0 ] && echo 1) $LOADED"
check_match "... and the kernel names the value and the parameter" \
	"paramdemo: .abc' invalid for parameter .retries'" "$LOG"

try_load retries=40000
check_match "a short beyond 32767 makes insmod fail (out of range)" \
	"out of range" "$OUT"
check_eq "... exits non-zero, the module is not loaded" "1 0" \
	"$([ "$RC" != 0 ] && echo 1) $LOADED"
check_match "... and the kernel names the value and the parameter" \
	"paramdemo: .40000' invalid for parameter .retries'" "$LOG"

try_load interval_ms=5
check_match "an out-of-range interval_ms makes insmod fail with Invalid argument" \
	"Invalid argument" "$OUT"
check_eq "... exits non-zero, the module is not loaded" "1 0" \
	"$([ "$RC" != 0 ] && echo 1) $LOADED"
check_match "... and the setter logs the reason" \
	"^paramdemo: interval_ms: 5 is out of range \(10\.\.10000\)$" "$LOG"

try_load interval_ms=soon
check_match "a non-numeric interval_ms makes insmod fail with Invalid argument" \
	"Invalid argument" "$OUT"
check_match "... and the setter logs the reason" \
	"^paramdemo: interval_ms: 'soon' is not a number$" "$LOG"

try_load ports=1,2,3,4,5
check_match "five ports (the array holds 4) make insmod fail with Invalid argument" \
	"Invalid argument" "$OUT"
check_eq "... exits non-zero, the module is not loaded" "1 0" \
	"$([ "$RC" != 0 ] && echo 1) $LOADED"
check_match "... and the kernel says the array is full" \
	"ports: can only take 4 arguments" "$LOG"

# --- a refused insmod, as the book shows it ------------------------------
# Busybox insmod tries finit_module(2), then init_module(2) with the same
# arguments, so the kernel parses them, and logs the refusal, twice.
klog_mark
transcript refused-insmod 'insmod paramdemo.ko interval_ms=5; dmesg | tail -4'
check_match "insmod paramdemo.ko interval_ms=5 is refused: Invalid argument" \
	"can't insert 'paramdemo.ko': Invalid argument" "$OUT"
check_eq "... and busybox's second try logs the setter's and the kernel's line again" \
	"paramdemo: interval_ms: 5 is out of range (10..10000)
paramdemo: \`5' invalid for parameter \`interval_ms'
paramdemo: interval_ms: 5 is out of range (10..10000)
paramdemo: \`5' invalid for parameter \`interval_ms'" "$(klog '^paramdemo: ')"

# --- the banner's commands, as the student types them --------------------
transcript banner-insmod 'insmod paramdemo.ko name=tux ports=22,80 interval_ms=250; dmesg | tail -2'
check_eq "banner: insmod with name, ports and interval_ms logs those values" \
	"paramdemo: retries=3 level=5 cookie=24301 name=tux interval_ms=250
paramdemo: ports=22,80 (nports=2)" "$(printf '%s\n' "$OUT" | sed 's/^\[[ 0-9.]*\] //')"
transcript banner-ls 'ls -l /sys/module/paramdemo/parameters/'
check_eq "banner: ls -l shows five parameter files, two of them writable by root" \
	"-rw-r--r-- interval_ms
-rw-r--r-- level
-r--r--r-- name
-r--r--r-- ports
-r--r--r-- retries" "$(printf '%s\n' "$OUT" | awk 'NF > 2 { print $1, $NF }')"
transcript refused-write 'echo 5 > /sys/module/paramdemo/parameters/interval_ms'
check_match "banner: echo 5 to interval_ms is refused (Invalid argument)" \
	"write error: Invalid argument" "$OUT"
transcript banner-modinfo 'modinfo -F parm paramdemo.ko; rmmod paramdemo'
check_eq "banner: modinfo -F parm lists the six parameters" \
	"cookie interval_ms level name ports retries" \
	"$(printf '%s\n' "$OUT" | cut -d: -f1 | sort | tr '\n' ' ' | sed 's/ $//')"
check_no_match "banner: rmmod paramdemo unloads it" "^paramdemo " "$(lsmod)"

check_no_match "no chapter module is left loaded" "^paramdemo " "$(lsmod)"
done_testing
