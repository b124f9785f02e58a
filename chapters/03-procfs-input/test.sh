#!/bin/sh
# Chapter 03 tests: /proc/rw_test stores what root writes and gives it back
# once per open, whatever the read size; /proc/rw_history lists the last
# inputs through seq_file. Runs in the VM; see initramfs/wb/testlib.sh.
. /wb/testlib.sh
plan 40

F=/proc/rw_test
H=/proc/rw_history

# wb ARGS...: run wbio; OUT is what it prints (the byte count of a write,
# or "error: EINVAL" and the like), without its explanation on stderr.
wb() {
	OUT=$(wbio "$@" 2>/dev/null)
	RC=$?
}

# x N: N x's.
x() {
	head -c "$1" /dev/zero | tr '\0' x
}

klog_mark
insmod rwtest.ko
check_match "rwtest logs that it created its files" \
	"^rwtest: /proc/rw_test and /proc/rw_history created$" "$(klog rwtest)"
check_eq "/proc/rw_test is mode 644, owned by root; rw_history is 444" \
	"644 root 444 root" "$(stat -c '%a %U' $F $H | tr '\n' ' ' | sed 's/ $//')"
check_eq "before any input, the message is empty" "Last input:" "$(cat $F)"

# --- round trip and read sizes -------------------------------------------
echo "hello world" >$F
check_eq "what root writes is read back after 'Last input:'" \
	"Last input:hello world" "$(cat $F)"
check_eq "a one-byte-per-read dd gives the same text" \
	"Last input:hello world" "$(dd if=$F bs=1 2>/dev/null)"
wb read $F 5
check_eq "5-byte reads give the same text" "Last input:hello world" "$OUT"
check_eq "the message comes once per open, then end of file (3 reads of 4096)" \
	"Last input:hello world" "$(dd if=$F bs=4096 count=3 2>/dev/null)"
check_eq "... and the whole read is exactly the message and a newline (23 bytes)" \
	"23" "$(dd if=$F bs=4096 count=3 2>/dev/null | wc -c | tr -d ' ')"
check_eq "every new open reads the message again" \
	"Last input:hello world
Last input:hello world" "$(cat $F $F)"

# --- sizes ---------------------------------------------------------------
wb write $F "$(x 80)"
check_eq "an 80-byte write (the maximum) is accepted whole" "80" "$OUT"
check_eq "... and stored whole" "Last input:$(x 80)" "$(cat $F)"
echo "$(x 80 | tr x y)" >$F 2>/dev/null
check_eq "echo of an 80-character line (81 bytes with the newline) is refused" \
	"Last input:$(x 80)" "$(cat $F)"
wb write $F "$(x 81)y"
check_eq "an 82-byte write is refused with EINVAL" "error: EINVAL" "$OUT"
check_eq "... and the previous message is kept" "Last input:$(x 80)" "$(cat $F)"
wb write $F ""
check_eq "an empty write returns 0" "0" "$OUT"
check_eq "... and changes nothing" "Last input:$(x 80)" "$(cat $F)"
echo >$F
check_eq "a lone newline stores an empty message" "Last input:" "$(cat $F)"
printf 'no newline' >$F
check_eq "a write without a newline is stored as it is" "Last input:no newline" "$(cat $F)"

# --- who may write, bad pointers -----------------------------------------
wb -u 1000 write $F intruder
check_eq "a normal user's write is refused with EACCES" "error: EACCES" "$OUT"
wb -u 1000 read $F
check_eq "... but a normal user may read, and the message is unchanged" \
	"Last input:no newline" "$OUT"
wb badwrite $F
check_eq "a write from an unmapped buffer fails with EFAULT" "error: EFAULT" "$OUT"
check_eq "... and the message is unchanged" "Last input:no newline" "$(cat $F)"
wb badread $F
check_eq "a read into an unmapped buffer fails with EFAULT" "error: EFAULT" "$OUT"

# --- the seq_file history ------------------------------------------------
rmmod rwtest
insmod rwtest.ko
for i in 1 2 3 4 5 6 7 8 9 10; do
	echo "message $i" >$F
