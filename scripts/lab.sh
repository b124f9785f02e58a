#!/bin/sh
# Classroom labs: make a student's skeleton from a reference chapter.
#
#   lab.sh new NN-slug [FIRST]   copy chapters/NN-slug to modules/NN-slug with
#                                the lab steps FIRST and later cut out (all
#                                steps by default; "solved" cuts none, for an
#                                exercise that starts from the whole chapter);
#                                FORCE=1 replaces existing work, after backing
#                                it up
#   lab.sh solution NN-slug NAME DIR   copy the reference to DIR/NN-slug and
#                                apply solutions/NN-slug/NAME.patch (the
#                                solution of extension exercise NAME)
#   lab.sh verify NN-slug...     check the markers of each chapter (TAP): at
#                                least two steps, a skeleton that differs from
#                                the reference, and filling the skeleton back
#                                from the reference gives the reference again
#
# A lab step in a reference .c or .h file looks like this:
#
#	/* TODO 2: register the misc device */
#	ret = misc_register(&reverse_dev);
#	/* END TODO */
#
# The skeleton keeps the TODO line and loses the lines up to and including
# END TODO. One step may stand at several sites with the same number, such
# as a registration in init and its release in exit: the student does both. The reference compiles and passes its tests with the markers in.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
labdir=$(cd "$here" && mkdir -p "${LABDIR:-modules}" && cd "${LABDIR:-modules}" && pwd)

# cut FIRST < reference > skeleton: drop the solutions of steps >= FIRST.
cut_steps() {
	awk -v first="$1" '
	/\/\* TODO [0-9]+:/ && !cutting {
		print
		match($0, /TODO [0-9]+/)
		cutting = substr($0, RSTART + 5, RLENGTH - 5) + 0 >= first
		next
	}
	cutting && /\/\* END TODO \*\// {
		cutting = 0
		next
	}
	!cutting { print }'
}

# fill REFERENCE < skeleton > filled: put each cut step's lines back, taking
# them from the reference by step number. One step may stand at several
# sites (a request and its release): the k-th site of step n in the skeleton
# gets the lines of the k-th site of step n in the reference.
fill_steps() {
	awk -v ref="$1" '
	function step_of(line) {
		match(line, /TODO [0-9]+/)
		return substr(line, RSTART + 5, RLENGTH - 5) + 0
	}
	BEGIN {
		while ((getline line < ref) > 0) {
			if (line ~ /\/\* TODO [0-9]+:/) {
				step = step_of(line)
				site = step SUBSEP (++sites[step])
				body[site] = ""
				in_step = 1
				continue
			}
			if (in_step) {
				body[site] = body[site] line "\n"
				if (line ~ /\/\* END TODO \*\//)
					in_step = 0
			}
		}
	}
	{ print }
	/\/\* TODO [0-9]+:/ {
		step = step_of($0)
		printf "%s", body[step SUBSEP (++seen[step])]
	}'
}

lab_sources() { # DIR: the files a lab is made of
	find "$1" -maxdepth 2 \( -name '*.[ch]' -o -name Kbuild \) -type f | sort
}

steps_in() { # DIR: the lab step numbers, one per line (once each)
	lab_sources "$1" | xargs grep -ho 'TODO [0-9]*:' | tr -dc '0-9\n' | sort -nu
}

new_lab() {
	name=$1
	first=${2:-1}
	[ "$first" != solved ] || first=999999
	src="$here/chapters/$name"
	dest="$labdir/$name"
	if [ -e "$dest" ]; then
		if [ "${FORCE:-0}" != 1 ]; then
			echo "lab.sh: $dest exists; FORCE=1 replaces it (keeping a backup)" >&2
			exit 1
		fi
		backup="$dest.backup-$(date +%Y%m%d-%H%M%S)"
		mv "$dest" "$backup"
		echo "lab.sh: your previous work is in ${backup#"$here"/}"
	fi
	for file in $(lab_sources "$src"); do
		rel=${file#"$src"/}
		mkdir -p "$(dirname "$dest/$rel")"
		cut_steps "$first" <"$file" >"$dest/$rel"
	done
	todo=$(steps_in "$src" | awk -v f="$first" '$1 >= f' | tr '\n' ' ')
	if [ -n "$todo" ]; then
		echo "lab.sh: created ${dest#"$here"/} with steps ${todo}to do"
	else
		echo "lab.sh: created ${dest#"$here"/}, a copy of the finished chapter"
	fi
	echo "lab.sh: read chapters/$name/README.adoc, fill in the TODOs, then: make check CH=${name%%-*}"
}

solution() {
	name=$1
	dest="$3/$name"
	rm -rf "$dest"
	for file in $(lab_sources "$here/chapters/$name"); do
		rel=${file#"$here/chapters/$name"/}
		mkdir -p "$(dirname "$dest/$rel")"
		cp "$file" "$dest/$rel"
	done
	patch -s -d "$dest" -p1 <"$here/solutions/$name/$2.patch"
}

verify() {
	n=0
	failed=0
	for name in "$@"; do
		src="$here/chapters/$name"
		steps=$(steps_in "$src" | tr '\n' ' ')
		count=$(echo "$steps" | wc -w)
		n=$((n + 1))
		if [ "$count" -ge 2 ]; then
			echo "ok $n - $name has lab steps ($steps)"
		else
			echo "not ok $n - $name has at least two lab steps"
			echo "#   found: ${steps:-none}"
			failed=$((failed + 1))
		fi
		same=1
		roundtrip=1
		for file in $(lab_sources "$src"); do
			skeleton=$(cut_steps 1 <"$file")
			[ "$skeleton" = "$(cat "$file")" ] || same=0
			if ! printf '%s\n' "$skeleton" | fill_steps "$file" | cmp -s - "$file"; then
				roundtrip=0
				echo "#   filling the skeleton of ${file#"$here"/} back does not give the reference"
			fi
		done
		n=$((n + 1))
		if [ "$same" = 0 ] && [ "$roundtrip" = 1 ]; then
			echo "ok $n - $name skeleton, filled back from the reference, is the reference"
		else
			echo "not ok $n - $name skeleton, filled back from the reference, is the reference"
			failed=$((failed + 1))
		fi
	done
	echo "1..$n"
	[ "$failed" = 0 ]
}

case "${1:-}" in
new)
	new_lab "$2" "${3:-1}"
	;;
solution)
	solution "$2" "$3" "$4"
	;;
verify)
	shift
	verify "$@"
	;;
*)
	echo "usage: lab.sh new NN-slug [FIRST] | solution NN-slug NAME DIR | verify NN-slug..." >&2
	exit 2
	;;
esac
