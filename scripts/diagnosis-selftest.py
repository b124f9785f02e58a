#!/usr/bin/python3
"""Check the one-sentence diagnosis of scripts/run-tests.py against the
headlines the kernel prints for each kind of report, with stack lines that
could mislead a careless match (a deadlock's __mutex_lock frames are not a
lockdep report); and that a VM whose kernel dies before its first chapter is
booted once more, but only then. Prints TAP; 'make test' runs it.

    diagnosis-selftest.py
"""
import contextlib
import importlib.util
import io
import os

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("runner", os.path.join(HERE, "run-tests.py"))
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)

# (kernel log lines, what the diagnosis must start with)
CASES = [
    (["BUG: KASAN: use-after-free in numlist_free+0xca/0xe5 [numlist]",
      "Read of size 8 at addr ffff888006f3a008 by task rmmod/120"],
     "KASAN: use-after-free in numlist_free+0xca/0xe5"),
    (["UBSAN: array-index-out-of-bounds in numlist.c:57:9"],
     "UBSAN: array-index-out-of-bounds in numlist.c:57:9"),
    (["unreferenced object 0xffff888005a1c3c0 (size 32):",
      "  comm \"insmod\", pid 101, jiffies 4294892422 (age 8.120s)"],
     "kmemleak: your module leaked 1 object of 32 bytes"),
    (["WARNING: possible circular locking dependency detected"],
     "lockdep: two locks are taken in opposite orders"),
    (["WARNING: possible recursive locking detected"],
     "lockdep: a lock is taken again by its holder"),
    (["WARNING: inconsistent lock state"],
     "lockdep: a lock is taken in an interrupt or softirq, and elsewhere with those enabled"),
    (["BUG: sleeping function called from invalid context at include/linux/sched/mm.h:274",
      "in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 0, name: swapper/0"],
     "a sleeping function was called in atomic context (at include/linux/sched/mm.h:274)"),
    (["BUG: scheduling while atomic: swapper/0/0/0x00000101"],
     "the kernel scheduled while atomic"),
    (["ODEBUG: free active (active state 0) object type: timer_list hint: tick+0x0/0x40 [sched]"],
     "debug-objects: free of an active timer_list"),
    (["list_del corruption. prev->next should be ffff888005a1c3c0, but was dead000000000100"],
     "a linked list was corrupted (list_del)"),
    (["usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64'"],
     "hardened usercopy stopped a bad copy"),
    (["BUG: kernel NULL pointer dereference, address: 0000000000000000",
      "#PF: supervisor write access in kernel mode",
      "RIP: 0010:hello_init+0x13/0x1000 [hello_1]"],
     "the kernel crashed: NULL pointer dereference in hello_init+0x13/0x1000 [hello_1]"),
    (["general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI"],
     "the kernel crashed: bad memory access"),
    (["watchdog: BUG: soft lockup - CPU#0 stuck for 11s! [insmod:104]"],
     "a CPU was stuck in the kernel"),
    (["INFO: task cat:130 blocked for more than 10 seconds."],
     "the hung-task detector saw a task blocked"),
    (["kernel BUG at lib/list_debug.c:54!"],
     "the kernel hit a BUG() at lib/list_debug.c:54!"),
    (["WARNING: CPU: 0 PID: 99 at kernel/workqueue.c:3066 __flush_work+0x2a/0x40"],
     "the kernel printed a WARNING"),
]

# Trouble the runner notes itself: a deadlock shows mutex frames in the
# stacks, and must not be called a lock-checker report.
NOTES = [
    (["the test was stopped after 30 s (too long, or stuck after an oops); its processes and kernel stacks:",
      "pid 120 (cat) state D", "    [<0>] __mutex_lock.constprop.0+0x14c/0x4a0",
      "    [<0>] reverse_read+0x2a/0x150 [reverse]"],
     "the test was stopped after 30 s (too long, or stuck after an oops)"),
    (["new kernel taint: W (tainted 0 -> 512)"], "new kernel taint: W"),
]


def diagnose(lines, note=False):
    ch = runner.Chapter("00-case")
    r = runner.Runner([ch], runner.Printer([ch.name]))
    if note:
        r.note(ch, lines[0], lines[1:])
    else:
        ch.trouble.append(len(r.console))
        r.console.extend("@@kmsg " + l for l in lines)
    return r.diagnosis(ch)


class ScriptedRunner(runner.Runner):
    """A runner whose "VM" prints the console lines of one script per boot."""

    def __init__(self, boots, *args):
        self.boots = list(boots)
        super().__init__(*args)

    def vm_command(self):
        return ["printf", "%s\\n"] + self.boots.pop(0)


PANIC = ["[    2.5] int3: 0000 [#1] PREEMPT_RT SMP NOPTI",
         "[    2.5] Kernel panic - not syncing: Fatal exception in interrupt"]
GOOD = ["@@wb begin 00-case", "1..1", "ok 1 - it works", "@@wb end 00-case",
        "@@wb done"]


def boot(boots):
    """Run the scripted boots; the chapter's results, and the output."""
    ch = runner.Chapter("00-case")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ScriptedRunner(boots, [ch], runner.Printer([ch.name])).run()
    return ch.counts(), out.getvalue()


n = failed = 0


def check(ok, desc, *why):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {desc}")
    if not ok:
        failed += 1
        for line in why:
            print(f"#   {line}")


for cases, note in ((CASES, False), (NOTES, True)):
    for lines, want in cases:
        got = diagnose(lines, note)
        check(got.startswith(want), f"diagnosis of \"{lines[0][:60]}\"",
              f"expected to start with: {want}", f"got:                    {got}")

# A kernel that dies before the first chapter is booted once more, and says so.
counts, out = boot([PANIC, GOOD])
check(counts[:2] == (2, 0) and "booting the VM once more" in out,
      "a VM whose kernel panics while booting is booted once more, and passes", *out.splitlines())
counts, out = boot([PANIC, PANIC])
check(counts[1] == 1 and "died while booting, again" in out,
      "... and fails when it panics on both boots", *out.splitlines())
counts, out = boot([["@@wb begin 00-case", "1..1"] + PANIC[1:]])
check(counts[1] and "once more" not in out,
      "a panic once a chapter began is that chapter's, and not retried", *out.splitlines())
print(f"1..{n}")
raise SystemExit(1 if failed else 0)
