#!/usr/bin/python3
"""Check that the Chinese book mirrors the English one in structure.

    zh-drift.py ROOT            what 'make docs' runs: when every translation
                                exists, compare each pair and fail on drift;
                                when some are missing, print one line naming
                                them and exit 3 (the Chinese book is skipped)
    zh-drift.py ROOT --strict   the same, but a missing translation is an
                                error (exit 1): 'make docs-check' and CI
    zh-drift.py --pair EN ZH    compare one pair of files
    zh-drift.py --selftest      compare fixture pairs made in a temp dir
                                (TAP output; 'make docs-check' runs it)

The pages the English book has are the top-level include:: lines of
docs/index.adoc (chapters/NN-slug/README.adoc, docs/setup.adoc, ...); each
X.adoc must have its translation X.zh.adoc beside it, and docs/index.zh.adoc
must include the same parts, as .zh.adoc, in the same order. Generated parts
({wb-gen}/...) are made by the build for each language and are not compared.

What a pair must have in common, in the same order (what a program can
compare; the prose is the translator's):
  * the sections: level (=, ==, ===) and explicit id ([#ch05], [[sleep-wq]]);
  * every other anchor ([[id]], [#id] on a block, anchor:id[]);
  * every include:: line, byte for byte, and every image:: target;
  * every ifdef::/ifndef::/ifeval::/endif:: line;
  * every cross-reference target (<<ch05>>, <<ch05,label>>, xref:ch05[]);
  * the exercises: the items of the Exercises (练习) section, and each
    "*Done when:*" line, which becomes "*完成标准：*" with the same
    backticked commands in the same order.
Listings, literal and passthrough blocks and comments are skipped, except
for include:: lines, which work inside them too. A section whose id starts
with "zh-" ([#zh-terms]) belongs to the Chinese edition only (the glossary's
term table) and is skipped with everything in it.

Each difference is printed as "docs: error: FILE:LINE in section "TITLE"
(English FILE:LINE "TITLE"): what differs", and the exit status is 1.
"""
import difflib
import os
import re
import sys
import tempfile

VERBATIM = re.compile(r"^(-{4,}|\.{4,}|\+{4,}|/{4,})\s*$")
HEADING = re.compile(r"^(=+)\s+(\S.*?)\s*$")
BLOCK_ID = re.compile(r"^\[(?:[\w-]*)#([\w:.-]+)[\],.%]")
ANCHOR_LINE = re.compile(r"^\[\[([\w:.-]+)(?:,[^\]]*)?\]\]\s*$")
INLINE_ANCHOR = re.compile(r"\[\[([A-Za-z_][\w:.-]*)(?:,[^\]]*)?\]\]|anchor:([\w:.-]+)\[")
# A cross-reference; one whose label goes on to the next line counts where it starts.
XREF = re.compile(r"<<([A-Za-z_][\w:.#/-]*)(?:,[^>]*)?(?:>>|$)|xref:([\w:.#/-]+)\[")
CONDITIONAL = re.compile(r"^(ifdef|ifndef|ifeval|endif)::")
IMAGE = re.compile(r"^image::([^\[]+)\[")
DONE = re.compile(r"\*Done when:\*|\*完成标准：\*")
BACKTICK = re.compile(r"`([^`]+)`")
EXERCISES = re.compile(r"^(Exercises|练习)")
LIST_ITEM = re.compile(r"^\.\s+\S")


class Event:
    """One structural element of a file: what it is, and where."""

    def __init__(self, kind, key, line, section, shown=None):
        self.kind, self.key, self.line, self.section = kind, key, line, section
        self.shown = shown or key

    def __eq__(self, other):
        return (self.kind, self.key) == (other.kind, other.key)

    def __hash__(self):
        return hash((self.kind, self.key))

    def describe(self):
        if self.kind == "done":
            return "a done-when line with " + self.shown
        return {
            "section": "the section heading " + self.shown,
            "anchor": "the anchor [[%s]]" % self.key,
            "include": "the line " + self.key,
            "image": "the image " + self.key,
            "if": "the line " + self.key,
            "xref": "the cross-reference <<%s>>" % self.key,
            "exercise": "exercise " + self.shown,
        }[self.kind]


