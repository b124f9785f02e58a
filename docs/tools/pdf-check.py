#!/usr/bin/python3
"""Check that the Chinese PDF carries its Chinese text in a real font.

    pdf-check.py PDF

With poppler-utils: pdffonts must list a Noto Sans CJK SC font embedded
(emb yes) with a Unicode map (uni yes), and no font that is not embedded but
the PDF standard ones (Helvetica, Times, ...: the diagrams' labels); and
pdftotext must give back Chinese text: the book's title and at least 2000 CJK
characters (a PDF typeset in a font without the glyphs, or one whose text
cannot be extracted, fails). Prints one summary line, or what is wrong.
"""
import re
import subprocess
import sys

TITLE = "Linux 内核模块练习册"
MIN_CJK = 2000
STANDARD = re.compile(r"(Helvetica|Times|Courier|Symbol|ZapfDingbats)\b")


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    except FileNotFoundError:
        sys.exit("docs: error: %s is missing; 'make deps' (or scripts/deps.sh --ensure-docs) installs "
                 "poppler-utils" % cmd[0])
    except subprocess.CalledProcessError as e:
        sys.exit("docs: error: %s failed: %s" % (" ".join(cmd), e.stderr.strip()))


def main():
    pdf = sys.argv[1]
    problems = []
    fonts = []
    for line in run(["pdffonts", pdf]).splitlines()[2:]:
        # name type... encoding emb sub uni object ID: the last five columns are fixed.
        cols = line.split()
        if len(cols) >= 7:
            fonts.append({"name": cols[0], "emb": cols[-5], "uni": cols[-3]})
    cjk = [f for f in fonts if "NotoSansCJK" in f["name"]]
    if not cjk:
        problems.append("no Noto Sans CJK font in it (pdffonts lists %s)"
                        % (", ".join(sorted({f["name"] for f in fonts})) or "no font"))
    elif not all(f["emb"] == "yes" and f["uni"] == "yes" for f in cjk):
        problems.append("the Noto Sans CJK font is not embedded with a Unicode map")
    # The PDF standard fonts (the diagrams' labels) need not be embedded.
    loose = sorted({f["name"] for f in fonts if f["emb"] != "yes" and not STANDARD.match(f["name"])})
    if loose:
        problems.append("fonts that are not embedded: " + ", ".join(loose))
    text = run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    if TITLE not in text:
        problems.append("the title %r is not in its text (pdftotext)" % TITLE)
    if han < MIN_CJK:
        problems.append("only %d Chinese characters in its text (pdftotext), at least %d expected"
                        % (han, MIN_CJK))
    for p in problems:
        print("docs: error: %s: %s" % (pdf, p), file=sys.stderr)
    if problems:
        return 1
    print("docs: PDF check: %d embedded Noto Sans CJK font subsets, %d Chinese characters extract as text"
          % (len(cjk), han))
    return 0


if __name__ == "__main__":
    sys.exit(main())
