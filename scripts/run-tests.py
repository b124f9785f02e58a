#!/usr/bin/env python3
"""Host side of 'make test': boot the VM once, run chapters' tests, judge them.

    run-tests.py [--log FILE] [--score] [--host-tap NAME CMD] CHAPTER...

CHAPTER is a name like 01-hello. --host-tap runs the shell command CMD on the
host first and counts its TAP output as the results of NAME. --score ends the
report with a table of each chapter's score (for 'make check').

The VM is started through scripts/run-qemu.sh in test mode. The guest
(initramfs/wb/run-tests.sh) runs each chapter's test.sh and prints TAP plus a
few "@@" protocol lines on the serial console, which is our stdout pipe.

Besides the chapter's own checks, every chapter gets one more test from this
side: "the kernel stayed healthy". It fails on an Oops, BUG, WARNING, KASAN,
lockdep or kmemleak report, a panic, a new taint other than out-of-tree (O)
and unsigned (E), or a chapter that does not finish in time; the report quotes
the console lines that show it.

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

HERE = os.path.dirname(os.path.abspath(__file__))
BOOT_LIMIT = 60       # seconds from QEMU start to the first chapter
CHAPTER_LIMIT = 60    # the guest's own watchdog fires at 30 s
HEALTH = "the kernel stayed healthy (no oops, warning, bad taint or hang)"

TROUBLE = re.compile(
    r"Oops|BUG:|WARNING:|general protection fault|Kernel panic|"
    r"KASAN|UBSAN|possible (circular|recursive) locking|"
    r"inconsistent lock state|lockdep|suspected memory leak|"
    r"soft lockup|hard LOCKUP|rcu.*stall|blocked for more than")
TAINT_FLAGS = "PFSRMBUDAWCIOELKXT"
ALLOWED_TAINT = (1 << 12) | (1 << 13)   # O: out-of-tree, E: unsigned
TAP = re.compile(r"^(not ok|ok) \d+(?: - )?(.*)$")
LED = re.compile(r"@(\d+\.\d+):ps2_set_ledstate .*ledstate (\d+)")


def taint_letters(mask):
    return "".join(f for i, f in enumerate(TAINT_FLAGS) if mask & (1 << i))


class Chapter:
    def __init__(self, name):
        self.name = name
        self.tests = []        # (passed, description, [diagnostic lines])
        self.trouble = []      # line numbers, [lines], ("stuck", n): see excerpts()
        self.planned = False
        self.finished = False

    def add(self, passed, desc):
        self.tests.append((passed, desc, []))

    def counts(self):
        passed = sum(1 for t in self.tests if t[0])
        return passed, len(self.tests) - passed


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


class Runner:
    def __init__(self, names, log_path):
        self.chapters = {n: Chapter(n) for n in names}
        self.order = names
        self.current = None
        self.console = []           # every console line, for excerpts
        self.leds = []              # (wall time, state) seen by QEMU
        self.led_begin = None
        self.log = open(log_path, "w") if log_path else None
        self.lines = queue.Queue()
        self.done = False
        self.score = False          # print a score table (make check)
        self.console_mark = 0       # console-mark / console-seen
        self.last_words = None      # why the VM was killed, if it was

    # --- reading QEMU ----------------------------------------------------
    def reader(self, stream, tag):
        for raw in iter(stream.readline, b""):
            self.lines.put((tag, raw.decode("utf-8", "replace").rstrip("\r\n")))
        self.lines.put((tag, None))

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="wb-")
        env = dict(os.environ, WB_QMP=os.path.join(self.tmp, "qmp.sock"))
        chapters = ",".join(n[:2] for n in self.order)
        self.proc = subprocess.Popen(
            [os.path.join(HERE, "run-qemu.sh"), "test", chapters],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env)
        self.qmp = Qmp(env["WB_QMP"])
        for stream, tag in ((self.proc.stdout, "out"), (self.proc.stderr, "err")):
            threading.Thread(target=self.reader, args=(stream, tag),
                             daemon=True).start()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- the protocol ----------------------------------------------------
    def on_err(self, line):
        m = LED.search(line)
        if m:
            self.leds.append((float(m.group(1)), int(m.group(2))))
        elif line.startswith("run-qemu.sh:"):
            print(line, flush=True)        # e.g. the KVM verdict
        elif line.strip():
            self.console.append("qemu: " + line)

    def on_out(self, line):
        self.console.append(line)
        ch = self.chapters.get(self.current)
        if line.startswith("@@wb "):
            self.on_wb(line.split()[1:])
        elif line.startswith("@@host "):
            self.on_host(line.split()[1:])
        elif line.startswith("@@kmsg ") or line.startswith("@@stuck "):
            if ch and TROUBLE.search(line):
                ch.trouble.append(len(self.console) - 1)
        elif ch and TAP.match(line):
            m = TAP.match(line)
            ch.add(m.group(1) == "ok", m.group(2))
            self.show_test(ch.tests[-1], len(ch.tests))
        elif ch and line.startswith("#") and ch.tests:
            ch.tests[-1][2].append(line[1:].strip())
            if not ch.tests[-1][0]:
                print("          " + line[1:].strip(), flush=True)
        elif ch and re.match(r"^1\.\.\d+$", line):
            ch.planned = True
        elif ch and TROUBLE.search(line):
            ch.trouble.append(len(self.console) - 1)

    def on_wb(self, words):
        what = words[0] if words else ""
        if what == "begin":
            self.current = words[1]
            print(f"{self.current}", flush=True)
        elif what == "stuck":
            self.chapters[self.current].trouble += [
                [f"the test was stopped after {words[2]} s (too long, or "
                 "stuck after an oops); its processes and kernel stacks:"],
                ("stuck", len(self.console))]
        elif what == "taint":
            new = int(words[2]) & ~int(words[1]) & ~ALLOWED_TAINT
            if new:
                self.chapters[self.current].trouble.append(
                    [f"new kernel taint: {taint_letters(new)} "
                     f"(tainted {words[1]} -> {words[2]})"])
        elif what == "end":
            self.finish_chapter(self.chapters[self.current])
            self.current = None
        elif what == "done":
            self.done = True

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

    def excerpts(self, trouble, after=30):
        """Turn trouble (console line numbers or ready-made line lists) into
        at most three excerpts. A kernel report often shows up twice (live
        on the console and again in the forwarded log): quote it once."""
        out, quoted = [], set()
        for t in trouble:
            if isinstance(t, list):
                out.append(t)
                continue
            if isinstance(t, tuple):      # the lines of a stuck report
                out[-1] = out[-1] + [l[len("@@stuck "):] for l in
                                     self.console[t[1]:] if l.startswith("@@stuck ")]
                continue
            lines = [re.sub(r"^@@(kmsg|stuck) ", "", l)
                     for l in self.console[t:t + after]]
            if lines and lines[0] not in quoted:
                out.append(lines)
                quoted.update(lines)
        return out[:3]

    def run_host_tap(self, name, command):
        """Checks that need no VM: run them first, count them like a chapter."""
        ch = Chapter(name)
        self.chapters[name] = ch
        self.order.insert(0, name)
        print(name, flush=True)
        out = subprocess.run(command, shell=True, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True).stdout
        for line in out.splitlines():
            m = TAP.match(line)
            if m:
                ch.add(m.group(1) == "ok", m.group(2))
                self.show_test(ch.tests[-1], len(ch.tests))
            elif line.startswith("#") and ch.tests:
                print("          " + line[1:].strip(), flush=True)
        if not ch.tests:
            ch.add(False, f"{name} ran ({command})")
            print("          " + out.strip().replace("\n", "\n          "))
        ch.finished = True
        passed, failed = ch.counts()
        print(f"{name}: {passed} passed, {failed} failed", flush=True)

    # --- reporting -------------------------------------------------------
    def show_test(self, test, number):
        passed, desc, _ = test
        print(f"  {'ok  ' if passed else 'FAIL'} {number:3} {desc}", flush=True)

    def finish_chapter(self, ch, reason=None):
        if ch.finished:
            return
        ch.finished = True
        if reason:
            ch.trouble.append(reason)
        if not ch.planned and not reason:
            ch.add(False, "test.sh ran to the end (done_testing)")
            self.show_test(ch.tests[-1], len(ch.tests))
        ch.add(not ch.trouble, HEALTH)
        self.show_test(ch.tests[-1], len(ch.tests))
        if ch.trouble:
            print(f"          what happened: {self.diagnosis(ch)}", flush=True)
        for excerpt in self.excerpts(ch.trouble):
            for line in excerpt:
                print(f"          | {line}", flush=True)
        passed, failed = ch.counts()
        print(f"{ch.name}: {passed} passed, {failed} failed", flush=True)

    def run(self):
        self.start()
        deadline = time.monotonic() + BOOT_LIMIT
        open_streams = 2
        while open_streams and not self.done:
            try:
                tag, line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = tag = None
            if self.log and line is not None:
                self.log.write(f"{tag}: {line}\n")
            if line is None and tag is not None:
                open_streams -= 1
                continue
            if line is not None:
                was = self.current
                (self.on_out if tag == "out" else self.on_err)(line)
                if self.current != was:
                    deadline = time.monotonic() + (CHAPTER_LIMIT if self.current else 30)
            elif time.monotonic() >= deadline:
                self.timed_out()
                break
        self.stop()
        self.account_for_the_rest()
        return self.summary()

    def timed_out(self):
        if self.current:
            limit = CHAPTER_LIMIT
            where = f"chapter {self.current} did not finish within {limit} s; the VM was killed"
        else:
            where = "the VM did not start the next chapter in time; it was killed"
        print(where, flush=True)
        self.last_words = [where] + self.console[-20:]

    def account_for_the_rest(self):
        """Chapters cut short by a panic, a hang or a dead VM fail here."""
        reason = self.last_words
        if reason is None and not self.done:
            tail = self.console[-30:]
            reason = ["the VM stopped before the tests were done; last console lines:"] + tail
        if self.current:
            self.finish_chapter(self.chapters[self.current], reason)
        for name in self.order:
            ch = self.chapters[name]
            if not ch.finished and not ch.tests:
                ch.finished = True
                ch.add(False, "chapter ran (it did not: the VM stopped earlier)")
                print(f"{name}: not run", flush=True)

    def diagnosis(self, ch):
        """One sentence a student can read before the console excerpt."""
        text = "\n".join("\n".join(e) for e in self.excerpts(ch.trouble))
        where = re.search(r"RIP: 0010:(\S+ \[\S+\])", text)
        where = f" in {where.group(1)}" if where else ""
        for pattern, say in (
                (r"soft lockup", "a CPU was stuck in the kernel (an endless loop?)" + where),
                (r"BUG: kernel NULL pointer", "the kernel crashed: NULL pointer dereference" + where),
                (r"BUG: unable to handle|general protection", "the kernel crashed: bad memory access" + where),
                (r"Kernel panic", "the kernel panicked" + where),
                (r"Oops|BUG:", "the kernel crashed (oops)" + where),
                (r"WARNING:", "the kernel printed a WARNING (a broken rule, see below)"),
                (r"KASAN|UBSAN", "a memory-safety checker reported a bug"),
                (r"lock", "the lock checker reported a problem"),
                (r"leak", "memory was leaked"),
                (r"stopped after", "the test got stuck (waiting forever?); the stacks show where"),
                (r"taint", "the kernel was tainted"),
                (r"did not finish|killed", "the chapter hung and the VM was killed"),
                (r"VM stopped", "the VM died before the chapter was over")):
            if re.search(pattern, text):
                return say
        return "see the console lines below"

    def summary(self):
        passed = failed = 0
        for name in self.order:
            p, f = self.chapters[name].counts()
            passed, failed = passed + p, failed + f
        if self.score:
            print(f"\n{'chapter':24} {'score':>9}  status")
            for name in self.order:
                p, f = self.chapters[name].counts()
                print(f"{name:24} {p:>4}/{p + f:<4}  {'PASS' if not f else 'FAIL'}")
            print(f"Score: {passed}/{passed + failed} tests passed")
        print(f"{passed} passed, {failed} failed", flush=True)
        return 1 if failed else 0


def main(argv):
    log, score, host_tap, args = None, False, None, argv[1:]
    while args and args[0].startswith("--"):
        if args[0] == "--log":
            log, args = args[1], args[2:]
        elif args[0] == "--score":
            score, args = True, args[1:]
        elif args[0] == "--host-tap":
            host_tap, args = (args[1], args[2]), args[3:]
        else:
            break
    if not args:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    runner = Runner(args, log)
    runner.score = score
    if host_tap:
        runner.run_host_tap(*host_tap)
    return runner.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
