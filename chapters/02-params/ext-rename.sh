#!/bin/sh
# Chapter 02 extension "rename": name becomes writable by root, and
# /proc/paramdemo prints it, read under kernel_param_lock(). Runs in the VM:
# make check CH=02 EXT=rename. The reference solution is
# solutions/02-params/rename.patch.
. /wb/testlib.sh
plan 8

P=/sys/module/paramdemo/parameters
F=/proc/paramdemo

insmod paramdemo.ko 'name="first name"'
check_eq "name is writable by root (mode 644)" "644" "$(stat -c %a $P/name 2>&1)"
check_eq "/proc/paramdemo shows the name given to insmod" "name: first name" \
	"$(cat $F 2>&1)"
# printf, not echo: a charp keeps every byte it is given, a newline too.
printf tux >$P/name
check_eq "after a write of tux to the sysfs file, /proc/paramdemo shows it" \
	"name: tux" "$(cat $F 2>&1)"
check_eq "... and so does the sysfs file" "tux" "$(cat $P/name 2>&1)"

# Each write frees the old string; a reader must never see it.
(for i in $(seq 500); do printf alpha >$P/name; printf 'beta gamma' >$P/name; done) &
writer=$!
reads=0
bad=0
first=
while kill -0 $writer 2>/dev/null; do
	IFS= read -r got <$F
	reads=$((reads + 1))
	case "$got" in
	"name: alpha" | "name: beta gamma" | "name: tux") ;;
	*)
		bad=$((bad + 1))
		[ -n "$first" ] || first=$got
		;;
	esac
done
wait $writer
check_eq "while 1000 writes change the name, every read shows a whole name" \
	"0 bad reads" "$bad bad reads${first:+, the first: $first}"
check_eq "... and the reader managed several reads meanwhile" "yes" \
	"$([ "$reads" -ge 5 ] && echo yes || echo "no, only $reads")"

run rmmod paramdemo
check_eq "rmmod succeeds after the writes" "0" "$RC"
check_no_match "no chapter module is left loaded" "^paramdemo " "$(lsmod)"
done_testing
