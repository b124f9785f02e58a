#!/bin/sh
# numlist with uaf.patch: rmmod reads freed nodes; KASAN must report it.
echo "# uaf: insmod numlist.ko nodes=10; rmmod numlist"
insmod numlist.ko nodes=10
rmmod numlist
echo "# uaf: rmmod exited with $?"
