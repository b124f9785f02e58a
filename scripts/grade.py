#!/usr/bin/python3
"""Grade a class: every student's labs against the teacher's own workbook.

    grade.py [--jobs N] [--limit SECONDS] [--out DIR] CLASS CHAPTER...
    (make grade CLASS=DIR [CH="01 10"] [KERNEL=debug] [JOBS=N] [LIMIT=S])

CLASS is a folder holding one clone of the workbook per student (each
sub-folder is a student), or a file listing the clones' paths, one a line
('#' starts a comment). CHAPTER is a name like 10-linked-list.

Only the student's modules and tools are taken from their clone: the .c and
.h files of modules/NN-slug/ and modules/NN-slug/tools/, copied into
DIR/NAME/modules/ (regular files only; symbolic links are not followed).
Everything else is the teacher's: the chapters' test.sh and ext-*.sh, the
test library and the rest of the guest's harness, the Makefile and scripts,
and the chapter's Kbuild (a Kbuild is a makefile: the student's could run
any command on this machine) and vm.conf (what the VM gets). Each student is
then checked with this workbook's 'make check', one VM at a time
(WB_JOBS=1), students side by side, as many as there are CPUs (--jobs);
each has a build folder of their own (the Makefile keys it by LABDIR), so
they never share a module or an initramfs. A student who runs past
--limit seconds is stopped (QEMU with them) and scores what had finished;
a module that hangs or crashes its VM costs only its own chapter's points.

Writes, into DIR (default build/grade):
  gradebook.csv     a row per student and chapter: passed, total, status,
                    seconds, the first failed check
  gradebook.html    one page, no external files: a sortable table and a
                    detail per student (failed checks, what the kernel
                    reported, the compiler's first errors)
  NAME/reports/     each student's JUnit XML and TAP (make check writes them)
  NAME/check.log    everything make check printed
and prints the throughput (students x chapters per minute) and the peak
memory of any one VM.

Statuses: PASS, FAIL, "not started" (no modules/NN-slug with sources),
"does not build" (0 points; the compiler's first errors are in the
detail), "timeout" (the limit was hit). A path that is not a workbook clone
is named, skipped, and reported at the end.
"""

import csv
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def plan_of(chapter):
    """The checks the teacher's test.sh plans, plus the runner's health
    check: the total a lab is scored out of, even one that never ran."""
    try:
        with open(os.path.join(TOP, "chapters", chapter, "test.sh")) as f:
            m = re.search(r"^plan (\d+)\s*$", f.read(), re.M)
        return int(m.group(1)) + 1 if m else None
    except OSError:
        return None


def is_clone(path):
    """A workbook clone has modules/, or the workbook's Makefile and chapters/."""
    return os.path.isdir(path) and (
        os.path.isdir(os.path.join(path, "modules")) or
        (os.path.isdir(os.path.join(path, "chapters")) and
         os.path.isfile(os.path.join(path, "Makefile"))))


def students_of(cls):
    """(name, path) of each student, and the paths that are not clones."""
    if os.path.isdir(cls):
        paths = [os.path.join(cls, d) for d in sorted(os.listdir(cls)) if not d.startswith(".")]
    else:
        with open(cls) as f:
            paths = [l.split("#")[0].strip() for l in f]
        base = os.path.dirname(os.path.abspath(cls))
        paths = [os.path.join(base, os.path.expanduser(p)) for p in paths if p]
    students, skipped, names = [], [], set()
    for path in paths:
        if not is_clone(path):
            skipped.append(path)
            continue
        name = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(os.path.normpath(path))) or "student"
        unique, n = name, 1
        while unique in names:
            n += 1
            unique = f"{name}-{n}"
        names.add(unique)
        students.append((unique, os.path.abspath(path)))
    return students, skipped


