#!/bin/sh
# Chapter 11 extension "poll": /dev/reverse answers poll() (and select(),
# epoll): readable while part of a phrase is unread, not readable otherwise,
# always writable; a write wakes a process that sleeps in poll. Runs in the
# VM: make check CH=11 EXT=poll. The test drives the device with the steps
# "poll MS", "pollw MS" and "bgpoll" of the chapter's tool rseek, which the
# exercise adds. The reference solution is solutions/11-reverse/poll.patch.
. /wb/testlib.sh
plan 9
export PATH="$PWD:$PATH"

insmod reverse.ko
# rseek answers a step it does not know with its usage and status 2.
run rseek poll 0
if ! command -v rseek >/dev/null || [ "$RC" = 2 ]; then
	not_ok "the tool rseek in your lab has the steps poll, pollw and bgpoll" \
		"add them to modules/11-reverse/tools/rseek.c, as the exercise says"
	rmmod reverse
	bail_out "rseek cannot poll: the other checks need it"
fi
ok "the tool rseek in your lab has a poll step"

check_eq "a fresh open has no phrase: poll for POLLIN waits 200 ms and times out" \
	"poll: timeout" "$(rseek poll 200)"
check_eq "a written phrase makes the file readable at once (poll 0 ms)" \
	"poll: POLLIN" "$(rseek write 'ab cd' poll 0)"
check_eq "part of it read, the rest is still readable" \
	"[cd]
poll: POLLIN" "$(rseek write 'ab cd' read 2 poll 0)"
check_eq "all of it read, poll times out again" \
	"[cd ab]
poll: timeout" "$(rseek write 'ab cd' read 100 poll 200)"
check_eq "a write never waits: poll for POLLOUT answers at once, phrase or not" \
	"poll: POLLOUT
poll: POLLOUT" "$(rseek pollw 0 write 'ab cd' pollw 0)"
check_eq "a write on the same open file wakes a process asleep in poll" \
	"the poller sleeps in poll
poller: POLLIN
[cd ab]" "$(rseek bgpoll write 'ab cd' reap read 100)"
check_eq "the words still come back in reverse order" \
	"[fox brown quick A]" "$(rseek write 'A quick brown fox' read 100)"

rmmod reverse
check_no_match "no reverse module is left loaded" "^reverse " "$(lsmod)"
done_testing
