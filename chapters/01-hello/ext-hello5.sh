#!/bin/sh
# Chapter 01 extension "hello5": hello-5.ko is one module built from two
# source files, greet.c and a main file that is not called hello-5.c. Runs
# in the VM: make check CH=01 EXT=hello5. The reference solution is
# solutions/01-hello/hello5.patch.
. /wb/testlib.sh
plan 7

if [ ! -f hello-5.ko ]; then
	not_ok "hello-5.ko was built (add it to Kbuild)" "no hello-5.ko in $(pwd)"
	bail_out "no hello-5.ko to test"
fi
ok "hello-5.ko was built"

check_eq "modinfo shows hello-5's license (GPL)" "GPL" "$(modinfo -F license hello-5.ko)"

klog_mark
run insmod hello-5.ko
check_eq "insmod hello-5.ko succeeds" "0" "$RC"
check_eq "one insmod loads one module, hello_5 (no separate greet module)" "hello_5" \
	"$(lsmod | grep -E '^(hello_5|greet|hello5)' | cut -d' ' -f1)"
check_match "hello5_greet() is a function of the loaded module hello_5" \
	" hello5_greet[[:space:]]+\[hello_5\]" "$(grep -F hello5_greet /proc/kallsyms)"
rmmod hello_5
check_eq "hello-5 greets through hello5_greet() on load and says goodbye on unload" \
	"Hello, world 5
Goodbye, world 5" "$(klog 'world 5' | sed 's/^[a-z0-9_]*: //')"

check_no_match "no chapter module is left loaded" "^(hello_|startstop|whoami)" "$(lsmod)"
done_testing