class Student:
    def __init__(self, name, path, chapters, out):
        self.name, self.path = name, path
        self.dir = os.path.join(out, name)
        self.labdir = os.path.join(self.dir, "modules")
        self.rows = {ch: {"passed": 0, "total": plan_of(ch), "status": "not started",
                          "seconds": 0.0, "first_failure": "", "failures": [],
                          "diagnosis": "", "excerpts": [], "errors": [], "notes": []}
                     for ch in chapters}
        self.seconds = 0.0
        self.sessions = []      # process sessions of its makes, for the sampler

    # --- what is the student's --------------------------------------------
    def stage(self):
        """Copy the student's sources of each chapter's lab; return the
        chapters that have a lab."""
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.labdir)
        started = []
        for ch, row in self.rows.items():
            src = os.path.join(self.path, "modules", ch)
            if not os.path.isdir(src) or os.path.islink(src):
                continue
            copied = 0
            for sub in ("", "tools"):
                folder = os.path.join(src, sub)
                if not os.path.isdir(folder) or os.path.islink(folder):
                    continue
                for f in sorted(os.listdir(folder)):
                    path = os.path.join(folder, f)
                    if not re.fullmatch(r"[\w.+-]+\.[ch]", f):
                        continue
                    if os.path.islink(path) or not os.path.isfile(path):
                        row["notes"].append(f"{os.path.join(sub, f)} is not a regular file: not used")
                        continue
                    os.makedirs(os.path.join(self.labdir, ch, sub), exist_ok=True)
                    shutil.copyfile(path, os.path.join(self.labdir, ch, sub, f))
                    copied += sub == ""
            if not copied:
                continue
            for f in ("Kbuild", "vm.conf"):
                teacher = os.path.join(TOP, "chapters", ch, f)
                if os.path.isfile(teacher):
                    shutil.copyfile(teacher, os.path.join(self.labdir, ch, f))
                mine = os.path.join(src, f)
                if os.path.isfile(mine) and (not os.path.isfile(teacher) or
                                             open(mine, "rb").read() != open(teacher, "rb").read()):
                    row["notes"].append(f"your {f} differs from the chapter's; the chapter's is used")
            started.append(ch)
        return started

    # --- running make check -------------------------------------------------
    def make_check(self, chapters, deadline, log):
        """make check on CHAPTERS; returns (output, timed out)."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
        env["WB_JOBS"] = "1"
        rel = os.path.relpath(self.labdir, TOP)
        cmd = ["make", "-C", TOP, "--no-print-directory", "-k", "check",
               "CH=" + " ".join(c[:2] for c in chapters), "LABDIR=" + rel,
               "REPORTS=" + os.path.join(os.path.relpath(self.dir, TOP), "reports")]
        if os.environ.get("KERNEL"):
            cmd.append("KERNEL=" + os.environ["KERNEL"])
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        self.sessions.append(proc.pid)
        try:
            out, _ = proc.communicate(timeout=max(1, deadline - time.monotonic()))
            late = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)     # make, the runner, QEMU
            out, _ = proc.communicate()
            late = True
        out = out.decode("utf-8", "replace")
        log.write(f"$ {' '.join(cmd)}\n{out}\n")
        return out, late

    def grade(self, limit):
        start = time.monotonic()
        started = self.stage()
        results = os.path.join(self.dir, "reports", "results.json")
        with open(os.path.join(self.dir, "check.log"), "w") as log:
            todo = started
            while todo:
                if os.path.exists(results):
                    os.remove(results)
                out, late = self.make_check(todo, start + limit, log)
                if os.path.exists(results):
                    self.read_results(results)
                    break
                if late:
                    for ch in todo:
                        self.rows[ch]["status"] = "timeout"
                        self.rows[ch]["first_failure"] = f"stopped after the limit of {limit} s"
                    break
                broken = [ch for ch in todo if self.build_errors(ch, out)]
                if not broken:          # not the student's fault: say what make said
                    for ch in todo:
                        self.rows[ch].update(status="error", errors=out.splitlines()[-15:],
                                             first_failure="make check failed; see the detail")
                    break
                todo = [ch for ch in todo if ch not in broken]
        self.seconds = time.monotonic() - start

    def build_errors(self, ch, out):
        """Mark CH as not building if make's output says so; the compiler's
        first errors about its files go to the detail."""
        mine = [l for l in out.splitlines() if f"/{ch}/" in l or f"{ch}/" in l.split(":")[0]]
        said = [l for l in mine if re.search(r"error|does not build|Error \d", l)]
        if not said:
            return False
        errors = [l for l in mine if re.search(r"error:|warning:|note:", l)] or said
        lab = os.path.join(os.path.relpath(self.labdir, TOP), ch) + "/"
        errors = [re.sub(r"\S*/" + re.escape(ch) + "/", "", l).replace(lab, "") for l in errors]
        first = next((l for l in errors if "error:" in l), errors[0])
        self.rows[ch].update(status="does not build", passed=0, errors=errors[:12],
                             first_failure=first)
        return True

    def read_results(self, path):
        with open(path) as f:
            results = json.load(f)
        for chapter in results["chapters"]:
            row = self.rows.get(chapter["name"])
            if row is None:
                continue
            checks = chapter["checks"]
            passed = sum(c["status"] != "fail" for c in checks)
            failures = [c for c in checks if c["status"] == "fail"]
            row.update(passed=passed, total=max(len(checks), row["total"] or 0),
                       seconds=chapter["seconds"], diagnosis=chapter.get("diagnosis") or "",
                       excerpts=chapter.get("excerpts") or [],
                       failures=[{"name": c["name"], "notes": c["notes"]} for c in failures])
            row["status"] = "PASS" if passed and not failures and passed == row["total"] else "FAIL"
            if failures:
                c = failures[0]
                row["first_failure"] = c["name"] + (f": {c['notes'][0]}" if c["notes"] else "")


class MemorySampler(threading.Thread):
    """The peak resident memory (VmHWM) of every QEMU the grading starts."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = {}          # pid: kB
        self.stop = threading.Event()

    def run(self):
        me = str(os.getpid())
        while not self.stop.wait(0.25):
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open(f"/proc/{pid}/status") as f:
                        status = f.read()
                except OSError:
                    continue
                if "\nName:\tqemu-system" not in "\n" + status or not self.ours(pid, me):
                    continue
                m = re.search(r"VmHWM:\s+(\d+) kB", status)
                if m:
                    self.peak[pid] = max(self.peak.get(pid, 0), int(m.group(1)))

    @staticmethod
    def ours(pid, me):
        for _ in range(12):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    pid = f.read().rsplit(")", 1)[1].split()[1]
            except (OSError, IndexError):
                return False
            if pid == me:
                return True
            if pid in ("0", "1"):
                return False
        return False


