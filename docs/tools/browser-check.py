#!/usr/bin/python3
"""Open the rendered book in headless Chromium and check what a reader sees.

    browser-check.py [--zh] [--other PREFIX] HTML_DIR OUT_DIR

For the index page and one chapter page (DOCS_CHECK_PAGE=ch10.html picks it;
by default the first chapter page that shows a diagram), it

  * takes a screenshot: OUT_DIR/screenshot-<page>.png;
  * loads the page inside a small harness page, in an iframe, and inspects the
    live document after everything has loaded: the table of contents (#toc
    with links), code highlighted by rouge (colour spans inside pre.rouge /
    code[data-lang]) and a diagram (an <img> of docs/diagrams whose picture
    really loaded, i.e. has a natural width, or an inline <svg>).

Fails, saying what is missing, if any of the three is absent on either page.

--other PREFIX: each page must link (a.wb-lang) to PREFIX + its own name, the
same page in the other language ("zh/" from the English book, "../" back).

--zh, for the Chinese book (screenshots in OUT_DIR too): the Chinese text must
be drawn with a real CJK font, not as tofu boxes. On the first paragraph of
the page holding Chinese characters, the browser must say that
  * its computed font-family starts with "Noto Sans CJK SC" (docinfo.html asks
    for it on the Chinese pages);
  * that font is there: a Latin string measured on a canvas in
    "Noto Sans CJK SC" is not as wide as in a family that does not exist (the
    browser would fall back to its default font for both);
  * the Chinese characters are not tofu: drawn one by one on a canvas in the
    node's font, they give as many different pictures as there are different
    characters (tofu boxes all look alike), none of them the picture of an
    unassigned code point (U+0378, which every font draws as its .notdef
    box); and the string is as wide as that many full-width (1 em) characters.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--hide-scrollbars"]

HARNESS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>docs-check</title></head>
<body>
<pre id="wb-result">pending</pre>
<iframe id="page" src="%(src)s" width="1280" height="1000"></iframe>
<script>
document.getElementById('page').addEventListener('load', function () {
  var out = {};
  try {
    var d = this.contentDocument;
    var toc = d.querySelector('#toc');
    out.toc_links = toc ? toc.querySelectorAll('a[href]').length : 0;
    var blocks = d.querySelectorAll('pre.rouge, pre.highlight code[data-lang]');
    out.code_blocks = blocks.length;
    var spans = 0;
    blocks.forEach(function (b) { spans += b.querySelectorAll('span[class]').length; });
    out.highlight_spans = spans;
    var imgs = Array.prototype.slice.call(d.querySelectorAll('img[src*="diagrams/"]'));
    out.diagrams = imgs.map(function (i) {
      return {src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0,
              width: i.naturalWidth, height: i.naturalHeight};
    });
    out.inline_svgs = d.querySelectorAll('.imageblock svg').length;
    out.title = d.title;
    var lang = d.querySelector('a.wb-lang');
    out.lang_link = lang ? lang.getAttribute('href') : null;
    // The first paragraph of the text with four Chinese characters in a row.
    var han = /[\u4e00-\u9fff]{4,}/;
    var el = Array.prototype.find.call(d.querySelectorAll('#content .paragraph > p'),
                                       function (p) { return han.test(p.textContent); });
    if (el) {
      var cs = d.defaultView.getComputedStyle(el);
      var text = el.textContent.match(han)[0].slice(0, 8);
      var size = parseFloat(cs.fontSize);
      var ctx = d.createElement('canvas').getContext('2d');
      var width = function (family, s) { ctx.font = cs.fontSize + ' ' + family; return ctx.measureText(s).width; };
      // Each character drawn alone: tofu boxes all look the same.
      var pad = d.createElement('canvas');
      pad.width = pad.height = Math.ceil(size * 2);
      var pc = pad.getContext('2d');
      var picture = function (ch) {
        pc.clearRect(0, 0, pad.width, pad.height);
        pc.font = cs.fontSize + ' ' + cs.fontFamily;
        pc.fillText(ch, 2, size * 1.4);
        return Array.prototype.join.call(pc.getImageData(0, 0, pad.width, pad.height).data, '');
      };
      var pictures = {}, tofu = picture('\u0378');
      for (var k = 0; k < text.length; k++) pictures[picture(text[k])] = true;
      out.cjk = {
        text: text, element: el.tagName.toLowerCase(), family: cs.fontFamily, size: size,
        width: width(cs.fontFamily, text), full_width: text.length * size,
        distinct: Object.keys(pictures).length, tofu_drawn: !!pictures[tofu],
        noto_latin: width('"Noto Sans CJK SC"', 'Linux kernel modules'),
        none_latin: width('"WB No Such Font"', 'Linux kernel modules')
      };
    }
  } catch (e) {
    out.error = String(e);
  }
  document.getElementById('wb-result').textContent = JSON.stringify(out);
});
</script>
</body></html>
"""


def chromium(args, profile):
    cmd = ["chromium"] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def pick_chapter(html_dir):
    wanted = os.environ.get("DOCS_CHECK_PAGE")
    if wanted:
        return wanted
    for page in sorted(p for p in os.listdir(html_dir) if re.fullmatch(r"ch\d\d\.html", p)):
        with open(os.path.join(html_dir, page), encoding="utf-8") as f:
            if 'src="diagrams/' in f.read():
                return page
    return None


