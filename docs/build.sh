#!/bin/sh
# Render the workbook and check the result. The Makefile calls it:
#
#   docs/build.sh html    make docs:       build/docs/html/ (one page per part)
#   docs/build.sh pdf     make pdf:        build/docs/workbook.pdf
#   docs/build.sh check   make docs-check: render the HTML, then open two pages
#                         in headless Chromium, check them, screenshot them
#
# The Chinese edition (docs/index.zh.adoc, each part's X.zh.adoc beside its
# English X.adoc) is rendered too, into build/docs/html/zh/ and
# build/docs/workbook.zh.pdf, and every HTML page links to the same page in
# the other language. First docs/tools/zh-drift.py compares each translation
# with its English source and fails on a structural difference. While some
# translations are missing, html and pdf print one line naming them and
# build the English book only; check fails on them.
#
# Everything it writes is under build/docs/. It fails on any asciidoctor
# warning, a missing include or chapter, a broken cross-reference and a broken
# local link, naming the file at fault.
#
# For working on the book before every chapter exists, DOCS_CHAPTERS=<dir>
# renders the chapters from another directory laid out like chapters/.
#
# The chapters include transcripts of real runs ({transcripts}/NN-slug/
# NAME.txt), which 'make test' saves in build/transcripts/. When one is
# missing, the chapters that lack theirs are tested first (make test CH=...).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DOCS=$ROOT/docs
OUT=$ROOT/build/docs
GEN=$OUT/gen
HTML=$OUT/html
DIAGRAMS=$OUT/diagrams
PDF=$OUT/workbook.pdf
HTML_ZH=$HTML/zh
PDF_ZH=$OUT/workbook.zh.pdf
FONTS=$OUT/fonts
TRANSCRIPTS=${DOCS_TRANSCRIPTS:-$ROOT/build/transcripts}

say() { echo "docs: $*"; }
die() { echo "docs: error: $*" >&2; exit 1; }

need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
			die "$tool is missing; 'make deps' (or scripts/deps.sh --ensure-docs) installs it"
	done
}

# Each docs/diagrams/NAME.dot becomes build/docs/diagrams/NAME.svg.
render_diagrams() {
	need dot
	mkdir -p "$DIAGRAMS"
	for dotfile in "$DOCS"/diagrams/*.dot; do
		name=$(basename "$dotfile" .dot)
		dot -Tsvg "$dotfile" -o "$DIAGRAMS/$name.svg" ||
			die "docs/diagrams/$name.dot: graphviz failed"
	done
}

# The transcripts the chapters include and that are not there yet, as
# "NN-slug/NAME.txt" lines.
missing_transcripts() {
	grep -ho 'include::{transcripts}/[^[]*' "${DOCS_CHAPTERS:-$ROOT/chapters}"/*/README.adoc 2>/dev/null |
		sed 's,include::{transcripts}/,,' | sort -u | while read -r file; do
		[ -f "$TRANSCRIPTS/$file" ] || echo "$file"
	done
}

ensure_transcripts() {
	missing=$(missing_transcripts)
	[ -n "$missing" ] || return 0
	untested=$(echo "$missing" | cut -d/ -f1 | sort -u | tr '\n' ' ')
	say "the chapters' transcripts come from real runs: make test CH=\"${untested% }\""
	mkdir -p "$OUT"
	make -C "$ROOT" --no-print-directory test CH="${untested% }" >"$OUT/transcripts.log" 2>&1 ||
		say "make test failed (see ${OUT#"$ROOT"/}/transcripts.log)"
	missing=$(missing_transcripts)
	[ -z "$missing" ] || die "no transcript $(echo "$missing" | head -n 1) in build/transcripts: does the chapter's test.sh save it ('transcript NAME ...')?"
}

# The files of make debug-selftest the book includes ({wb-debug}/NAME) and
# that are not there yet.
missing_debug_selftest() {
	grep -ho 'include::{wb-debug}/[^[]*' "$DOCS"/*.adoc "${DOCS_CHAPTERS:-$ROOT/chapters}"/*/README*.adoc |
		sed 's,include::{wb-debug}/,,' | sort -u | while read -r file; do
		[ -f "$ROOT/build/debug-selftest/$file" ] || echo "$file"
	done
}

