#!/bin/sh
# Chapter 12 tests: opensnoop's kprobe on do_sys_openat2 logs and counts the
# opens of one uid and no other, the uid changes through sysfs, bad values
# are refused, a second probe on the same function survives opensnoop's
# unload, and rmmod leaves no probe behind. Runs in the VM; see
# initramfs/wb/testlib.sh.
. /wb/testlib.sh
plan 41

PROBES=/sys/kernel/debug/kprobes/list
UIDP=/sys/module/opensnoop/parameters/uid
TRACING=/sys/kernel/debug/tracing

# opensnoop's own lines about opens, without the pid, which changes.
opens_log() {
	klog '^opensnoop: uid [0-9]+: ' | sed 's/\[[0-9]*\] opens /[PID] opens /'
}
# set_uid VALUE: write VALUE to the parameter; OUT has what the shell said.
set_uid() {
	run sh -c "echo '$1' >$UIDP"
}

# --- the banner's commands, as make run-qemu shows them --------------------
# banner_cmd N: the command on line N of banner.txt, without the indent and
# the "(what you see)" remark after it.
banner_cmd() {
	sed -n "${1}p" banner.txt | sed -e 's/^ *//' -e 's/   *(.*)$//'
}

transcript try-load "$(banner_cmd 2)"
check_match "banner: after insmod, the kprobes list shows a probe on do_sys_openat2" \
	"^[0-9a-f]+ +k +do_sys_openat2\+0x0 " "$OUT"
transcript try-user "$(banner_cmd 3)"
check_eq "banner: uid 1000 opens /etc/passwd, and /proc/opensnoop counts it" \
	"open
uid 1000
opens 1
/etc/passwd" "$OUT"
transcript try-root "$(banner_cmd 4)"
check_eq "banner: root's opens are not counted" \
	"uid 1000
opens 1
/etc/passwd" "$OUT"
transcript try-switch "$(banner_cmd 5)"
# Every root process counts now, the harness's own included (its watchdog
# reads a /proc file every second), so the cat's open is one of them.
check_eq "banner: after uid=0, root's opens are counted, the cat's own among them" \
	"uid 0
/proc/opensnoop" "$(printf '%s\n' "$OUT" | sed -n '1p;\,^/proc/opensnoop$,p' | head -n 2)"
transcript try-refused "$(banner_cmd 6)"
check_match "banner: uid -1 is refused with EINVAL" "Invalid argument" "$OUT"
transcript try-unload "$(banner_cmd 7)"
# The exit status too: a cat killed by an oops prints nothing either.
check_eq "banner: after rmmod the kprobes list is empty (and cat succeeds)" "0:" "$RC:$OUT"

# --- whose opens are seen -------------------------------------------------------
klog_mark
insmod opensnoop.ko
check_eq "loading logs the uid and the probed function" \
	"opensnoop: watching uid 1000 through a kprobe on do_sys_openat2" \
	"$(klog '^opensnoop: watching')"
check_eq "the uid parameter is 1000 by default" "1000" "$(cat $UIDP)"
check_eq "/proc/opensnoop starts with no opens" "uid 1000
opens 0" "$(cat /proc/opensnoop)"

klog_mark
for f in /tmp/ch12-a /tmp/ch12-b /etc/passwd; do
	wbio -u 1000 open "$f" >/dev/null 2>&1
done
check_eq "three opens by uid 1000 are counted, names in order (failed opens too)" \
	"uid 1000
opens 3
/tmp/ch12-a
/tmp/ch12-b
/etc/passwd" "$(cat /proc/opensnoop)"
check_eq "... and each is logged with the program and the name it passed" \
	"opensnoop: uid 1000: wbio[PID] opens /tmp/ch12-a
opensnoop: uid 1000: wbio[PID] opens /tmp/ch12-b
opensnoop: uid 1000: wbio[PID] opens /etc/passwd" "$(opens_log)"

klog_mark
wbio open /tmp/ch12-root >/dev/null 2>&1
wbio -u 1001 open /tmp/ch12-other >/dev/null 2>&1
cat /etc/passwd >/dev/null
check_eq "opens by root and by uid 1001 are not counted" "opens 3" \
	"$(grep '^opens' /proc/opensnoop)"
check_eq "... nor logged" "" "$(opens_log)"

(cd /tmp && wbio -u 1000 open ch12-rel >/dev/null 2>&1)
check_eq "a relative name is recorded as the program passed it" "ch12-rel" \
	"$(tail -n 1 /proc/opensnoop)"
LONG=/tmp/$(printf '%0300d' 0)
wbio -u 1000 open "$LONG" >/dev/null 2>&1
check_eq "a 305-byte name is kept to its first 255 bytes" \
	"$(printf '%s' "$LONG" | cut -c 1-255)" "$(tail -n 1 /proc/opensnoop)"