def check_cjk(cjk):
    """What is wrong with the Chinese text of a page (see the docstring)."""
    if not cjk:
        return ["no Chinese text on the page"]
    problems = []
    where = "%s \"%s\" (%s)" % (cjk["element"], cjk["text"], cjk["family"])
    if not re.match(r"""\s*["']?Noto Sans CJK SC\b""", cjk["family"]):
        problems.append("the Chinese text %s is not set in Noto Sans CJK SC" % where)
    if abs(cjk["noto_latin"] - cjk["none_latin"]) < 0.5:
        problems.append("the browser has no Noto Sans CJK SC: text in it is as wide as in a font that "
                        "does not exist (%.1f px); 'make deps' installs fonts-noto-cjk" % cjk["noto_latin"])
    if cjk["tofu_drawn"] or cjk["distinct"] < len(set(cjk["text"])):
        problems.append("the Chinese text %s is drawn as tofu: its %d different characters make %d different "
                        "pictures%s" % (where, len(set(cjk["text"])), cjk["distinct"],
                                        ", one of them the .notdef box" if cjk["tofu_drawn"] else ""))
    if abs(cjk["width"] - cjk["full_width"]) > 0.1 * cjk["full_width"]:
        problems.append("the Chinese text %s is %.1f px wide, not %d full-width characters (%.1f px): "
                        "not a CJK font" % (where, cjk["width"], len(cjk["text"]), cjk["full_width"]))
    return problems


def check_page(page, html_dir, out_dir, profile, zh=False, other=None):
    problems = []
    url = "file://" + os.path.abspath(os.path.join(html_dir, page))
    shot = os.path.join(out_dir, "screenshot-" + page.replace(".html", ".png"))
    if os.path.exists(shot):
        os.remove(shot)
    chromium(["--window-size=1280,1600", "--screenshot=" + shot, url], profile)
    size = png_size(shot) if os.path.exists(shot) else None
    if not size:
        problems.append("no screenshot was written")

    check_dir = os.path.join(out_dir, "check")
    os.makedirs(check_dir, exist_ok=True)
    harness = os.path.join(check_dir, "harness-" + page)
    with open(harness, "w", encoding="utf-8") as f:
        f.write(HARNESS % {"src": os.path.relpath(os.path.join(html_dir, page), check_dir)})
    run = chromium(["--allow-file-access-from-files", "--virtual-time-budget=10000",
                    "--dump-dom", "file://" + os.path.abspath(harness)], profile)
    m = re.search(r'<pre id="wb-result">(.*?)</pre>', run.stdout, re.S)
    try:
        result = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&")
                            .replace("&lt;", "<").replace("&gt;", ">")) if m else None
    except ValueError:
        result = None
    if not isinstance(result, dict):
        problems.append("Chromium did not report on the page (harness result: %r)" % (m and m.group(1)[:200]))
        return problems, shot, size, {}
    if result.get("error"):
        problems.append("the page could not be inspected: " + result["error"])
    if result.get("toc_links", 0) < 2:
        problems.append("no table of contents (#toc with links)")
    if result.get("highlight_spans", 0) < 5:
        problems.append("no code highlighted by rouge (%d code blocks, %d coloured spans)"
                        % (result.get("code_blocks", 0), result.get("highlight_spans", 0)))
    loaded = [d for d in result.get("diagrams", []) if d["loaded"]]
    broken = [d["src"] for d in result.get("diagrams", []) if not d["loaded"]]
    if broken:
        problems.append("diagrams that did not load: " + ", ".join(broken))
    if not loaded and not result.get("inline_svgs"):
        problems.append("no diagram shown")
    if other is not None and result.get("lang_link") != other + page:
        problems.append("no link to the same page in the other language (a.wb-lang to %s%s; found %s)"
                        % (other, page, result.get("lang_link")))
    if zh:
        problems += check_cjk(result.get("cjk"))
    return problems, shot, size, result


def main():
    args = sys.argv[1:]
    zh = "--zh" in args
    args = [a for a in args if a != "--zh"]
    other = None
    if "--other" in args:
        i = args.index("--other")
        other = args[i + 1]
        del args[i:i + 2]
    html_dir, out_dir = args
    os.makedirs(out_dir, exist_ok=True)
    chapter = pick_chapter(html_dir)
    if not chapter:
        print("docs: error: no chapter page shows a diagram; a chapter should show one with "
              "image::{diagramsdir}/NAME.svg[...] (or set DOCS_CHECK_PAGE)", file=sys.stderr)
        return 1
    failed = False
    profile = tempfile.mkdtemp(prefix="wb-chromium-")
    try:
        for page in ("index.html", chapter):
            if not os.path.exists(os.path.join(html_dir, page)):
                print(f"docs: error: {page} was not rendered", file=sys.stderr)
                failed = True
                continue
            problems, shot, size, r = check_page(page, html_dir, out_dir, profile, zh, other)
            diagrams = [d for d in r.get("diagrams", []) if d["loaded"]]
            summary = (f"toc links {r.get('toc_links', 0)}, code blocks {r.get('code_blocks', 0)} "
                       f"with {r.get('highlight_spans', 0)} highlighted spans, diagrams loaded "
                       f"{', '.join('%s (%dx%d)' % (d['src'], d['width'], d['height']) for d in diagrams) or 'none'}")
            if r.get("cjk"):
                c = r["cjk"]
                summary += ("; Chinese text %s \"%s\": %d different glyphs, %.1f px (%d full-width: %.1f px), "
                            "font-family %s" % (c["element"], c["text"], c["distinct"], c["width"], len(c["text"]),
                                                c["full_width"], c["family"].split(",")[0]))
            shot_rel = os.path.relpath(shot)
            shot_info = f"{shot_rel} {size[0]}x{size[1]} px, {os.path.getsize(shot)} bytes" if size else "none"
            if problems:
                failed = True
                for p in problems:
                    print(f"docs: error: {page}: {p}", file=sys.stderr)
            print(f"docs: browser check {page}: {'FAIL' if problems else 'ok'}: {summary}; screenshot {shot_info}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
