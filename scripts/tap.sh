# shellcheck shell=sh
# TAP for the host-side self-tests (sourced by scripts/vm-shell.sh and
# scripts/shell-selftest.sh):
#   result OK? DESC [DIAGNOSTIC]   print one TAP line (OK? is 0 for ok), the
#                                  diagnostic under a "not ok"
#   tap_end                        the plan, "N passed, N failed", and the
#                                  status: 0 when nothing failed
n=0
failed=0

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}

tap_end() {
	echo "1..$n"
	echo "$((n - failed)) passed, $failed failed"
	[ "$failed" = 0 ]
}