# 60 opens, far more than the 8 names kept and the 20 log lines allowed in
# 5 s, on a fresh load (a fresh limit), made by one process: even the debug
# kernel under load does them in well under a second, and the log check
# needs them all within one 5 s window.
rmmod opensnoop
insmod opensnoop.ko
klog_mark
start=$(date +%s)
wbio -u 1000 open $(seq 1 60 | sed 's|^|/tmp/ch12-many-|') >/dev/null 2>&1
took=$(($(date +%s) - start))
check_eq "60 opens: all counted, the last 8 names kept, oldest first" \
	"uid 1000
opens 60
$(seq 53 60 | sed 's|^|/tmp/ch12-many-|')" "$(cat /proc/opensnoop)"
if [ "$took" -le 4 ]; then
	check_eq "... and the log has only the first 20 (at most 20 lines in 5 s)" \
		"$(seq 1 20 | sed 's|^|opensnoop: uid 1000: wbio[PID] opens /tmp/ch12-many-|')" \
		"$(opens_log)"
else
	skip "... and the log has only the first 20 (at most 20 lines in 5 s)" \
		"the 60 opens took ${took} s, more than one 5 s window"
fi

# --- changing uid at run time ---------------------------------------------------
# A fresh load: the 60 opens used up this 5 s window's 20 log lines.
rmmod opensnoop
insmod opensnoop.ko
wbio -u 1000 open /tmp/ch12-before >/dev/null 2>&1
set_uid 1001
check_eq "writing 1001 to the uid parameter works" "0 1001" "$RC $(cat $UIDP)"
check_eq "... and starts a new count, without uid 1000's name" "uid 1001
opens 0" "$(cat /proc/opensnoop)"
klog_mark
wbio -u 1000 open /tmp/ch12-old >/dev/null 2>&1
wbio -u 1001 open /tmp/ch12-new >/dev/null 2>&1
check_eq "now uid 1001's opens are counted and uid 1000's are not" \
	"uid 1001
opens 1
/tmp/ch12-new" "$(cat /proc/opensnoop)"
check_eq "... and the log says the same" \
	"opensnoop: uid 1001: wbio[PID] opens /tmp/ch12-new" "$(opens_log)"

for bad in abc -1 4294967295 99999999999 12x ''; do
	set_uid "$bad"
	check_match "uid '$bad' is refused with EINVAL" "Invalid argument" "$OUT"
done
check_eq "... and the refused values changed nothing" "1001 1" \
	"$(cat $UIDP) $(sed -n 's/^opens //p' /proc/opensnoop)"

# --- two probes on one function, removed in the 'wrong' order ------------------
# The guide's A/B hazard: A hooks, B hooks, A leaves first. Here B is a
# kprobe event made through tracefs (ftrace), which needs no module.
transcript ab-add "echo 'p:ch12/open do_sys_openat2 name=+0(%si):ustring' >>$TRACING/kprobe_events; echo 1 >$TRACING/events/ch12/open/enable; grep do_sys_openat2 $PROBES"
check_eq "with a trace event on the same function, the list shows two probes" "2" \
	"$(printf '%s\n' "$OUT" | grep -c ' do_sys_openat2+0x0 ')"
echo >$TRACING/trace
klog_mark
rmmod opensnoop
check_eq "rmmod removes opensnoop's probe only: one is left" "1" \
	"$(grep -c ' do_sys_openat2+0x0 ' $PROBES)"
wbio -u 1000 open /tmp/ch12-after >/dev/null 2>&1
transcript ab-after "grep ch12-after $TRACING/trace"
check_match "the trace event still fires after opensnoop is gone" \
	'open: \(do_sys_openat2\+0x0/0x[0-9a-f]+\) name="/tmp/ch12-after"' "$OUT"
check_eq "... and opensnoop logged nothing more, only its goodbye" \
	"opensnoop: stopped: 1 opens by uid 1001" "$(klog '^opensnoop: ')"
echo 0 >$TRACING/events/ch12/open/enable
echo '-:ch12/open' >>$TRACING/kprobe_events
check_no_match "after both are gone, no probe on do_sys_openat2 is left" \
	"do_sys_openat2" "$(cat $PROBES)"
check_eq "/proc/opensnoop is gone" "no" "$([ -e /proc/opensnoop ] && echo yes || echo no)"

# --- the uid at load time -------------------------------------------------------
insmod opensnoop.ko uid=0
check_eq "insmod uid=0 watches root" "0" "$(cat $UIDP)"
check_match "... and root's own reads are counted" "^opens [1-9]" "$(cat /proc/opensnoop)"
rmmod opensnoop
for bad in abc -1 4294967295; do
	run insmod opensnoop.ko uid=$bad
	check_match "insmod uid=$bad is refused with EINVAL" "Invalid argument" "$OUT"
done

check_no_match "no probe on do_sys_openat2 is left at the end" "do_sys_openat2" "$(cat $PROBES)"
check_no_match "no opensnoop module is left loaded" "^opensnoop " "$(lsmod)"
done_testing
