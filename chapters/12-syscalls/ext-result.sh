#!/bin/sh
# Chapter 12 extension "result": opensnoop becomes a kretprobe, and records
# what each open returned: /proc/opensnoop shows "NAME = RESULT" (a file
# descriptor, or a negative errno) and the log line ends with " = RESULT".
# Only the watched uid's opens are recorded, and rmmod leaves no probe.
# Runs in the VM: make check CH=12 EXT=result. The reference solution is
# solutions/12-syscalls/result.patch.
. /wb/testlib.sh
plan 9

PROBES=/sys/kernel/debug/kprobes/list
UIDP=/sys/module/opensnoop/parameters/uid

# opensnoop's own lines about opens, without the pid, which changes.
opens_log() {
	klog '^opensnoop: uid [0-9]+: ' | sed 's/\[[0-9]*\] opens /[PID] opens /'
}

# A file only root may read: uid 1000 gets EACCES (-13).
echo secret >/tmp/ch12-secret
chmod 600 /tmp/ch12-secret

klog_mark
insmod opensnoop.ko
check_match "the probe on do_sys_openat2 is a return probe (type r in the list)" \
	"^[0-9a-f]+ +r +do_sys_openat2\+0x0 " "$(cat $PROBES)"
wbio -u 1000 open /etc/passwd >/dev/null 2>&1
wbio -u 1000 open /tmp/ch12-none >/dev/null 2>&1
wbio -u 1000 open /tmp/ch12-secret >/dev/null 2>&1
wbio open /tmp/ch12-root >/dev/null 2>&1
SEEN=$(cat /proc/opensnoop)
check_eq "three opens by uid 1000 are counted, root's is not" "uid 1000
opens 3" "$(printf '%s\n' "$SEEN" | head -n 2)"
check_match "a successful open shows the file descriptor it returned" \
	"^/etc/passwd = [0-9]+$" "$SEEN"
check_match "a missing file shows -2 (ENOENT)" "^/tmp/ch12-none = -2$" "$SEEN"
check_match "a file uid 1000 may not read shows -13 (EACCES)" \
	"^/tmp/ch12-secret = -13$" "$SEEN"
check_eq "the log lines end with the result too" \
	"opensnoop: uid 1000: wbio[PID] opens /tmp/ch12-none = -2
opensnoop: uid 1000: wbio[PID] opens /tmp/ch12-secret = -13" \
	"$(opens_log | grep -v /etc/passwd)"

echo 1001 >$UIDP
wbio -u 1000 open /tmp/ch12-old >/dev/null 2>&1
wbio -u 1001 open /tmp/ch12-new >/dev/null 2>&1
check_eq "changing uid through sysfs still starts a new count of the new uid" \
	"uid 1001
opens 1
/tmp/ch12-new = -2" "$(cat /proc/opensnoop)"

rmmod opensnoop
check_no_match "after rmmod no probe on do_sys_openat2 is left" "do_sys_openat2" \
	"$(cat $PROBES)"
check_no_match "no opensnoop module is left loaded" "^opensnoop " "$(lsmod)"
rm -f /tmp/ch12-secret
done_testing