# "When your module is wrong" and chapter 13 show what make debug-selftest saw.
ensure_debug_selftest() {
	[ -n "$(missing_debug_selftest)" ] || return 0
	say "the book's kernel reports come from real runs: make debug-selftest (the first builds the debug kernel)"
	mkdir -p "$OUT"
	make -C "$ROOT" --no-print-directory debug-selftest >"$OUT/debug-selftest.log" 2>&1 ||
		say "make debug-selftest failed (see ${OUT#"$ROOT"/}/debug-selftest.log)"
	missing=$(missing_debug_selftest)
	[ -z "$missing" ] ||
		die "no build/debug-selftest/$(echo "$missing" | head -n 1): make debug-selftest did not make it"
}

# "Debugging it live" shows what make gdb-selftest and make reload-selftest
# saw; each runs when a transcript it writes is missing.
ensure_debugging() {
	for run in gdb-selftest:build/gdb-selftest reload-selftest:build/reload-selftest/6.1; do
		missing=$(grep -ho "include::{wb-${run%%-*}}/[^[]*" "$DOCS/debugging.adoc" |
			sed 's,.*}/,,' | while read -r file; do
				[ -f "$ROOT/${run#*:}/$file" ] || echo "$file"
			done)
		[ -n "$missing" ] || continue
		say "the debugging page's transcripts come from real runs: make ${run%%:*}"
		mkdir -p "$OUT"
		make -C "$ROOT" --no-print-directory "${run%%:*}" KERNEL= >"$OUT/${run%%:*}.log" 2>&1 ||
			say "make ${run%%:*} failed (see ${OUT#"$ROOT"/}/${run%%:*}.log)"
		for file in $missing; do
			[ -f "$ROOT/${run#*:}/$file" ] || die "no ${run#*:}/$file: make ${run%%:*} did not make it"
		done
	done
}

# Is the Chinese edition built? ZH=yes when every translation exists and
# mirrors its English source; ZH=no, after one line naming the missing
# ones, while some do not exist yet. A structural difference fails.
# 'zh_book strict' fails on a missing translation too.
zh_book() {
	ZH=no
	status=0
	/usr/bin/python3 "$DOCS/tools/zh-drift.py" "$ROOT" ${1:+--strict} || status=$?
	case $status in
	0) ZH=yes ;;
	3) ;;
	*) die "the Chinese book does not mirror the English one (see above)" ;;
	esac
}

build_html() {
	need ruby asciidoctor /usr/bin/python3
	ensure_transcripts
	ensure_debug_selftest
	ensure_debugging
	render_diagrams
	rm -rf "$HTML" "$GEN"
	/usr/bin/python3 "$DOCS/tools/kernels-table.py" "$ROOT/build/results" "$GEN/kernels.adoc"
	zh_book "${1:-}"
	if [ "$ZH" = yes ]; then
		ruby "$DOCS/tools/render.rb" html "$ROOT" "$GEN" "$HTML" "$DIAGRAMS" en zh/
		mkdir -p "$GEN/zh"
		cp "$GEN/kernels.adoc" "$GEN/zh/"
		ruby "$DOCS/tools/render.rb" html "$ROOT" "$GEN/zh" "$HTML_ZH" "$DIAGRAMS" zh ../
		/usr/bin/python3 "$DOCS/tools/linkcheck.py" "$HTML_ZH" "$ROOT"
	else
		ruby "$DOCS/tools/render.rb" html "$ROOT" "$GEN" "$HTML" "$DIAGRAMS"
	fi
	/usr/bin/python3 "$DOCS/tools/linkcheck.py" "$HTML" "$ROOT"
	say "HTML book: ${HTML#"$ROOT"/}/index.html"
	[ "$ZH" = no ] || say "the Chinese HTML book: ${HTML_ZH#"$ROOT"/}/index.html"
}

# Debian's python3-fonttools is for Debian's python3, which every script
# here uses (another python3 first on PATH, pyenv's say, may lack it).
fonttools_python() {
	if /usr/bin/python3 -c 'import fontTools' 2>/dev/null; then
		echo /usr/bin/python3
		return 0
	fi
	die "python3-fonttools is missing; 'make deps' (or scripts/deps.sh --ensure-docs) installs it"
}

