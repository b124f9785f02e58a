#!/usr/bin/python3
"""Host side of 'make test': boot the VM once, run chapters' tests, judge them.

    run-tests.py [--log FILE] [--score] [--transcripts DIR] [--results FILE]
                 [--times FILE] [--report FILE] [--jobs N] CHAPTER...

CHAPTER is a name like 01-hello. --score ends the report with a table of each
chapter's score (for 'make check'). --transcripts DIR writes the transcripts
a test saves for the book (testlib's 'transcript') to DIR/CHAPTER/NAME.txt.
--results FILE writes the totals as JSON, with the kernel (KERNEL, KVER) they
were measured on; the book's table of tested kernels is made from them.
--report FILE writes every check of every chapter as JSON (its status, the
lines the test printed under it, seconds; each chapter's kernel diagnosis and
excerpts), for scripts/reports.py (JUnit, TAP) and scripts/grade.py.

The chapters are spread over VMs that run at once, one more than there are
CPUs (--jobs N, or WB_JOBS, says how many at most): chapters with the same vm.conf (WB_VMCONF,
from the Makefile) share VMs, split so that each VM's chapters took about
as long in the last run (--times FILE keeps the seconds each took when it
passed: a failing chapter, such as a hung lab killed after 90 s, keeps the
time of its last good run, or the next plan puts it in a VM of its own). Each
chapter's report is printed whole, in chapter order, whichever VM ran it.

Each VM is started through scripts/run-qemu.sh in test mode. The guest
(initramfs/wb/run-chapters.sh) runs each chapter's test.sh and prints TAP
plus a few "@@" protocol lines on the serial console, which is our stdout
pipe. A VM whose kernel crashes before its first chapter begins (no module
loaded yet, so no chapter's doing) is booted once more, and the output says
so; a second crash fails its chapters as "not run".

Scores are fair: a test declares its plan ("1..N") before its first check,
as KTAP does, and every planned check that never ran (a crash, a hang, a
"Bail out!") counts as failed. "ok N - desc # SKIP reason" is an "ok": a
score counts it, and the summary line lists it apart as skipped.

Besides the chapter's own checks, every chapter gets one more test from this
side: "the kernel stayed healthy". It fails on an Oops, BUG, WARNING, KASAN,
lockdep or kmemleak report, a panic, a new taint other than out-of-tree (O)
and unsigned (E), or a chapter that does not finish in time; the report quotes
the console lines that show it, after one sentence that says what the kernel
reported.

A test can ask the host to act outside the VM ("@@host ACTION ARGS"); the
answer goes back on the guest's console input. Actions:
    send-keys QCODE...   press and release keys on the PS/2 keyboard (QMP)
    led-log begin|end    LED states the guest set on the emulated keyboard
                         between begin and end, as "SECONDS:STATE" pairs
    console-mark         remember where the console output is now
    console-seen TEXT    "yes" if a console line equal to TEXT appeared
                         since console-mark, else "no"
"""

import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from symbolize import Symbolizer

HERE = os.path.dirname(os.path.abspath(__file__))
BOOT_LIMIT = 60       # seconds from QEMU start to the first chapter
CHAPTER_LIMIT = 120   # the guest's own watchdog fires first (30 s, 90 s on
                      # the debug kernel)
# make stress gives the guest longer (wb.limit), and us too.
CHAPTER_LIMIT = int(os.environ.get("WB_RUNNER_LIMIT") or CHAPTER_LIMIT)
# A kernel that crashed during a chapter and then prints nothing for this
# long is dead (its interrupts off, say): a live guest's watchdog ends the
# test within seconds of an oops, and says so. Killing it then, instead of
# at CHAPTER_LIMIT, saves a grader 100 s for each such student.
SILENT_AFTER_CRASH = 20
CRASH = re.compile(r"BUG: unable to handle|general protection fault|"
                   r"BUG: kernel NULL pointer|kernel BUG at|Oops|Kernel panic")
HEALTH = "the kernel stayed healthy (no oops, warning, bad taint or hang)"

