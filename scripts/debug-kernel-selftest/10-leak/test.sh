#!/bin/sh
# numlist with leak.patch: its ten nodes leak at rmmod; kmemleak must say so.
echo "# leak: insmod numlist.ko nodes=10; rmmod numlist"
insmod numlist.ko nodes=10
rmmod numlist
# shellcheck source=/dev/null # copied next to this file by run.sh
. ./kmemleak-scan.sh
