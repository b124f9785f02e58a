# testlib.sh: helpers for a chapter's test.sh, which sources this file.
#
# A test script checks what a module does and reports each check as one TAP
# line ("ok N - what" or "not ok N - what", with "#" lines saying what was
# expected and what was seen). The host runner turns these into the report.
# As in the kernel's KTAP, the plan comes first: a test that stops half-way
# (a crash, a hang) leaves the checks it never ran visible, and the runner
# counts each of them as failed.
#
#   plan N                               the number of checks; call it first
#   check_eq DESC EXPECTED ACTUAL        strings are equal
#   check_match DESC REGEX ACTUAL        ACTUAL has a line matching the ERE
#   check_no_match DESC REGEX ACTUAL     ACTUAL has no line matching the ERE
#   run CMD...                           run; sets OUT (stdout+stderr) and RC
#   transcript NAME CMDLINE              run the shell command line like run,
#                                        and save "# CMDLINE" and its output
#                                        for the book (transcripts/NAME.txt)
#   wait_line FILE ERE [SECONDS]         wait until FILE has a line matching
#                                        ERE (5 s at most); fails on timeout
#   klog_mark / klog [REGEX]             kernel log lines since the mark (only
#                                        those matching REGEX, if given: the
#                                        rest of the kernel logs too)
#   wait_klog ERE [SECONDS]              wait until the kernel log since the
#                                        mark has a line matching ERE (5 s at
#                                        most); fails on timeout
#   skip DESC REASON                     a check that cannot run here (an
#                                        "ok" with a reason: a score counts it)
#   bail_out REASON                      stop the test now; the checks not run
#                                        yet count as failed
#   host ACTION ARGS...                  ask the host to act; reply in HOST_REPLY
#   done_testing                         check that the plan was kept; call it
#                                        last

T_COUNT=0
T_FAILED=0
T_PLAN=

plan() {
	T_PLAN=$1
	echo "1..$1"
}

ok() {
	T_COUNT=$((T_COUNT + 1))
	echo "ok $T_COUNT - $1"
}

# not_ok DESC [LINE...]: a failed check, with diagnostic lines.
not_ok() {
	T_COUNT=$((T_COUNT + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_COUNT - $1"
	shift
	for line in "$@"; do
		# A long "got" (a whole /proc file, say) is cut to its start.
		printf '%s\n' "$line" | sed -n '1,15s/^/#   /p; 16{s/.*/#   [.. more lines cut ..]/p;q}'
	done
}

skip() {
	T_COUNT=$((T_COUNT + 1))
	echo "ok $T_COUNT - $1 # SKIP $2"
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "got:      $3"
	fi
}

# A here-document rather than printf | grep: one process less for every
# check (see insmod below).
check_match() {
	if grep -Eq -- "$2" <<T_EOF
$3
T_EOF
	then
		ok "$1"
	else
		not_ok "$1" "expected a line matching: $2" "got:" "$3"
	fi
}

check_no_match() {
	if grep -Eq -- "$2" <<T_EOF
$3
T_EOF
	then
		not_ok "$1" "expected no line matching: $2" "got:" "$3"
	else
		ok "$1"
	fi
}

run() {
	OUT=$("$@" 2>&1)
	RC=$?
}

# The runner writes each "@@transcript NAME LINE" to
# build/transcripts/CHAPTER/NAME.txt, which the book includes, so the book
# shows what the code really prints.
transcript() {
	t_name=$1
	shift
	OUT=$(sh -c "$*" 2>&1)
	RC=$?
	{
		printf '# %s\n' "$*"
		[ -z "$OUT" ] || printf '%s\n' "$OUT"
	} | sed "s|^|@@transcript $t_name |"
}

# insmod as usual, and then tell the host runner where the module's code
# went ("@@module NAME SECTION ADDRESS" on the console). A kernel report
# that comes after the module is gone (a kmemleak leak, found after rmmod)
# has only raw addresses; the runner traces them back to source lines.
# It starts one process besides insmod (grep reads the four files; the
# shell's read would not do: it reads a byte at a time, and a section file
# answers only a read from its start): under TCG each process costs 5 ms,
# and 50 ms on the debug kernel, and tests load modules in loops.
insmod() {
	command insmod "$@" || return
	t_mod=${1##*/}
	t_mod=${t_mod%.ko}
	t_mod=${t_mod//-/_}		# busybox ash has bash's ${NAME//-/_}
	t_dir=/sys/module/$t_mod/sections
	t_out=$(grep -Hs . "$t_dir/.text" "$t_dir/.init.text" "$t_dir/.exit.text" \
		"$t_dir/.text.unlikely")
	while IFS=: read -r t_file t_addr; do
		[ -z "$t_addr" ] || echo "@@module $t_mod ${t_file##*/} $t_addr" >/dev/console
	done <<T_EOF
$t_out
T_EOF
	return 0
}

# A background process announces it is ready by printing a line (wbio
# prints "open"); poll for it rather than sleeping for a guessed time.
wait_line() {
	t_tries=$((${3:-5} * 20))
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		t_tries=$((t_tries - 1))
		[ "$t_tries" -gt 0 ] || return 1
		sleep 0.05
	done
}

# The kernel log is cleared when a chapter starts and forwarded to the host
# when it ends, so tests never clear it; they remember where they were.
klog_mark() {
	T_KLOG_MARK=$(dmesg | wc -l)
}

klog() {
	dmesg | sed -n "$((${T_KLOG_MARK:-0} + 1)),\${s/^\[[ 0-9.]*\] //;p;}" |
		grep -E -- "${1:-.}"
}

# What a module logs from a bottom half, a timer or a work item comes when it
# comes: poll the log since the mark, as wait_line polls a file. Reading the
# log takes a while itself, so the limit is a time (by the uptime clock, in
# centiseconds), not a number of polls.
wait_klog() {
	t_until=$(($(t_uptime_cs) + ${2:-5} * 100))
	until klog "$1" >/dev/null; do
		[ "$(t_uptime_cs)" -lt "$t_until" ] || return 1
		sleep 0.05
	done
}

t_uptime_cs() {
	read -r t_up _ </proc/uptime
	# "12.05" is 1205; the "1" keeps "05" from reading as octal.
	echo $((${t_up%.*} * 100 + 1${t_up#*.} - 100))
}

# host ACTION ARGS...: ask the host runner to do something outside the VM,
# such as pressing keys on the emulated keyboard, and wait for its answer.
host() {
	echo "@@host $*"
	IFS= read -r HOST_REPLY </dev/console
}

# The runner counts checks against the plan too; saying it here names the
# test script as the culprit when the plan is wrong.
done_testing() {
	if [ -z "$T_PLAN" ]; then
		not_ok "the test declares its plan (plan N) before its first check"
	elif [ "$T_COUNT" != "$T_PLAN" ]; then
		not_ok "the test ran as many checks as it planned" \
			"planned: $T_PLAN" "ran:     $T_COUNT"
	fi
	[ "$T_FAILED" = 0 ]
}