# The Chinese PDF: Noto Sans CJK SC, as TrueType subsets of the characters
# the Chinese book uses (docs/tools/cjk-font.py), named by docs/zh-theme.yml.
build_pdf_zh() {
	"$(fonttools_python)" "$DOCS/tools/cjk-font.py" "$FONTS" "$DOCS"/*.zh.adoc \
		"${DOCS_CHAPTERS:-$ROOT/chapters}"/*/README.zh.adoc "$DOCS/tools/render.rb"
	mkdir -p "$GEN/zh"
	cp "$GEN/kernels.adoc" "$GEN/zh/"
	ruby "$DOCS/tools/render.rb" gen "$ROOT" "$GEN/zh" zh
	asciidoctor-pdf --failure-level WARN --safe-mode unsafe -r "$DOCS/tools/lab-markers.rb" -r "$DOCS/tools/typed-text.rb" \
		-a chapters="${DOCS_CHAPTERS:-$ROOT/chapters}" -a wb-gen="$GEN/zh" -a diagramsdir="$DIAGRAMS" \
		-a transcripts="$TRANSCRIPTS" -a wb-debug="$ROOT/build/debug-selftest" -a toc -a media=screen \
		-a pdf-themesdir="$DOCS" -a pdf-theme=zh -a pdf-fontsdir="$FONTS;GEM_FONTS_DIR" \
		-o "$PDF_ZH" "$DOCS/index.zh.adoc"
	[ -s "$PDF_ZH" ] || die "asciidoctor-pdf wrote no ${PDF_ZH#"$ROOT"/}"
	/usr/bin/python3 "$DOCS/tools/pdf-check.py" "$PDF_ZH"
	say "the Chinese PDF book: ${PDF_ZH#"$ROOT"/} ($(wc -c <"$PDF_ZH") bytes)"
}

build_pdf() {
	need ruby asciidoctor-pdf
	ensure_transcripts
	ensure_debug_selftest
	ensure_debugging
	render_diagrams
	/usr/bin/python3 "$DOCS/tools/kernels-table.py" "$ROOT/build/results" "$GEN/kernels.adoc"
	ruby "$DOCS/tools/render.rb" gen "$ROOT" "$GEN"
	chapters=${DOCS_CHAPTERS:-$ROOT/chapters}
	asciidoctor-pdf --failure-level WARN --safe-mode unsafe -r "$DOCS/tools/lab-markers.rb" -r "$DOCS/tools/typed-text.rb" \
		-a chapters="$chapters" -a wb-gen="$GEN" -a diagramsdir="$DIAGRAMS" \
		-a transcripts="$TRANSCRIPTS" -a wb-debug="$ROOT/build/debug-selftest" -a toc -a media=screen \
		-o "$PDF" "$DOCS/index.adoc"
	[ -s "$PDF" ] || die "asciidoctor-pdf wrote no ${PDF#"$ROOT"/}"
	say "PDF book: ${PDF#"$ROOT"/} ($(wc -c <"$PDF") bytes)"
	zh_book
	[ "$ZH" = no ] || build_pdf_zh
}

build_check() {
	need chromium /usr/bin/python3
	mkdir -p "$OUT"
	/usr/bin/python3 "$DOCS/tools/zh-drift.py" --selftest >"$OUT/zh-drift-selftest.log" 2>&1 ||
		die "zh-drift.py --selftest failed: $(grep '^not ok' "$OUT/zh-drift-selftest.log" | head -n 1)"
	build_html
	if [ "$ZH" = yes ]; then
		/usr/bin/python3 "$DOCS/tools/browser-check.py" --other zh/ "$HTML" "$OUT"
		/usr/bin/python3 "$DOCS/tools/browser-check.py" --zh --other ../ "$HTML_ZH" "$OUT/zh"
	else
		/usr/bin/python3 "$DOCS/tools/browser-check.py" "$HTML" "$OUT"
		zh_book strict
	fi
}

case "${1:-}" in
html) build_html ;;
pdf) build_pdf ;;
check) build_check ;;
*)
	echo "usage: docs/build.sh html|pdf|check" >&2
	exit 2
	;;
esac