def structure(path):
    """The list of Events of one file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    events = []
    section = ("(the top of the file)", 0)
    pending_id = None
    verbatim = None
    in_exercises = None  # the level of the Exercises section we are in
    exercise_no = 0
    skip_level = None  # inside a section of the Chinese edition only ([#zh-...])
    i = 0
    while i < len(lines):
        line, no = lines[i], i + 1
        i += 1
        if line.startswith("include::"):
            events.append(Event("include", line.rstrip(), no, section))
            continue
        if verbatim:
            if line.rstrip() == verbatim:
                verbatim = None
            continue
        if VERBATIM.match(line):
            verbatim = line.rstrip()
            pending_id = None
            continue
        if line.startswith("//"):
            continue
        if CONDITIONAL.match(line):
            events.append(Event("if", line.rstrip(), no, section))
            continue
        m = HEADING.match(line)
        if m and skip_level is not None and len(m.group(1)) > skip_level:
            continue
        if m:
            skip_level = None
        if not m and skip_level is not None:
            continue
        if m and pending_id and pending_id.startswith("zh-"):
            skip_level, pending_id = len(m.group(1)), None  # a section of the Chinese edition only
            continue
        if m:
            level = len(m.group(1))
            section = (m.group(2), no)
            key = "%s %s" % (m.group(1), "[#%s]" % pending_id if pending_id else "(no id)")
            events.append(Event("section", key, no, section, '%s "%s"' % (key, m.group(2))))
            pending_id = None
            if in_exercises is not None and level <= in_exercises:
                in_exercises = None
            if EXERCISES.match(m.group(2)):
                in_exercises, exercise_no = level, 0
            continue
        m = BLOCK_ID.match(line) or ANCHOR_LINE.match(line)
        if m:
            if pending_id:  # the id was on a block, not a section
                events.append(Event("anchor", pending_id, no - 1, section))
            pending_id = m.group(1)
            continue
        if pending_id and not line.startswith("["):
            events.append(Event("anchor", pending_id, no - 1, section))
            pending_id = None
        m = IMAGE.match(line)
        if m:
            events.append(Event("image", m.group(1), no, section))
        for m in INLINE_ANCHOR.finditer(line):
            events.append(Event("anchor", m.group(1) or m.group(2), no, section))
        for m in XREF.finditer(line):
            target = m.group(1) or m.group(2)
            events.append(Event("xref", target, no, section))
        if in_exercises is not None and LIST_ITEM.match(line):
            exercise_no += 1
            events.append(Event("exercise", "item %d" % exercise_no, no, section,
                                "%d of the Exercises section" % exercise_no))
        if DONE.search(line):
            # The paragraph goes on to a blank line, a list continuation (+),
            # the next list item or a block delimiter.
            para = [line[DONE.search(line).end():]]
            while i < len(lines) and lines[i].strip() and lines[i].strip() != "+" \
                    and not LIST_ITEM.match(lines[i]) and not VERBATIM.match(lines[i]):
                para.append(lines[i])
                i += 1
            text = " ".join(para)
            commands = tuple(re.sub(r"\s+", " ", c.strip()) for c in BACKTICK.findall(text))
            shown = ", ".join("`%s`" % c for c in commands) or "no backticked command"
            events.append(Event("done", commands, no, section, shown))
    if pending_id:
        events.append(Event("anchor", pending_id, len(lines), section))
    return events


def rel(path, root):
    return os.path.relpath(path, root) if root else path


def compare(en, zh, root=None):
    """The differences between an English file and its translation, as messages."""
    a, b = structure(en), structure(zh)
    problems = []

    def where_zh(j):
        ev = b[min(j, len(b) - 1)] if b else None
        if ev is None:
            return "%s" % rel(zh, root)
        return '%s:%d in section "%s"' % (rel(zh, root), ev.line if j < len(b) else ev.line, ev.section[0])

    def where_en(ev):
        return '(English %s:%d, section "%s")' % (rel(en, root), ev.line, ev.section[0])

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                ea = a[i1 + k] if i1 + k < i2 else None
                eb = b[j1 + k] if j1 + k < j2 else None
                if ea and eb:
                    problems.append('%s:%d in section "%s" %s: English has %s, the translation has %s'
                                    % (rel(zh, root), eb.line, eb.section[0], where_en(ea),
                                       ea.describe(), eb.describe()))
                elif ea:
                    problems.append("%s %s: the translation lacks %s"
                                    % (where_zh(j2), where_en(ea), ea.describe()))
                else:
                    problems.append('%s:%d in section "%s": the translation has %s, which the English does not'
                                    % (rel(zh, root), eb.line, eb.section[0], eb.describe()))
        elif op == "delete":
            for ea in a[i1:i2]:
                problems.append("%s %s: the translation lacks %s" % (where_zh(j1), where_en(ea), ea.describe()))
        elif op == "insert":
            for eb in b[j1:j2]:
                problems.append('%s:%d in section "%s": the translation has %s, which the English does not'
                                % (rel(zh, root), eb.line, eb.section[0], eb.describe()))
    return problems


# ---- the book: which pages, which translations ------------------------------

def master_includes(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip() for l in f if l.startswith("include::")]


def resolve(line, root, docs):
    target = re.match(r"include::([^\[]+)\[", line).group(1)
    chapters = os.environ.get("DOCS_CHAPTERS") or os.path.join(root, "chapters")
    target = target.replace("{chapters}", chapters)
    return os.path.normpath(os.path.join(docs, target))


def zh_name(path):
    return re.sub(r"\.adoc$", ".zh.adoc", path)


def zh_line(line):
    """The line docs/index.zh.adoc has for a line of docs/index.adoc."""
    if "{wb-gen}" in line:
        return line
    return re.sub(r"\.adoc\[", ".zh.adoc[", line)


def book_pairs(root):
    """(English file, Chinese file) for every page the English book has."""
    docs = os.path.join(root, "docs")
    pairs = []
    for line in master_includes(os.path.join(docs, "index.adoc")):
        if "{wb-gen}" in line or "attributes.adoc" in line:
            continue  # generated for each language by the build; settings
        en = resolve(line, root, docs)
        pairs.append((en, zh_name(en)))
    return pairs


def check_master(root):
    docs = os.path.join(root, "docs")
    en_master, zh_master = os.path.join(docs, "index.adoc"), os.path.join(docs, "index.zh.adoc")
    if not os.path.exists(zh_master):
        return ["docs/index.zh.adoc is missing (the master of the Chinese book)"]
    want = [zh_line(l) for l in master_includes(en_master)]
    have = master_includes(zh_master)
    problems = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=want, b=have, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            problems += ["docs/index.zh.adoc: lacks %s (docs/index.adoc has %s)" % (w, l)
                         for w, l in zip(want[i1:i2], master_includes(en_master)[i1:i2])]
        if op in ("replace", "insert"):
            problems += ["docs/index.zh.adoc: includes %s, which docs/index.adoc does not have" % h
                         for h in have[j1:j2]]
    return problems


def check_book(root, strict):
    pairs = book_pairs(root)
    missing = [zh for en, zh in pairs if not os.path.exists(zh)]
    if not os.path.exists(os.path.join(root, "docs", "index.zh.adoc")):
        missing.insert(0, os.path.join(root, "docs", "index.zh.adoc"))
    if missing:
        names = ", ".join(rel(m, root) for m in missing)
        if not strict:
            print("docs: the Chinese book is not built: %d of %d translations missing: %s"
                  % (len(missing), len(pairs) + 1, names))
            return 3
        for m in missing:
            print("docs: error: %s is missing: the Chinese book needs a translation of every page "
                  "of the English one" % rel(m, root), file=sys.stderr)
        return 1
    problems = check_master(root)
    for en, zh in pairs:
        problems += compare(en, zh, root)
    for p in problems:
        print("docs: error: " + p, file=sys.stderr)
    if problems:
        print("docs: error: %d structural difference(s) between the English and the Chinese book; "
              "see docs/README.md (the translation rules)" % len(problems), file=sys.stderr)
        return 1
    print("docs: the Chinese book mirrors the English one: %d pages, %d structural elements compared"
          % (len(pairs), sum(len(structure(en)) for en, _ in pairs)))
    return 0


# ---- self-test ------------------------------------------------------------------

FIXTURE_EN = """[#ch99]
= Chapter 99: A test

Some text, see <<ch05>>.

== Sleeping

[source,c]
----
include::sleep.c[tag=open]
x = 1 << 3; /* <<not_a_ref>> */
----

[[sleep-wq]]
=== Wait queues

ifdef::diagramsdir[]
image::{diagramsdir}/waitqueue.svg[A wait queue]
endif::[]

== Exercises

. *Count.* Count them.
+
*Done when:* `make check CH=99` passes with
`insmod x.ko n=1`.

. Time out (extension `timeout`).
+
*Done when:* `make check CH=99 EXT=timeout` passes.
"""

FIXTURE_ZH = """[#ch99]
= 第 99 章：测试

一些文字，见<<ch05,睡眠一章>>。

== 睡眠

[source,c]
----
include::sleep.c[tag=open]
x = 1 << 3;
----

[[sleep-wq]]
=== 等待队列

ifdef::diagramsdir[]
image::{diagramsdir}/waitqueue.svg[一个等待队列]
endif::[]

== 练习

. *计数。* 数一数。
+
*完成标准：* `make check CH=99` 通过，并且执行
`insmod x.ko n=1`。

. 超时（扩展 `timeout`）。
+
*完成标准：* `make check CH=99 EXT=timeout` 通过。
"""


def selftest():
    cases = [
        ("a translation that mirrors the English passes", lambda zh: zh, None),
        ("a section of the Chinese edition only ([#zh-...]) is not drift",
         lambda zh: zh + "\n[#zh-terms]\n== 术语表\n\n=== 小节\n\n见<<ch01>>。\n", None),
        ("a missing section is named with its file and section",
         lambda zh: zh.replace("[[sleep-wq]]\n=== 等待队列\n", ""),
         r'README\.zh\.adoc:\d+ in section "睡眠".*lacks the section heading === \[#sleep-wq\]'),
        ("a changed include tag is named",
         lambda zh: zh.replace("tag=open", "tag=gate"),
         r'in section "睡眠".*English has the line include::sleep\.c\[tag=open\], '
         r'the translation has the line include::sleep\.c\[tag=gate\]'),
        ("a done-when line with another command is named",
         lambda zh: zh.replace("CH=99 EXT=timeout", "CH=98 EXT=timeout"),
         r'in section "练习".*done-when line with `make check CH=99 EXT=timeout`'),
        ("a cross-reference to another target is named",
         lambda zh: zh.replace("<<ch05,", "<<ch06,"),
         r"cross-reference <<ch05>>.*cross-reference <<ch06>>"),
        ("done-when commands in another order are named",
         lambda zh: zh.replace("`make check CH=99` 通过，并且执行\n`insmod x.ko n=1`。",
                               "执行 `insmod x.ko n=1` 后\n`make check CH=99` 通过。"),
         r"English has a done-when line with `make check CH=99`, `insmod x.ko n=1`, "
         r"the translation has a done-when line with `insmod x.ko n=1`, `make check CH=99`"),
        ("a dropped exercise is named",
         lambda zh: zh.split("\n. 超时")[0] + "\n",
         r"lacks exercise 2 of the Exercises section"),
    ]
    print("1..%d" % (len(cases) + 1))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="wb-zh-drift-") as tmp:
        en = os.path.join(tmp, "README.adoc")
        zh = os.path.join(tmp, "README.zh.adoc")
        with open(en, "w", encoding="utf-8") as f:
            f.write(FIXTURE_EN)
        n = 0
        for desc, mutate, expect in cases:
            n += 1
            with open(zh, "w", encoding="utf-8") as f:
                f.write(mutate(FIXTURE_ZH))
            problems = compare(en, zh, tmp)
            text = "\n".join(problems)
            good = not problems if expect is None else bool(problems) and re.search(expect, text)
            failed += not good
            print("%s %d - %s" % ("ok" if good else "not ok", n, desc))
            if not good:
                print("# got: " + (text.replace("\n", "\n# ") or "no difference"))
        # A missing translation in a book is an error naming it.
        n += 1
        os.makedirs(os.path.join(tmp, "docs"))
        os.makedirs(os.path.join(tmp, "chapters", "99-test"))
        with open(os.path.join(tmp, "docs", "index.adoc"), "w", encoding="utf-8") as f:
            f.write("= Book\ninclude::attributes.adoc[]\n\ninclude::{chapters}/99-test/README.adoc[leveloffset=+1]\n")
        with open(os.path.join(tmp, "docs", "index.zh.adoc"), "w", encoding="utf-8") as f:
            f.write("= 书\ninclude::attributes.zh.adoc[]\n\ninclude::{chapters}/99-test/README.zh.adoc[leveloffset=+1]\n")
        for name in ("attributes.adoc", "attributes.zh.adoc"):
            open(os.path.join(tmp, "docs", name), "w").close()
        os.rename(en, os.path.join(tmp, "chapters", "99-test", "README.adoc"))
        saved = sys.stderr
        import io
        sys.stderr = io.StringIO()
        env = os.environ.pop("DOCS_CHAPTERS", None)
        try:
            status = check_book(tmp, strict=True)
            err = sys.stderr.getvalue()
        finally:
            sys.stderr = saved
            if env is not None:
                os.environ["DOCS_CHAPTERS"] = env
        good = status == 1 and "chapters/99-test/README.zh.adoc is missing" in err
        failed += not good
        print("%s %d - a missing translation is an error naming the file" % ("ok" if good else "not ok", n))
        if not good:
            print("# got status %s: %s" % (status, err.strip()))
    print("%d passed, %d failed" % (n - failed, failed))
    return 1 if failed else 0


def main(argv):
    if argv[1:2] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if argv[1:2] == ["--selftest"]:
        return selftest()
    if argv[1:2] == ["--pair"] and len(argv) == 4:
        problems = compare(argv[2], argv[3])
        for p in problems:
            print("docs: error: " + p, file=sys.stderr)
        return 1 if problems else 0
    if len(argv) in (2, 3) and argv[2:] in ([], ["--strict"]):
        return check_book(os.path.abspath(argv[1]), strict=argv[2:] == ["--strict"])
    print(__doc__.strip().split("\n\n")[0], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