done
check_eq "rw_history lists the last 8 inputs under a header, oldest first" \
	"  seq  input
    3  message 3
    4  message 4
    5  message 5
    6  message 6
    7  message 7
    8  message 8
    9  message 9
   10  message 10" "$(cat $H)"
check_eq "a one-byte-per-read dd of rw_history gives the same lines" \
	"$(cat $H)" "$(dd if=$H bs=1 2>/dev/null)"
wb read $H 7
check_eq "7-byte reads of rw_history give the same lines" "$(cat $H)" "$OUT"
check_eq "rw_history has no more than the header and 8 lines" "9" \
	"$(dd if=$H bs=4096 count=4 2>/dev/null | wc -l | tr -d ' ')"
rmmod rwtest

# --- concurrent writers --------------------------------------------------
run insmod rwtest.ko race_delay_us=200000
check_match "race_delay_us above 100000 is refused at load" "Invalid argument" "$OUT"

# Each store pauses 1 ms between the text and its length (race_delay_us),
# so the writers overlap; messages of different lengths show a torn store.
# The lock must keep every message whole: 40 a's or 20 b's.
insmod rwtest.ko race_delay_us=1000
A=$(x 40 | tr x a)
B=$(x 20 | tr x b)
echo "$A" >$F
(for i in $(seq 40); do echo "$A" >$F; done) &
wa=$!
(for i in $(seq 40); do echo "$B" >$F; done) &
wb_pid=$!
reads=0
torn=0
first=
while kill -0 $wa 2>/dev/null || kill -0 $wb_pid 2>/dev/null; do
	IFS= read -r got <$F
	reads=$((reads + 1))
	case "$got" in
	"Last input:$A" | "Last input:$B") ;;
	*)
		torn=$((torn + 1))
		[ -n "$first" ] || first=$got
		;;
	esac
done
wait $wa $wb_pid
check_eq "with two writers at once, every read is all a's or all b's" \
	"0 torn reads" "$torn torn reads${first:+, the first: $first}"
check_eq "rw_history holds 8 whole messages after the race" "" \
	"$(sed 1d $H | grep -Ev "^ +[0-9]+  ($A|$B)$")"
check_eq "... and counted all 81 writes" "81" "$(tail -n 1 $H | awk '{print $1}')"
check_eq "the reader managed several reads while the writers ran" "yes" \
	"$([ "$reads" -ge 5 ] && echo yes || echo "no, only $reads")"

# --- unloading with the file open ----------------------------------------
wbio hold $F >/tmp/rw_hold 2>&1 &
holder=$!
wait_line /tmp/rw_hold '^open$'
klog_mark
run rmmod rwtest
check_eq "rmmod works while a process holds /proc/rw_test open" "0" "$RC"
check_eq "... the files are gone" "" "$(ls $F $H 2>/dev/null)"
kill $holder
wait $holder 2>/dev/null
rm -f /tmp/rw_hold

# --- the banner's commands, as the student types them --------------------
transcript banner-1 'insmod rwtest.ko; echo hello > /proc/rw_test; cat /proc/rw_test'
check_eq "banner: echo hello, then cat, gives Last input:hello" "Last input:hello" "$OUT"
transcript banner-2 'dd if=/proc/rw_test bs=1'
check_match "banner: dd bs=1 gives the same text, one byte per read" \
	"^Last input:hello$" "$OUT"
transcript banner-3 'wbio -u 1000 write /proc/rw_test hi'
check_match "banner: a normal user's write is refused (EACCES)" "^error: EACCES" "$OUT"
transcript banner-4 'for i in 1 2 3; do echo "line $i" > /proc/rw_test; done; cat /proc/rw_history'
check_eq "banner: rw_history lists hello and the three lines" \
	"  seq  input
    1  hello
    2  line 1
    3  line 2
    4  line 3" "$OUT"
transcript banner-5 'rmmod rwtest'
check_eq "banner: rmmod rwtest removes the files" "0 gone" \
	"$RC $([ -e $F ] || [ -e $H ] || echo gone)"

check_no_match "no chapter module is left loaded" "^rwtest " "$(lsmod)"
done_testing
