#!/bin/sh
# Chapter 04 extension "two": one module, two devices, /dev/chardev0 and
# /dev/chardev1, each with its own message and its own "busy" flag. Runs in
# the VM: make check CH=04 EXT=two. The reference solution is
# solutions/04-chardev-ioctl/two.patch.
. /wb/testlib.sh
plan 9

# devno NODE: "MAJOR:MINOR" of a character device node, or what went wrong.
devno() {
	stat -c '%F 0x%t 0x%T' "$1" 2>&1 | {
		read -r a b c maj min && [ "$a $b $c" = "character special file" ] &&
			printf '%d:%d' "$maj" "$min" || echo "not a character device: $1"
	}
}

insmod chardev.ko
D0=$(devno /dev/chardev0)
D1=$(devno /dev/chardev1)
check_match "devtmpfs created /dev/chardev0 as a character device with minor 0" \
	'^[0-9]+:0$' "$D0"
check_eq "/dev/chardev1 has the same major and minor 1" "${D0%:*}:1" "$D1"

check_eq "/dev/chardev0 starts with a message of its own" \
	"Hello from /dev/chardev0" "$(wbio read /dev/chardev0 2>&1)"
check_eq "/dev/chardev1 starts with a message of its own" \
	"Hello from /dev/chardev1" "$(wbio read /dev/chardev1 2>&1)"

# Only into device nodes: a redirection to a missing node would create a file.
[ -c /dev/chardev0 ] && echo a >/dev/chardev0
[ -c /dev/chardev1 ] && echo b >/dev/chardev1
check_eq "a write to each device changes only its own message" "a
b" "$(cat /dev/chardev0 /dev/chardev1 2>&1)"

wbio hold /dev/chardev0 >/tmp/holder &
HOLDER=$!
wait_line /tmp/holder '^open$'
run wbio open /dev/chardev1
check_eq "while /dev/chardev0 is held open, /dev/chardev1 opens" "open" "$OUT"
OUT=$(wbio open /dev/chardev0 2>/dev/null)
check_eq "... and a second open of /dev/chardev0 fails with EBUSY" \
	"error: EBUSY" "$OUT"
kill $HOLDER
wait $HOLDER 2>/dev/null
rm -f /tmp/holder

run rmmod chardev
check_eq "rmmod succeeds once nobody has a device open" "0" "$RC"
check_eq "both nodes disappear with the module" "absent absent" \
	"$(for n in 0 1; do [ -e /dev/chardev$n ] && echo present || echo absent; done | tr '\n' ' ' | sed 's/ $//')"
done_testing
