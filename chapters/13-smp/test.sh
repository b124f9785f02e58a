#!/bin/sh
# Chapter 13 tests: counters.ko starts one kernel thread per CPU, bound to
# it; the atomic, spinlock and per-CPU counters come out exact; the plain
# one's losses are reported, not checked; bad input is refused; rmmod stops
# every thread, even in the middle of a run. Runs in the VM (vm.conf asks
# for 2 CPUs); see initramfs/wb/testlib.sh.
. /wb/testlib.sh
plan 42

P=/proc/counters

# value NAME: the value column of counter NAME in the last snapshot.
value() {
	awk -v k="$1" '$1 == k { print $2 }' /tmp/counters.out
}

# field NAME: the "NAME: value" line of the last snapshot.
field() {
	sed -n "s/^$1: //p" /tmp/counters.out
}

# start_run N: start a run of N loops; "ok" or the error wbio printed.
start_run() {
	wbio write $P "$1" 2>/dev/null | sed 's/^[0-9][0-9]*$/ok/'
}

# finish_run: wait (at most 20 s) for the run to end, then snapshot the file.
finish_run() {
	wait_line $P '^state: done' 20
	cat $P >/tmp/counters.out 2>&1
}

# threads: the chapter's kernel threads, as "PID NAME" lines.
threads() {
	for f in /proc/[0-9]*/comm; do
		read -r comm <"$f" 2>/dev/null || continue
		case $comm in counters/*) d=${f%/comm}; echo "${d#/proc/} $comm" ;; esac
	done
}

# --- the machine -----------------------------------------------------------

check_eq "the VM has 2 CPUs for this chapter (vm.conf: smp=2)" "2" "$(nproc)"
CPUS=$(nproc)

klog_mark
insmod counters.ko
check_eq "loading logs the number of CPUs" \
	"counters: ready on $CPUS CPUs: echo N > /proc/counters" "$(klog '^counters: ready')"
check_match "before any run, /proc/counters says how to start one" \
	"^state: idle \(write 1 to 100000000 to start a run\)$" "$(cat $P 2>&1)"

# --- a run: the protected counters are exact --------------------------------

# Big enough for a run to take a while on 2 vCPUs, small enough that three
# of them stay quick under the debug kernel (lockdep checks every lock).
N=300000
WANT=$((N * CPUS))
check_eq "writing $N starts a run" "ok" "$(start_run $N)"
finish_run
check_eq "the run ends, with one thread per CPU and $N loops each" \
	"done $CPUS $N" "$(field state) $(field threads) $(field loops)"
# Without threads (lab step 2) a run never ends, and each check below would
# wait for it in vain.
[ "$(field state)" = done ] ||
	bail_out "the first run never ended: are the threads created and woken (TODO 2)?"
check_eq "every counter's expected value is loops x threads ($WANT)" \
	"$WANT $WANT $WANT $WANT" \
	"$(awk '$1 ~ /^(plain|atomic|spinlock|percpu)$/ { printf "%s%s", s, $3; s = " " }' /tmp/counters.out)"
check_eq "the atomic_long_t counter is exact" "$WANT" "$(value atomic)"
check_eq "the spinlock-protected counter is exact" "$WANT" "$(value spinlock)"
check_eq "the per-CPU counters, summed, are exact" "$WANT" "$(value percpu)"
check_match "each counter's line shows value, expected, lost and a time in microseconds" \
	"^counter +value +expected +lost +time_us$" "$(cat /tmp/counters.out)"
check_eq "... with a number in every column of the four counters" "4" \
	"$(grep -cE '^(plain|atomic|spinlock|percpu) +[0-9]+ +[0-9]+ +-?[0-9]+ +[0-9]+$' /tmp/counters.out)"
lost1=$(awk '$1 == "plain" { print $4 }' /tmp/counters.out)
plain1=$(value plain)
ok=0
[ "$plain1" -ge 1 ] 2>/dev/null && [ "$plain1" -le "$WANT" ] && ok=1
if [ "$ok" = 1 ]; then
	ok "the plain counter counted, and never more than expected (1..$WANT)"
else
	not_ok "the plain counter counted, and never more than expected (1..$WANT)" "got: $plain1"
fi
check_eq "... and its lost column is expected minus value" "$((WANT - plain1))" "$lost1"
check_eq "when the run is over, its threads have exited" "" "$(threads)"

# Two more runs: each starts from zero (the counters do not add up across
# runs), and the plain counter gets two more chances to lose updates.
exact=0
losses=$lost1
for i in 2 3; do
	[ "$(start_run $N)" = ok ] || break
	finish_run
	[ "$(value atomic) $(value spinlock) $(value percpu)" = "$WANT $WANT $WANT" ] && exact=$((exact + 1))
	losses="$losses, $(awk '$1 == "plain" { print $4 }' /tmp/counters.out)"
done
check_eq "two more runs: each starts from zero, and the protected counters are exact again" \
	"2" "$exact"
# Whether the plain counter loses updates depends on both vCPUs really
# running at once, which a busy host does not promise under TCG: reported,
# never checked.
echo "# the plain counter lost $losses of $WANT updates in three runs"
skip "the plain counter loses updates: it lost $losses of $WANT in three runs (shown, not checked)" \
	"a loss is likely but not certain on 2 vCPUs under TCG"

check_eq "a run of 1 loop works too: every counter is $CPUS" "ok $CPUS $CPUS $CPUS $CPUS" \
	"$(start_run 1) $(finish_run; value plain) $(value atomic) $(value spinlock) $(value percpu)"

# --- bad input --------------------------------------------------------------

for bad in 0 -5 abc 12abc 100000001 99999999999999999999 ''; do
	check_eq "writing '$bad' is refused with EINVAL" "error: EINVAL" "$(start_run "$bad")"
done
check_eq "... and the last run's results stay" "done 1" "$(cat $P >/tmp/counters.out; field state) $(field loops)"
check_eq "a user (uid 1000) may read the results" "0" "$(wbio -u 1000 read $P >/dev/null 2>&1; echo $?)"
check_eq "but may not start a run (mode 0644): EACCES" "error: EACCES" \
	"$(wbio -u 1000 write $P 10 2>/dev/null)"

# --- a long run, and rmmod in the middle of it -----------------------------

check_eq "the largest run, 100000000 loops, is accepted" "ok" "$(start_run 100000000)"
check_match "while it runs, /proc/counters says so at once" "^state: running$" "$(cat $P 2>&1)"
check_eq "a second run cannot start while one is going: EBUSY" "error: EBUSY" "$(start_run 10)"
check_eq "there is one thread per CPU, named counters/CPU" \
	"counters/0 counters/1" "$(threads | awk '{ print $2 }' | sort | tr '\n' ' ' | sed 's/ $//')"
bound=$(threads | while read -r pid name; do
	echo "$name: $(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/"$pid"/status)"
done | sort)
check_eq "each thread may run only on its own CPU" "counters/0: 0
counters/1: 1" "$bound"
klog_mark
run rmmod counters
check_eq "rmmod in the middle of the run succeeds" "0" "$RC"
check_eq "... and stops both threads before they finish (the log says so)" \
	"counters: rmmod stopped 2 of 2 threads mid-run" "$(klog '^counters: rmmod')"
check_eq "... and no counters thread is left" "" "$(threads)"
check_eq "/proc/counters is gone" "no" "$([ -e $P ] && echo yes || echo no)"

# rmmod at any moment: before the threads run, while they wait for each
# other at a gate, while they count.
i=0
while [ "$i" -lt 10 ]; do
	insmod counters.ko || break
	[ "$(start_run 300000)" = ok ] || break
	[ $((i % 3)) = 0 ] || sleep "0.0$i"
	rmmod counters || break
	[ -z "$(threads)" ] || break
	i=$((i + 1))
done
rmmod counters 2>/dev/null
check_eq "10 runs unloaded at different moments: each rmmod leaves no thread behind" "10" "$i"

# --- the banner's commands, as make run-qemu shows them --------------------
# banner_cmd N: the command on line N of banner.txt, without the indent and
# the "(what you see)" remark after it.
banner_cmd() {
	sed -n "${1}p" banner.txt | sed -e 's/^ *//' -e 's/   *(.*)$//'
}
transcript try-run "$(banner_cmd 2)"
check_eq "banner: insmod, then a run of 1000000 starts (no output)" "0 " "$RC $OUT"
wait_line $P '^state: done' 20
transcript try-cat "$(banner_cmd 3)"
check_eq "banner: cat /proc/counters shows the four counters, the protected ones exact" \
	"$((1000000 * CPUS)) $((1000000 * CPUS)) $((1000000 * CPUS))" \
	"$(printf '%s\n' "$OUT" | awk '$1 ~ /^(atomic|spinlock|percpu)$/ { printf "%s%s", s, $2; s = " " }')"
transcript try-big "$(banner_cmd 4)"
check_match "banner: a run over the limit is refused" "Invalid argument" "$OUT"
transcript try-stop "$(banner_cmd 5)"
check_eq "banner: a long run's two threads are shown, then rmmod stops them" \
	"[counters/0]
[counters/1]
counters: rmmod stopped 2 of 2 threads mid-run" \
	"$(printf '%s\n' "$OUT" | grep -oE '\[counters/[0-9]+\]|counters: rmmod.*' | sort)"

check_no_match "no counters module is left loaded" "^counters " "$(lsmod)"
done_testing
