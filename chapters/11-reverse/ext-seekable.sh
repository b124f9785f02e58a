#!/bin/sh
# Chapter 11 extension "seekable": lseek() moves the read position within the
# current phrase (SEEK_SET, SEEK_CUR, SEEK_END), refuses positions outside it
# with EINVAL, and a read starts at the position. Runs in the VM:
# make check CH=11 EXT=seekable. The reference solution is
# solutions/11-reverse/seekable.patch.
. /wb/testlib.sh
plan 19
export PATH="$PWD:$PATH"

if ! command -v rseek >/dev/null; then
	not_ok "the tool rseek is in your lab" \
		"copy chapters/11-reverse/tools/rseek.c to modules/11-reverse/tools/"
	bail_out "no rseek tool: the other checks need it"
fi

# "A quick brown fox" comes back as "fox brown quick A": 17 bytes.
FOX='A quick brown fox'

insmod reverse.ko
check_eq "the words still come back in reverse order" \
	"[fox brown quick A]" "$(rseek write "$FOX" read 100)"
check_eq "reads still consume: a short read leaves the rest for the next" \
	"[three ]
[two one]
read: EAGAIN" "$(rseek write 'one two three' read 6 read 100 read 100)"

check_eq "SEEK_SET 4 returns 4, and a read starts at byte 4 of the answer" \
	"4
[brown quick A]" "$(rseek write "$FOX" seek 4 set read 100)"
check_eq "SEEK_CUR 0 tells how much has been read" \
	"[fox ]
4" "$(rseek write "$FOX" read 4 seek 0 cur)"
check_eq "SEEK_CUR moves on from the read position" \
	"[fox ]
10
[quick A]" "$(rseek write "$FOX" read 4 seek 6 cur read 100)"
check_eq "SEEK_END -1 leaves the last byte to read" \
	"16
[A]" "$(rseek write "$FOX" seek -1 end read 100)"
check_eq "seeking back to 0 reads a consumed phrase again" \
	"[fox brown quick A]
0
[fox]" "$(rseek write "$FOX" read 100 seek 0 set read 3)"
check_eq "SEEK_END 0 skips the rest: the next read waits for a write (EAGAIN)" \
	"17
read: EAGAIN" "$(rseek write "$FOX" seek 0 end read 100)"
check_eq "a write rewinds: the new phrase is read from its start" \
	"2
0
[d c]" "$(rseek write 'a b' seek 2 set write 'c d' seek 0 cur read 100)"

check_eq "SEEK_SET 17 (the end) is allowed, 18 (past it) is EINVAL" \
	"17
seek: EINVAL" "$(rseek write "$FOX" seek 17 set seek 18 set)"
check_eq "a negative position is EINVAL, and the position stays where it was" \
	"[fox ]
seek: EINVAL
seek: EINVAL
4" "$(rseek write "$FOX" read 4 seek -1 set seek -5 cur seek 0 cur)"
check_eq "past the end from SEEK_CUR or SEEK_END is EINVAL" \
	"[fox ]
seek: EINVAL
seek: EINVAL
4" "$(rseek write "$FOX" read 4 seek 14 cur seek 1 end seek 0 cur)"
check_eq "huge offsets are EINVAL, not an overflow" \
	"seek: EINVAL
seek: EINVAL
seek: EINVAL
0" "$(rseek write "$FOX" seek 9223372036854775807 cur \
	seek -9223372036854775808 end seek 9223372036854775807 end seek 0 cur)"
check_eq "an unknown whence (SEEK_DATA 3, SEEK_HOLE 4, 7) is EINVAL" \
	"seek: EINVAL
seek: EINVAL
seek: EINVAL" "$(rseek write "$FOX" seek 0 3 seek 0 4 seek 0 7)"
check_eq "a new open has no phrase: 0 is the only position" \
	"0
0
seek: EINVAL" "$(rseek seek 0 set seek 0 end seek 1 set)"
check_eq "pread() brings its own position, which the device has not: ESPIPE" \
	"pread: ESPIPE
[fox brown quick A]" "$(rseek write "$FOX" pread 100 4 read 100)"

# The woken reader prints its line as the seek prints its result: the two
# can come in either order, so the lines are compared sorted.
check_eq "seeking back on a shared file wakes a reader blocked at the end" \
	"$(printf '%s\n' 0 '[cd ab]' 'reader: [cd ab]' 'the reader sleeps in reverse_read' | sort)" \
	"$(rseek write 'ab cd' read 100 bgread seek 0 set reap | sort)"
check_eq "a reader blocked at the end sleeps through SEEK_END; the next write wakes it" \
	"[cd ab]
the reader sleeps in reverse_read
5
reader: [d c]" "$(rseek write 'ab cd' read 100 bgread seek 0 end write 'c d' reap)"

rmmod reverse
check_no_match "no reverse module is left loaded" "^reverse " "$(lsmod)"
done_testing
