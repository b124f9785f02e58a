# leds.sh: helpers for chapter 08's tests, sourced (". ./leds.sh") by
# test.sh, ext-sweep.sh, ext-follow.sh and ext-jiffies.sh after
# /wb/testlib.sh. Not a test itself: it only defines functions.
#
#   hold_tty TTY          keep TTY open in the background, as a getty or a
#                         shell on it would (kbleds needs a tty on the
#                         console); waits until it is open
#   held TTY              what the holder of TTY printed ("open" or an error)
#   release_ttys          end every holder
#   led_changes REPLY     the "SECONDS:STATE" pairs of a led-log reply, one a
#                         line
#   led_states REPLY      the STATEs alone, one a line
#   median_ms REPLY       the median time between two changes, in ms
#   led_run SECONDS ARGS...
#                         load kbleds with ARGS, record the LED states for
#                         SECONDS, unload it: LEDS is the led-log reply,
#                         LOADED and UNLOADED the exit statuses of insmod and
#                         rmmod
#   caps_flip TTY         press Caps Lock and record the LEDs until its bit
#                         differs from TTY's state before (1 s at most):
#                         CAPS_FROM is that state, CAPS the led-log reply;
#                         then press it again and wait (1 s at most) until
#                         TTY's LEDs are as they were

HOLDERS=

hold_tty() {
	rm -f "/tmp/holder-${1##*/}.out"
	wbio hold "$1" >"/tmp/holder-${1##*/}.out" 2>&1 &
	HOLDERS="$HOLDERS $!"
	wait_line "/tmp/holder-${1##*/}.out" '^(open|error)'
}

held() { cat "/tmp/holder-${1##*/}.out"; }

release_ttys() {
	for ht_pid in $HOLDERS; do
		kill "$ht_pid"
		wait "$ht_pid" 2>/dev/null
	done
	HOLDERS=
}

led_changes() { printf '%s\n' $1 | grep ':'; }

led_states() { led_changes "$1" | sed 's/.*://'; }

median_ms() {
	led_changes "$1" | awk -F: 'NR > 1 { printf "%d\n", ($1 - t) * 1000 } { t = $1 }' |
		sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

led_run() {
	lr_seconds=$1
	shift
	host led-log begin
	run insmod kbleds.ko "$@"
	LOADED=$RC
	sleep "$lr_seconds"
	host led-log end
	LEDS=$HOST_REPLY
	run rmmod kbleds
	UNLOADED=$RC
}

# caps_moved REPLY: does the last state of a led-log reply differ from
# CAPS_FROM in the Caps Lock bit (4)?
caps_moved() {
	cm_last=$(led_states "$1" | tail -n 1)
	[ -n "$cm_last" ] && [ $(((cm_last ^ CAPS_FROM) & 4)) = 4 ]
}

caps_flip() {
	CAPS_FROM=$(./getleds "$1")
	host led-log begin
	host send-keys caps_lock
	cf_i=0
	host led-log end
	until caps_moved "$HOST_REPLY" || [ $cf_i -ge 20 ]; do
		sleep 0.05
		cf_i=$((cf_i + 1))
		host led-log end
	done
	CAPS=$HOST_REPLY
	host send-keys caps_lock
	cf_i=0
	while [ "$(./getleds "$1")" != "$CAPS_FROM" ] && [ $cf_i -lt 20 ]; do
		sleep 0.05
		cf_i=$((cf_i + 1))
	done
}
