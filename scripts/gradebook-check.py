#!/usr/bin/python3
"""Open a gradebook (make grade) in headless Chromium and check what a
teacher sees, the way the book is checked (docs/tools/browser-check.py,
whose Chromium helper this uses).

    gradebook-check.py GRADEBOOK.html STUDENTS

In a harness page that loads the gradebook in an iframe, it checks that the
table has STUDENTS rows; that a click on the "total" header sorts the rows
by total, highest first, and a second click lowest first; that a click on
a student's name opens that student's detail; that every student has a
detail; and that the page loads nothing from outside itself. Prints one
line of figures, and the problems (exit 1) if there are any.
"""
import html
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "browser_check", os.path.join(HERE, "..", "docs", "tools", "browser-check.py"))
browser_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(browser_check)

HARNESS = """<!DOCTYPE html>
<meta charset="utf-8"><title>gradebook-check</title>
<pre id="wb-result">pending</pre>
<script>
function inspect(d) {
  var out = {};
  var table = d.getElementById('gradebook');
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var col = heads.findIndex(function (h) { return h.textContent.trim() === 'total'; });
  function column() {
    return Array.prototype.slice.call(table.tBodies[0].rows).map(function (r) {
      return parseFloat(r.cells[col].getAttribute('data-sort'));
    });
  }
  out.rows = table.tBodies[0].rows.length;
  heads[col].click();
  out.first_click = column();
  heads[col].click();
  out.second_click = column();
  var link = table.querySelector('a[href^="#student-"]');
  var detail = d.getElementById(link.getAttribute('href').slice(1));
  out.detail_open_before = detail.open;
  link.click();
  out.detail_open_after = detail.open;
  out.details = d.querySelectorAll('details.student').length;
  out.external = Array.prototype.slice.call(
    d.querySelectorAll('[src], link[href], script[src], img, iframe, object, embed'))
    .map(function (e) { return e.outerHTML.slice(0, 80); });
  return out;
}
var frame = document.createElement('iframe');
frame.width = 1280;
frame.height = 1000;
frame.onload = function () {
  var out;
  try { out = inspect(frame.contentDocument); } catch (e) { out = {error: String(e)}; }
  document.getElementById('wb-result').textContent = JSON.stringify(out);
};
frame.src = '%(src)s';
document.body.appendChild(frame);
</script>
"""


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    page, students = os.path.abspath(argv[1]), int(argv[2])
    problems = []
    profile = tempfile.mkdtemp(prefix="wb-chromium-")
    check_dir = tempfile.mkdtemp(prefix="wb-gradebook-")
    try:
        shot = os.path.join(os.path.dirname(page), "gradebook.png")
        browser_check.chromium(["--window-size=1280,1000", "--screenshot=" + shot,
                                "file://" + page], profile)
        if not os.path.exists(shot) or not browser_check.png_size(shot):
            problems.append("no screenshot was written")
        harness = os.path.join(check_dir, "harness.html")
        with open(harness, "w") as f:
            f.write(HARNESS % {"src": os.path.relpath(page, check_dir)})
        run = browser_check.chromium(["--allow-file-access-from-files", "--virtual-time-budget=5000",
                                      "--dump-dom", "file://" + harness], profile)
        said = re.findall(r'<pre id="wb-result">(.*?)</pre>', run.stdout, re.S)
        try:
            r = json.loads(html.unescape(said[0])) if said else None
        except ValueError:
            r = None
        if not isinstance(r, dict):
            print(f"gradebook-check: Chromium did not report on the page: {run.stderr[-500:]}",
                  file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        shutil.rmtree(check_dir, ignore_errors=True)
    if r.get("error"):
        problems.append("the page could not be inspected: " + r["error"])
    else:
        if r["rows"] != students:
            problems.append(f"the table has {r['rows']} rows, not {students}")
        if r["first_click"] != sorted(r["first_click"], reverse=True):
            problems.append(f"one click on 'total' does not sort highest first: {r['first_click']}")
        if r["second_click"] != sorted(r["second_click"]):
            problems.append(f"a second click does not sort lowest first: {r['second_click']}")
        if r["detail_open_before"] or not r["detail_open_after"]:
            problems.append("a click on a student's name does not open their detail")
        if r["details"] != students:
            problems.append(f"{r['details']} student details, not {students}")
        if r["external"]:
            problems.append("the page loads other files: " + "; ".join(r["external"]))
    for p in problems:
        print(f"gradebook-check: {p}", file=sys.stderr)
    if problems:
        print(f"gradebook-check: FAIL ({len(problems)} problems above); screenshot {os.path.relpath(shot)}")
    else:
        print(f"gradebook-check: ok: {r['rows']} rows sorted by total both ways, {r['details']} "
              f"details, nothing loaded from outside; screenshot {os.path.relpath(shot)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
