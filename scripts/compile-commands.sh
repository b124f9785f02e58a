#!/bin/sh
# Write compile_commands.json for clangd, VS Code and other editors, with
# kbuild's own generator (scripts/clang-tools/gen_compile_commands.py from
# linux-source-6.1, unpacked by scripts/kernel-scripts.sh). The Makefile
# calls it (make compile_commands.json) after building the modules.
#
#   compile-commands.sh OUT KDIR BUILD:SOURCE...
#
# The generator reads the .cmd files kbuild leaves next to each object in
# BUILD (a chapter's or lab's build copy); each entry is then pointed at the
# file in SOURCE (chapters/NN-slug or modules/NN-slug), the one the student
# edits, so the editor finds its flags and the kernel's headers.
set -eu
out=$1
kdir=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
gen="$("$here/scripts/kernel-scripts.sh")/clang-tools/gen_compile_commands.py"
dirs=""
for pair in "$@"; do
	[ -d "${pair%%:*}" ] && dirs="$dirs ${pair%%:*}"
done
# shellcheck disable=SC2086 # one directory a word
/usr/bin/python3 "$gen" -d "$kdir" -o "$out.tmp" $dirs
/usr/bin/python3 - "$out.tmp" "$here" "$@" <<'PY'
import json, os, sys
path, here, pairs = sys.argv[1], sys.argv[2], sys.argv[3:]
# The generated NAME.mod.c files have no source to point at.
entries = [e for e in json.load(open(path)) if not e["file"].endswith(".mod.c")]
for entry in entries:
    for pair in pairs:
        build, source = (os.path.join(here, p) for p in pair.split(":", 1))
        if entry["file"].startswith(build + "/"):
            new = source + entry["file"][len(build):]
            entry["command"] = entry["command"].replace(entry["file"], new)
            entry["file"] = new
json.dump(entries, open(path, "w"), indent=2)
print("  GEN     compile_commands.json: %d files" % len(entries))
PY
mv "$out.tmp" "$out"
