#!/bin/sh
# Runs right after the reference chapter 10's own test.sh: a kmemleak scan
# that must find nothing (no false report from the reference or the boot).
# shellcheck source=/dev/null # copied next to this file by run.sh
. ./kmemleak-scan.sh
