#!/bin/sh
# Print the workbook's cache directory: what is expensive to make and the
# same for every clone on this machine (the checkpatch script today; kernels
# later) lives there, so that a fresh clone or a class of clones reuses it.
# 'make clean' leaves it alone.
#
#   cache-dir.sh         print it (WB_CACHE overrides the default)
set -eu
echo "${WB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-workbook}"