# The first line of each kind of kernel report, and what to tell a student
# about it. Only these headlines are matched, never the stack lines under
# them (a stack that passes through __mutex_lock is not a lockdep report).
# The first kind that matches any report of a chapter is the diagnosis.
REPORTS = [
    (r"BUG: KASAN: ([\w-]+) in (\S+)", "KASAN: {0} in {1}: the module used memory it does not own"),
    (r"UBSAN: ([\w-]+) in (\S+)", "UBSAN: {0} in {1}: undefined behaviour"),
    (r"unreferenced object 0x\w+ \(size (\d+)\)", "kmemleak: memory was leaked (objects of {0} bytes never freed)"),
    # Sleeping in atomic context first: lockdep often reports the same
    # mistake too (a GFP_KERNEL allocation in a softirq), less plainly.
    (r"BUG: sleeping function called from invalid context at (\S+)", "a sleeping function was called in atomic context (at {0})"),
    (r"BUG: scheduling while atomic", "the kernel scheduled while atomic: something slept in atomic context"),
    # debug-objects before lockdep: its fix-up of a freed, armed timer can
    # upset lockdep in turn.
    (r"ODEBUG: (\w+) active .*object type: (\w+)", "debug-objects: {0} of an active {1} (still armed?)"),
    (r"ODEBUG: ", "debug-objects: an object was misused (see below)"),
    (r"WARNING: possible circular locking dependency", "lockdep: two locks are taken in opposite orders (possible deadlock)"),
    (r"WARNING: possible recursive locking", "lockdep: a lock is taken again by its holder (deadlock)"),
    (r"WARNING: inconsistent lock state", "lockdep: a lock is taken in an interrupt or softirq, and elsewhere with those enabled (inconsistent lock state)"),
    (r"WARNING: .*lock.* (held|released|imbalance)|WARNING: bad unlock balance|BUG: held lock freed", "lockdep: a lock was not released correctly"),
    (r"list_(add|del) corruption", "a linked list was corrupted (list_{0})"),
    (r"usercopy: Kernel memory (exposure|overwrite) attempt", "hardened usercopy stopped a bad copy to or from user space"),
    (r"BUG: kernel NULL pointer dereference", "the kernel crashed: NULL pointer dereference{where}"),
    (r"BUG: unable to handle|general protection fault", "the kernel crashed: bad memory access{where}"),
    (r"soft lockup", "a CPU was stuck in the kernel (an endless loop?){where}"),
    (r"hard LOCKUP", "a CPU was stuck with interrupts off{where}"),
    (r"rcu.*(stall|detected stalls)", "RCU stalled: a CPU did not schedule for too long{where}"),
    (r"task \S+ blocked for more than \d+ seconds", "the hung-task detector saw a task blocked for too long"),
    (r"Kernel panic", "the kernel panicked{where}"),
    (r"kernel BUG at (\S+)", "the kernel hit a BUG() at {0}{where}"),
    (r"Oops|BUG:", "the kernel crashed (oops){where}"),
    (r"WARNING:", "the kernel printed a WARNING (a broken rule, see below){where}"),
    (r"suspected memory leak", "kmemleak: memory was leaked"),
]
TROUBLE = re.compile("|".join(f"(?:{p})" for p, _ in REPORTS))
TAINT_FLAGS = "PFSRMBUDAWCIOELKXT"
ALLOWED_TAINT = (1 << 12) | (1 << 13)   # O: out-of-tree, E: unsigned
TAP = re.compile(r"^(not ok|ok) \d+(?: - )?(.*?)(?: # SKIP ?(.*))?$")
PLAN = re.compile(r"^1\.\.(\d+)$")
LED = re.compile(r"@(\d+\.\d+):ps2_set_ledstate .*ledstate (\d+)")
# Runner notes and what they say; also put on the console list so that every
# piece of trouble is one plain thing, a console line number.
NOTE = "@@note "


def taint_letters(mask):
    return "".join(f for i, f in enumerate(TAINT_FLAGS) if mask & (1 << i))


class Chapter:
    def __init__(self, name):
        self.name = name
        self.tests = []        # (True/False/None if skipped, description, [notes])
        self.plan = None       # the number of checks the test declared
        self.missing = 0       # planned checks that never ran
        self.trouble = []      # console line numbers where trouble starts
        self.transcripts = {}  # NAME: [lines] for the book
        self.finished = False
        self.seconds = 0.0     # how long it ran in the VM
        self.begun = None      # when it began, and when each check came
        self.stamps = []
        self.diagnosis = None  # what the kernel reported, and the excerpts
        self.excerpts = []

    def add(self, passed, desc):
        self.tests.append((passed, desc, []))
        self.stamps.append(time.monotonic())

    def counts(self):
        passed = sum(1 for t in self.tests if t[0])
        skipped = sum(1 for t in self.tests if t[0] is None)
        return passed, len(self.tests) - passed - skipped + self.missing, skipped


