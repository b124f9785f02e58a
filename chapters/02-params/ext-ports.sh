#!/bin/sh
# Chapter 02 extension "ports": a port outside 1..65535 makes the load
# fail, and the log names it. Runs in the VM: make check CH=02 EXT=ports.
# The reference solution is solutions/02-params/ports.patch.
. /wb/testlib.sh
plan 8
. ./params.sh

try_load ports=22,70000
check_match "insmod paramdemo.ko ports=22,70000 fails with Invalid argument" \
	"Invalid argument" "$OUT"
check_eq "... and the module is not loaded" "0" "$LOADED"
check_match "... and the log names the bad port" \
	"^paramdemo: port 70000 is out of range \(1\.\.65535\)$" "$LOG"

try_load ports=0
check_match "insmod paramdemo.ko ports=0 fails with Invalid argument" \
	"Invalid argument" "$OUT"
check_match "... and the log names port 0" \
	"^paramdemo: port 0 is out of range \(1\.\.65535\)$" "$LOG"

run insmod paramdemo.ko ports=1,65535
check_eq "ports=1,65535 (both ends of the range) loads" "0 1,65535" \
	"$RC $(cat $P/ports 2>&1)"
rmmod paramdemo 2>/dev/null
run insmod paramdemo.ko
check_eq "the default ports (80,443) load" "0 80,443" "$RC $(cat $P/ports 2>&1)"
rmmod paramdemo 2>/dev/null

check_no_match "no chapter module is left loaded" "^paramdemo " "$(lsmod)"
done_testing