# --- the gradebook --------------------------------------------------------
FIELDS = ["student", "chapter", "passed", "total", "status", "seconds", "first_failure"]


def write_csv(path, students, chapters):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        for s in students:
            for ch in chapters:
                r = s.rows[ch]
                w.writerow([s.name, ch, r["passed"], r["total"] if r["total"] is not None else "",
                            r["status"], f"{r['seconds']:.1f}", r["first_failure"]])


STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: left; }
th { background: #eee; cursor: pointer; user-select: none; }
th[aria-sort=ascending]::after { content: " \\25B2"; }
th[aria-sort=descending]::after { content: " \\25BC"; }
td.num { text-align: right; }
.PASS { background: #d9f2d9; } .FAIL { background: #f9dada; }
.not-started { background: #f2f2f2; color: #777; } .does-not-build, .timeout, .error { background: #f7c6a3; }
details { margin: .6em 0; border: 1px solid #ddd; padding: .4em .8em; }
summary { font-weight: bold; cursor: pointer; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; font-size: 13px; }
.skipped-paths { color: #a00; }
"""

SCRIPT = """
document.querySelectorAll('#gradebook th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var tbody = document.querySelector('#gradebook tbody');
    var down = th.getAttribute('aria-sort') !== 'descending';
    document.querySelectorAll('#gradebook th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', down ? 'descending' : 'ascending');
    var rows = Array.prototype.slice.call(tbody.rows);
    function key(row) {
      var v = row.cells[col].getAttribute('data-sort');
      return isNaN(parseFloat(v)) ? v.toLowerCase() : parseFloat(v);
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return down ? -c : c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  });
});
document.querySelectorAll('#gradebook a[href^="#student-"]').forEach(function (a) {
  a.addEventListener('click', function () {
    var d = document.getElementById(a.getAttribute('href').slice(1));
    if (d) { d.open = true; }
  });
});
"""


def write_html(path, students, chapters, skipped, summary):
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>Gradebook</title>", f"<style>{STYLE}</style></head><body>",
           "<h1>Gradebook</h1>", f"<p>{e(summary)}</p>",
           '<p>Click a column to sort; click a student for the detail.</p>',
           '<table id="gradebook"><thead><tr><th>student</th>']
    out += [f"<th>{e(ch)}</th>" for ch in chapters]
    out += ["<th>total</th><th>%</th><th>seconds</th></tr></thead><tbody>"]
    for s in students:
        passed = sum(s.rows[ch]["passed"] for ch in chapters)
        total = sum(s.rows[ch]["total"] or 0 for ch in chapters)
        pct = 100.0 * passed / total if total else 0.0
        cells = [f'<td data-sort="{e(s.name)}"><a href="#student-{e(s.name)}">{e(s.name)}</a></td>']
        for ch in chapters:
            r = s.rows[ch]
            cls = r["status"].replace(" ", "-")
            frac = r["passed"] / r["total"] if r["total"] else 0
            cells.append(f'<td class="{e(cls)}" data-sort="{frac:.4f}" title="{e(r["first_failure"])}">'
                         f'{r["passed"]}/{r["total"] if r["total"] is not None else "?"} {e(r["status"])}</td>')
        cells.append(f'<td class="num" data-sort="{passed}">{passed}/{total}</td>')
        cells.append(f'<td class="num" data-sort="{pct:.2f}">{pct:.0f}</td>')
        cells.append(f'<td class="num" data-sort="{s.seconds:.1f}">{s.seconds:.0f}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if skipped:
        out.append('<h2>Not graded</h2><ul class="skipped-paths">')
        out += [f"<li>{e(p)}: not a workbook clone (no modules/, nor chapters/ and a Makefile)</li>"
                for p in skipped]
        out.append("</ul>")
    out.append("<h2>Students</h2>")
    for s in students:
        out.append(f'<details id="student-{e(s.name)}" class="student"><summary>{e(s.name)}</summary>'
                   f"<p>{e(s.path)}</p>")
        for ch in chapters:
            r = s.rows[ch]
            out.append(f"<h3>{e(ch)}: {r['passed']}/{r['total'] if r['total'] is not None else '?'} "
                       f"{e(r['status'])}</h3>")
            for note in r["notes"]:
                out.append(f"<p>Note: {e(note)}</p>")
            if r["errors"]:
                out.append("<p>The compiler's first errors:</p>" if r["status"] == "does not build"
                           else "<p>What make said:</p>")
                out.append(f'<pre class="errors">{e(chr(10).join(r["errors"]))}</pre>')
            if r["status"] == "timeout":
                out.append(f"<p>{e(r['first_failure'])}</p>")
            if r["failures"]:
                out.append('<ul class="failures">')
                for c in r["failures"]:
                    notes = "".join(f"<br><code>{e(n)}</code>" for n in c["notes"] if not n.startswith("| "))
                    out.append(f"<li>{e(c['name'])}{notes}</li>")
                out.append("</ul>")
            if r["diagnosis"]:
                out.append(f"<p>What happened: {e(r['diagnosis'])}</p>")
            for excerpt in r["excerpts"]:
                out.append(f'<pre class="excerpt">{e(chr(10).join(excerpt))}</pre>')
        out.append("</details>")
    out.append(f"<script>{SCRIPT}</script></body></html>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main(argv):
    jobs, limit, out, args = os.cpu_count() or 1, None, os.path.join(TOP, "build", "grade"), argv[1:]
    while args and args[0].startswith("--"):
        opt, val, args = args[0], args[1], args[2:]
        if opt == "--jobs":
            jobs = max(1, int(val))
        elif opt == "--limit":
            limit = int(val)
        elif opt == "--out":
            out = os.path.abspath(val)
        else:
            print(f"grade.py: unknown option {opt}", file=sys.stderr)
            return 2
    if len(args) < 2:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    cls, chapters = args[0], args[1:]
    if not os.path.exists(cls):
        print(f"grade.py: {cls}: no such folder or list file", file=sys.stderr)
        return 2
    limit = limit or 60 + 45 * len(chapters)
    found, skipped = students_of(cls)
    if not found:
        print(f"grade.py: {cls} holds no workbook clone", file=sys.stderr)
    os.makedirs(out, exist_ok=True)
    students = [Student(name, path, chapters, out) for name, path in found]
    sampler = MemorySampler()
    sampler.start()
    start = time.monotonic()
    print(f"grade: {len(students)} students x {len(chapters)} chapters, {jobs} at a time, "
          f"at most {limit} s each", flush=True)

    def one(s):
        s.grade(limit)
        score = sum(s.rows[c]["passed"] for c in chapters)
        total = sum(s.rows[c]["total"] or 0 for c in chapters)
        states = ", ".join(f"{c[:2]} {s.rows[c]['status']}" for c in chapters)
        print(f"  {s.name:24} {score:>4}/{total:<4} {s.seconds:5.1f} s  {states}", flush=True)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, students))
    elapsed = time.monotonic() - start
    sampler.stop.set()
    sampler.join()
    peak = max(sampler.peak.values(), default=0) // 1024
    rate = len(students) * len(chapters) * 60 / elapsed if elapsed else 0
    summary = (f"{len(students)} students x {len(chapters)} chapters graded in {elapsed:.1f} s "
               f"({rate:.1f} student-chapters per minute, {jobs} at a time); "
               f"peak memory of one VM: {peak} MB ({len(sampler.peak)} VMs); "
               f"kernel {os.environ.get('KERNEL') or '6.1'}")
    write_csv(os.path.join(out, "gradebook.csv"), students, chapters)
    write_html(os.path.join(out, "gradebook.html"), students, chapters, skipped, summary)
    print(f"grade: {summary}")
    print(f"grade: wrote {os.path.relpath(os.path.join(out, 'gradebook.csv'))} and gradebook.html")
    for path in skipped:
        print(f"grade: skipped {path}: not a workbook clone (no modules/, nor chapters/ and a Makefile)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