class Qmp:
    """Just enough of the QEMU Machine Protocol to press keys."""

    def __init__(self, path):
        self.path = path
        self.sock = None

    def connect(self):
        deadline = time.monotonic() + 10
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(self.path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.file = self.sock.makefile("rw")
        self.file.readline()                   # the greeting
        self.command("qmp_capabilities")

    def command(self, name, **args):
        if self.sock is None:
            self.connect()
        self.file.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.file.flush()
        while True:
            reply = json.loads(self.file.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(reply["error"].get("desc", "QMP error"))

    def press(self, qcode, hold_ms=40):
        self.command("send-key", keys=[{"type": "qcode", "data": qcode}],
                     **{"hold-time": hold_ms})
        # send-key returns at once and releases the key later; wait for the
        # release so that keys arrive press, release, press, release.
        time.sleep(hold_ms / 1000 + 0.06)


class Printer:
    """Print each chapter's report whole and in chapter order, however the
    chapters are spread over VMs that run at the same time. The first
    chapter not yet finished is printed as it goes."""

    def __init__(self, order):
        self.order = order
        self.lines = {n: [] for n in order}
        self.closed = set()
        self.next = 0
        self.lock = threading.Lock()

    def say(self, name, text):
        with self.lock:
            if name in self.lines:
                self.lines[name].append(text)
                self.flush()
            else:
                print(text, flush=True)

    def close(self, name):
        with self.lock:
            self.closed.add(name)
            self.flush()

    def flush(self):
        while self.next < len(self.order):
            name = self.order[self.next]
            for line in self.lines[name]:
                print(line, flush=True)
            self.lines[name] = []
            if name not in self.closed:
                break
            self.next += 1


class Runner:
    """One VM: boot it, run its chapters, judge them."""

    def __init__(self, chapters, printer, log_path=None, transcripts=None,
                 symbols=None):
        self.chapters = {ch.name: ch for ch in chapters}
        self.order = [ch.name for ch in chapters]
        self.printer = printer
        self.symbols = symbols or Symbolizer([])
        self.log = open(log_path, "w") if log_path else None
        self.transcripts = transcripts
        self.fresh_boot()

    def fresh_boot(self):
        """What one boot of the VM has seen so far: nothing yet."""
        self.current = None
        self.console = []           # every console line, for excerpts
        self.leds = []              # (wall time, state) seen by QEMU
        self.led_begin = None
        self.lines = queue.Queue()
        self.done = False
        self.started = 0.0          # when the current chapter began
        self.boot = None            # seconds from QEMU's start to the first chapter
        self.console_mark = 0       # console-mark / console-seen
        self.killed = None          # why the VM was killed, if it was
        self.crashed = False        # the current chapter's kernel oopsed
        self.kmemleak = False       # judge chapters after the leak scan
        self.waiting = []           # chapters over, waiting for that scan
        self.leak = None            # the chapter of the leak report being read
        self.leaks = 0              # how many objects the leak scan found

    # --- reading QEMU ----------------------------------------------------
    @staticmethod
    def reader(stream, tag, lines):
        """(Each boot's lines go to that boot's queue, even after a kill.)"""
        for raw in iter(stream.readline, b""):
            lines.put((tag, raw.decode("utf-8", "replace").rstrip("\r\n")))
        lines.put((tag, None))

    def vm_command(self):
        return [os.path.join(HERE, "run-qemu.sh"), "test", ",".join(self.order)]

    def start(self):
        self.launched = time.monotonic()
        self.tmp = tempfile.mkdtemp(prefix="wb-")
        env = dict(os.environ, WB_QMP=os.path.join(self.tmp, "qmp.sock"))
        self.proc = subprocess.Popen(
            self.vm_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env)
        self.qmp = Qmp(env["WB_QMP"])
        for stream, tag in ((self.proc.stdout, "out"), (self.proc.stderr, "err")):
            threading.Thread(target=self.reader, args=(stream, tag, self.lines),
                             daemon=True).start()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def note(self, ch, text, lines=()):
        """Trouble the runner itself saw, with the lines that show it."""
        ch.trouble.append(len(self.console))
        self.console.append(NOTE + text)
        self.console.extend(NOTE + "  " + l for l in lines)

    # --- the protocol ----------------------------------------------------
    def on_err(self, line):
        m = LED.search(line)
        if m:
            self.leds.append((float(m.group(1)), int(m.group(2))))
        elif line.startswith("run-qemu.sh:"):
            self.printer.say(None, line)   # e.g. the KVM verdict
        elif line.strip():
            self.console.append("qemu: " + line)

    def on_out(self, line):
        self.console.append(line)
        ch = self.chapters.get(self.current)
        if line.startswith("@@wb "):
            self.on_wb(line.split()[1:])
        elif line.startswith("@@host "):
            self.on_host(line.split()[1:])
        elif line.startswith("@@transcript "):
            if ch:
                _, name, text = (line + " ").split(" ", 2)
                ch.transcripts.setdefault(name, []).append(text[:-1])
        elif line.startswith("@@stuck "):
            pass                            # quoted after its note
        elif line.startswith("@@module "):
            # A kernel message can land in the middle of the line.
            m = re.match(r"@@module (\w+) (\.[\w.]+) 0x([0-9a-f]{16})$", line)
            if m:
                self.symbols.module_loaded(m.group(1), m.group(2), m.group(3))
        elif line.startswith("@@kmemleak "):
            self.on_kmemleak(line[len("@@kmemleak "):])
        elif ch is None:
            if TROUBLE.search(line):        # e.g. a panic after the last chapter
                self.chapters[self.order[-1]].trouble.append(len(self.console) - 1)
        elif line.startswith("@@kmsg ") or not (TAP.match(line) or PLAN.match(line)
                                                or line.startswith("#")
                                                or line.startswith("Bail out!")):
            if TROUBLE.search(line):
                ch.trouble.append(len(self.console) - 1)
                # (only a kernel line: a test's own TAP and "#" lines
                # may quote an oops, and then wait)
                self.crashed = self.crashed or bool(CRASH.search(line))
        elif PLAN.match(line):
            if ch.plan is None and not ch.tests:
                ch.plan = int(PLAN.match(line).group(1))
        elif TAP.match(line):
            m = TAP.match(line)
            if ch.plan is None and not ch.tests:
                self.fail(ch, "the test declared its plan (plan N) before its first check")
            passed = None if m.group(3) is not None else m.group(1) == "ok"
            ch.add(passed, m.group(2) + (f" (skipped: {m.group(3)})" if passed is None else ""))
            self.show_test(ch)
        elif line.startswith("Bail out!"):
            self.say(ch, f"          {line}")
        elif line.startswith("#") and ch.tests:
            ch.tests[-1][2].append(line[1:].strip())
            if ch.tests[-1][0] is False:
                self.say(ch, "          " + line[1:].strip())

    def fail(self, ch, desc):
        ch.add(False, desc)
        self.show_test(ch)

    def on_wb(self, words):
        what = words[0] if words else ""
        ch = self.chapters.get(self.current)
        if what == "begin":
            self.current = words[1]
            self.crashed = False
            self.started = time.monotonic()
            if self.boot is None:
                self.boot = self.started - self.launched
            self.chapters[self.current].begun = self.started
            self.say(self.chapters[self.current], self.current)
        elif what == "stuck" and ch:
            self.note(ch, f"the test was stopped after {words[2]} s (too long, or "
                      "stuck after an oops); its processes and kernel stacks:")
        elif what == "taint" and ch:
            new = int(words[2]) & ~int(words[1]) & ~ALLOWED_TAINT
            if new:
                self.note(ch, f"new kernel taint: {taint_letters(new)} "
                          f"(tainted {words[1]} -> {words[2]})")
        elif what == "kmemleak":
            self.kmemleak = True
        elif what == "leaks":
            self.leaks = int(words[1]) if words[1:] and words[1].isdigit() else 0
        elif what == "end" and ch:
            # Timed here: under kmemleak a chapter is judged only at the end.
            ch.seconds = time.monotonic() - self.started
            if self.kmemleak:
                self.waiting.append(ch)
            else:
                self.finish_chapter(ch)
            self.current = None
        elif what == "done":
            for waiting in self.waiting:
                self.finish_chapter(waiting)
            self.done = True

    def on_kmemleak(self, line):
        """A leak report belongs to the chapter whose module its stack
        passes through; one that passes through none is the kernel's own."""
        if line.startswith("unreferenced object"):
            self.leak = len(self.console) - 1
        elif self.leak is not None:
            found = self.symbols.annotate(line)[1]
            module = re.search(r"\[(\w+)\]", self.symbols.annotate(line)[0])
            chapter = self.symbols.chapter_of(module.group(1)) if found and module else None
            if chapter in self.chapters:
                self.chapters[chapter].trouble.append(self.leak)
                self.leak = None

    def on_host(self, words):
        action, args = (words[0], words[1:]) if words else ("", [])
        try:
            if action == "send-keys":
                for key in args:
                    self.qmp.press(key)
                reply = "ok"
            elif action == "led-log" and args == ["begin"]:
                self.led_begin = time.time()
                reply = "ok"
            elif action == "led-log" and args == ["end"]:
                time.sleep(0.05)      # let the trace pipe catch up
                begin = self.led_begin or 0
                reply = " ".join(f"{t - begin:.3f}:{s}"
                                 for t, s in self.leds if t >= begin)
            elif action == "console-mark":
                self.console_mark = len(self.console)
                reply = "ok"
            elif action == "console-seen":
                # The serial port keeps order: what the guest wrote before
                # asking has been read already.
                text = " ".join(args)
                seen = self.console[self.console_mark:]
                reply = "yes" if any(l.strip() == text for l in seen) else "no"
            else:
                reply = f"error: unknown host action '{action}'"
        except Exception as e:  # the guest test reports it as a failure
            reply = f"error: {e}"
        self.proc.stdin.write((reply + "\n").encode())
        self.proc.stdin.flush()

    # --- judging ---------------------------------------------------------
    def excerpt(self, start, after=30):
        """The console lines of one piece of trouble: a runner note with the
        process stacks that follow it, or a kernel report and what follows
        it from the same source (the forwarded log, or the live console)."""
        first = self.console[start]
        if first.startswith(NOTE):
            lines = [first[len(NOTE):]]
            for l in self.console[start + 1:]:
                if l.startswith(NOTE + "  "):
                    lines.append(l[len(NOTE):])
                elif l.startswith("@@stuck "):
                    lines.append(l[len("@@stuck "):])
                elif not l.startswith("@@transcript"):
                    break
            return lines
        prefix = next((p for p in ("@@kmsg ", "@@kmemleak ") if first.startswith(p)), "")
        lines = []
        for l in self.console[start:start + after]:
            if not l.startswith(prefix) or (not prefix and l.startswith("@@")) or \
                    (lines and prefix == "@@kmemleak " and "unreferenced object" in l):
                break
            lines.append(self.symbols.annotate(l[len(prefix):])[0])
        return lines

    def source(self, lines):
        """The first frame of the lines in a chapter's module, as
        "numlist_add() at numlist.c:57", or ""."""
        for line in lines:
            found = self.symbols.annotate(line)[1]
            if found:
                return f"{found[0]}() at {found[1]}"
        return ""

    def excerpts(self, ch):
        """At most three excerpts. A kernel report often shows up twice
        (live on the console and again in the forwarded log): quote it once."""
        out, quoted = [], set()
        for start in ch.trouble:
            lines = self.excerpt(start)
            if lines and lines[0] not in quoted:
                out.append(lines)
                quoted.update(lines)
        return out[:3]

    def diagnosis(self, ch):
        """One sentence a student can read before the excerpts: what the
        kernel (or the runner) reported, by its headline."""
        reports = [self.excerpt(start) for start in ch.trouble]
        heads = [r[0] for r in reports]
        text = "\n".join("\n".join(e) for e in self.excerpts(ch))
        where = re.search(r"RIP: 0010:(\S+ \[\S+\]( \(\S+\))?)", text)
        where = f" in {where.group(1)}" if where else ""
        for pattern, say in REPORTS:
            for head, report in zip(heads, reports):
                m = re.search(pattern, head)
                if not m:
                    continue
                source = self.source(report)
                if pattern.startswith("unreferenced"):
                    leaks = [h for h in heads if re.search(pattern, h)]
                    sizes = sorted({re.search(pattern, h).group(1) for h in leaks})
                    found = (f" (kmemleak found {self.leaks} in all; the first reports are shown)"
                             if self.leaks > len(leaks) else "")
                    return (f"kmemleak: your module leaked {len(leaks)} object"
                            f"{'s' if len(leaks) > 1 else ''} of {' or '.join(sizes)} bytes"
                            + (f", allocated in {source}" if source else "") + found)
                said = say.format(*m.groups(), where=where)
                if source and not where:
                    said += f"; in your code: {source}"
                return said
        for head in heads:
            if head.startswith(NOTE):
                return head[len(NOTE):].split(";")[0]
        return heads[0] if heads else "see the console lines below"

    def say(self, ch, text):
        self.printer.say(ch.name, text)

    def show_test(self, ch):
        """The chapter's last result, numbered after any that never ran."""
        passed, desc, _ = ch.tests[-1]
        number = len(ch.tests) + ch.missing
        mark = "ok  " if passed else "skip" if passed is None else "FAIL"
        self.say(ch, f"  {mark} {number:3} {desc}")

    def finish_chapter(self, ch):
        if ch.finished:
            return
        ch.finished = True
        ch.seconds = ch.seconds or time.monotonic() - self.started
        ran = len(ch.tests)
        if ch.plan is None and not ch.tests:
            self.fail(ch, "the test ran (it printed no plan and no check)")
        elif ch.plan is not None and ran < ch.plan:
            ch.missing = ch.plan - ran
            span = f"{ran + 1}-{ch.plan}" if ch.missing > 1 else f"{ch.plan}"
            self.say(ch, f"  FAIL {span:>3} never ran ({ch.missing} planned check"
                     f"{'s' if ch.missing > 1 else ''} counted as failed)")
        elif ch.plan is not None and ran > ch.plan:
            self.fail(ch, f"the test ran {ran} checks, more than its plan of {ch.plan}")
        ch.add(not ch.trouble, HEALTH)
        self.show_test(ch)
        if ch.trouble:
            ch.diagnosis = self.diagnosis(ch)
            self.say(ch, f"          what happened: {ch.diagnosis}")
            ch.tests[-1][2].append(f"what happened: {ch.diagnosis}")
        ch.excerpts = self.excerpts(ch)
        for excerpt in ch.excerpts:
            for line in excerpt:
                self.say(ch, f"          | {line}")
                ch.tests[-1][2].append(f"| {line}")
        self.save_transcripts(ch)
        passed, failed, skipped = ch.counts()
        self.say(ch, f"{ch.name}: {passed} passed, {failed} failed"
                 + (f", {skipped} skipped" if skipped else ""))
        self.printer.close(ch.name)

    def save_transcripts(self, ch):
        if not self.transcripts or not ch.transcripts:
            return
        folder = os.path.join(self.transcripts, ch.name)
        os.makedirs(folder, exist_ok=True)
        for name, lines in ch.transcripts.items():
            with open(os.path.join(folder, name + ".txt"), "w") as f:
                f.write("\n".join(lines) + "\n")

    # --- the run ---------------------------------------------------------
    def run(self):
        self.boot_and_run()
        died = self.died_booting()
        if died:
            # No module was loaded yet, so it is no chapter's doing. Seen,
            # rarely, with 6.12-rt on 2 vCPUs under multi-threaded TCG (an
            # int3 hit in code the kernel was patching, in sched_clock_cpu).
            # Said on the output; a second death fails as ever.
            self.printer.say(None, "run-tests.py: the kernel died while booting, before "
                             f"{self.order[0]} began ({died}); booting the VM once more")
            if self.log:
                self.log.write("run-tests.py: booting the VM once more\n")
            for ch in self.chapters.values():
                ch.trouble.clear()
            self.fresh_boot()
            self.boot_and_run()
            if self.died_booting():
                self.killed = self.killed or "the kernel died while booting, again; its last words:"
        self.account_for_the_rest()

    def died_booting(self):
        """The kernel's report, if it crashed before any chapter began."""
        if self.boot is not None:
            return None
        for line in self.console:
            if CRASH.search(line):
                return line.strip()
        return None

    def boot_and_run(self):
        self.start()
        deadline = time.monotonic() + BOOT_LIMIT
        open_streams = 2
        heard = time.monotonic()    # the last console line
        while open_streams and not self.done:
            until = deadline
            if self.crashed and self.current:
                until = min(deadline, heard + SILENT_AFTER_CRASH)
            try:
                tag, line = self.lines.get(timeout=max(0.1, until - time.monotonic()))
            except queue.Empty:
                line = tag = None
            if line is not None:
                heard = time.monotonic()
            if self.log and line is not None:
                self.log.write(f"{tag}: {line}\n")
            if line is None and tag is not None:
                open_streams -= 1
                continue
            if line is not None:
                was = self.current
                (self.on_out if tag == "out" else self.on_err)(line)
                if self.current != was:
                    # (between chapters too: the leak scan after the last
                    # one takes a while)
                    deadline = time.monotonic() + CHAPTER_LIMIT
            elif time.monotonic() >= until:
                self.timed_out(silent=until < deadline)
                break
        self.stop()

    def timed_out(self, silent=False):
        if silent:
            where = (f"the kernel crashed in chapter {self.current} and then said "
                     f"nothing for {SILENT_AFTER_CRASH} s; the VM was killed")
        elif self.current:
            where = (f"chapter {self.current} did not finish within {CHAPTER_LIMIT} s; "
                     "the VM was killed")
        else:
            where = "the VM did not start the next chapter in time; it was killed"
        self.printer.say(self.current, where)
        self.killed = where

    def account_for_the_rest(self):
        """Chapters cut short by a panic, a hang or a dead VM fail here."""
        for ch in self.waiting:
            self.finish_chapter(ch)
        if self.current:
            ch = self.chapters[self.current]
            why = self.killed or "the VM stopped before the tests were done"
            self.note(ch, why + "; the last console lines:",
                      [l for l in self.console[-20:] if not l.startswith(NOTE)])
            self.finish_chapter(ch)
        first = True
        for name in self.order:
            ch = self.chapters[name]
            if not ch.finished:
                ch.finished = True
                ch.add(False, "chapter ran (it did not: the VM stopped earlier)")
                self.say(ch, f"{name}: not run")
                if first:      # say why, once
                    for line in [self.killed or "the VM stopped; its last words:"] + \
                            self.console[-15:]:
                        self.say(ch, f"          | {line}")
                    first = False
                self.printer.close(name)


def read_vmconf():
    """Each chapter's VM needs, as a key: the vm.conf lines that matter to
    a test run (not shell=, which only the interactive shell reads)."""
    needs = {}
    for path in os.environ.get("WB_VMCONF", "").split():
        with open(path) as f:
            lines = sorted(l.strip() for l in f
                           if l.strip() and not l.startswith(("#", "shell=")))
        needs[os.path.basename(os.path.dirname(path))] = " ".join(lines)
    return needs


def plan_vms(names, jobs, seconds):
    """Lists of chapter names, one per VM, in the order to start them (at
    most 'jobs' run at once). A chapter with a vm.conf of its own shares a
    VM only with chapters that need the same; those VMs start first. The
    rest are shared out over one VM per job, longest chapter first, each to
    the VM that would end first by last time's seconds (a boot included):
    so the job that runs a special VM first gets a short VM after it,
    instead of the special VM waiting for a long one to end."""
    needs = read_vmconf()
    groups = {}
    for name in names:
        groups.setdefault(needs.get(name, ""), []).append(name)
    plain = groups.pop("", [])
    special = list(groups.values())
    boot = seconds.get("boot", 2.0)

    def weight(name):
        return seconds.get(name, 5.0)

    load = [0.0] * max(1, jobs)     # each job's seconds of special VMs
    for vm in special:
        i = load.index(min(load))
        load[i] += boot + sum(map(weight, vm))
    # One VM for each of the least busy jobs; the idlest job's starts first.
    ends = [busy + boot for busy in sorted(load)[:max(1, min(len(plain), len(load)))]]
    vms = [[] for _ in ends]
    for name in sorted(plain, key=weight, reverse=True):
        i = ends.index(min(ends))
        vms[i].append(name)
        ends[i] += weight(name)
    return special + [sorted(vm, key=plain.index) for vm in vms if vm]


def guarded(runner):
    """Run one VM; a bug in the runner itself fails its chapters, loudly,
    instead of leaving them unjudged."""
    try:
        runner.run()
    except Exception as e:          # report it, judge nothing as passed
        import traceback
        traceback.print_exc()
        runner.killed = f"the test runner itself failed ({e!r}); this is a workbench bug"
        try:
            runner.stop()
        except Exception:
            pass
        runner.account_for_the_rest()


def run_suite(names, log, score, transcripts, results, times, jobs, report=None):
    chapters = {n: Chapter(n) for n in names}
    printer = Printer(names)
    try:
        with open(times) as f:
            seconds = json.load(f)
    except (OSError, ValueError, TypeError):
        seconds = {}
    vms = plan_vms(names, jobs, seconds)
    # Decide the accelerator once (probing KVM takes seconds), not in each VM.
    accel = subprocess.run([os.path.join(HERE, "run-qemu.sh"), "accel"], text=True,
                           stdout=subprocess.PIPE).stdout.strip()
    if accel in ("kvm", "tcg"):
        os.environ["ACCEL"] = accel
    threads, runners = [], []
    for i, vm in enumerate(vms):
        vm_log = log if len(vms) == 1 or not log else f"{log[:-4]}.vm{i + 1}.log"
        # Each VM loads modules at addresses of its own.
        symbols = Symbolizer(os.environ.get("WB_KO_DIRS", "").split())
        runner = Runner([chapters[n] for n in vm], printer, vm_log, transcripts, symbols)
        runners.append(runner)
        threads.append(threading.Thread(target=guarded, args=(runner,)))
    running = []
    for t in threads:                 # at most 'jobs' VMs at once
        while len([r for r in running if r.is_alive()]) >= jobs:
            time.sleep(0.05)
        t.start()
        running.append(t)
    for t in threads:
        t.join()
    if times:
        seconds.update({n: round(ch.seconds, 2) for n, ch in chapters.items()
                        if ch.seconds and ch.finished and not ch.counts()[1]})
        boots = sorted(r.boot for r in runners if r.boot is not None)
        if boots:                       # "boot" is no chapter's name (NN-slug)
            seconds["boot"] = round(boots[len(boots) // 2], 2)
        with open(times, "w") as f:
            json.dump(seconds, f, indent=0, sort_keys=True)
    if report:
        write_report(names, chapters, report)
    return summary(names, chapters, score, results)


def write_report(names, chapters, path):
    """Every check as JSON (--report): what reports.py and grade.py read."""
    out = []
    for name in names:
        ch = chapters[name]
        checks, last = [], ch.begun
        for (passed, desc, notes), stamp in zip(ch.tests, ch.stamps):
            check = {"name": desc, "notes": notes,
                     "status": "skip" if passed is None else "ok" if passed else "fail",
                     "seconds": round(stamp - last, 3) if last else 0.0}
            skipped = re.fullmatch(r"(.*) \(skipped: (.*)\)", desc) if passed is None else None
            if skipped:
                check.update(name=skipped.group(1), reason=skipped.group(2))
            checks.append(check)
            last = stamp
        # Planned checks that never ran fail, each under its own number.
        ran = len(ch.tests) - 1
        checks[-1:-1] = [{"name": f"check {ran + i + 1} (it never ran)", "notes": [],
                          "status": "fail", "seconds": 0.0} for i in range(ch.missing)]
        passed, failed, skipped = ch.counts()
        out.append({"name": name, "seconds": round(ch.seconds, 2), "plan": ch.plan,
                    "passed": passed, "failed": failed, "skipped": skipped,
                    "diagnosis": ch.diagnosis, "excerpts": ch.excerpts, "checks": checks})
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump({"kernel": os.environ.get("KERNEL") or "6.1",
                   "release": os.environ.get("KVER", ""),
                   "test": os.environ.get("WB_TEST", "test"),
                   "chapters": out}, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


def summary(names, chapters, score, results):
    passed = failed = skipped = 0
    for name in names:
        p, f, s = chapters[name].counts()
        passed, failed, skipped = passed + p, failed + f, skipped + s
    if score:
        # A skipped check is an "ok" in TAP: it scores, so that every lab of
        # a chapter is scored out of the same total, the whole plan.
        print(f"\n{'chapter':24} {'score':>9}  status")
        for name in names:
            p, f, s = chapters[name].counts()
            print(f"{name:24} {p + s:>4}/{p + s + f:<4}  {'PASS' if p and not f else 'FAIL'}")
        print(f"Score: {passed + skipped}/{passed + skipped + failed} tests passed")
    print(f"{passed} passed, {failed} failed"
          + (f", {skipped} skipped" if skipped else ""), flush=True)
    if results:
        os.makedirs(os.path.dirname(results) or ".", exist_ok=True)
        with open(results, "w") as f:
            json.dump({"kernel": os.environ.get("KERNEL") or "6.1",
                       "release": os.environ.get("KVER", ""),
                       "chapters": len(names), "passed": passed,
                       "failed": failed, "skipped": skipped,
                       "date": time.strftime("%Y-%m-%d")}, f)
            f.write("\n")
    return 1 if failed else 0


def main(argv):
    log, score, transcripts, results, args = None, False, None, None, argv[1:]
    # One VM more than CPUs: chapters spend much of their time asleep (timers,
    # LED blinks), and a third VM on 2 CPUs ran the suite about 10% faster.
    times, jobs = None, int(os.environ.get("WB_JOBS") or (os.cpu_count() or 1) + 1)
    report = None
    while args and args[0].startswith("--"):
        if args[0] == "--log":
            log, args = args[1], args[2:]
        elif args[0] == "--score":
            score, args = True, args[1:]
        elif args[0] == "--transcripts":
            transcripts, args = args[1], args[2:]
        elif args[0] == "--results":
            results, args = args[1], args[2:]
        elif args[0] == "--times":
            times, args = args[1], args[2:]
        elif args[0] == "--report":
            report, args = args[1], args[2:]
        elif args[0] == "--jobs":
            jobs, args = int(args[1]), args[2:]
        else:
            print(f"run-tests.py: unknown option {args[0]}", file=sys.stderr)
            return 2
    if not args:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    return run_suite(args, log, score, transcripts, results, times, max(1, jobs), report)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
