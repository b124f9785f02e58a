# Sourced by the guest-side tests here: ask kmemleak for a scan and print
# what it holds. kmemleak does not report an object younger than 5 s, and
# the first scan after an allocation only records each object's checksum
# (an object whose contents changed since the last scan counts as
# referenced); so wait, then scan twice.
sleep 6
echo scan >/sys/kernel/debug/kmemleak
echo scan >/sys/kernel/debug/kmemleak
echo "# kmemleak after two scans:"
sed 's/^/# /' /sys/kernel/debug/kmemleak
