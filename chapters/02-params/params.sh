# params.sh: helpers for chapter 02's tests, sourced (". ./params.sh") by
# test.sh and ext-ports.sh after /wb/testlib.sh. Not a test itself.
#
#   P                   paramdemo's parameter folder in sysfs
#   try_load ARGS...    an insmod that is expected to fail: OUT and RC as
#                       from run, LOG the module's kernel log lines (and the
#                       kernel's own about its parameters, such as "ports:
#                       can only take 4 arguments"), LOADED whether it loaded
#                       anyway (1; then it is removed again) or not (0)

P=/sys/module/paramdemo/parameters

try_load() {
	klog_mark
	run insmod paramdemo.ko "$@"
	LOG=$(klog 'paramdemo|ports')
	LOADED=$(lsmod | grep -c '^paramdemo ')
	[ "$LOADED" = 0 ] || rmmod paramdemo
}
