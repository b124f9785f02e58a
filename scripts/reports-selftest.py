#!/usr/bin/python3
"""Check the reports make check writes and the classroom CI templates
(CI runs it). Prints TAP.

    reports-selftest.py [JUNIT.xml...]

  * results with every kind of check (ok, failed with diagnostic lines, a
    skip, planned checks that never ran, a kernel report, characters XML
    cannot hold, a '#') become JUnit XML that is well-formed and has what
    the JUnit schema requires, with the right counts and failure texts, and
    TAP with the right plan and lines;
  * the validator itself rejects broken reports (a test case without a
    classname, counts that disagree, a file that is not XML);
  * each JUNIT.xml given (e.g. build/reports/junit.xml from a real
    'make check') is valid;
  * classroom/github/grade.yml and classroom/gitlab-ci.yml parse as YAML and
    run make check-all on Debian 12, publish build/reports/junit.xml even
    when the check fails, and (GitHub) hand /dev/kvm to the container.
"""
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import reports  # noqa: E402

TOP = os.path.dirname(HERE)
n = 0


def check(ok, desc, *why):
    global n
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {desc}")
    if not ok:
        for line in why:
            print(f"#   {line}")
    return ok


RESULTS = {
    "kernel": "6.1", "release": "6.1.0-test", "test": "test",
    "chapters": [
        {"name": "10-linked-list", "seconds": 2.5, "plan": 4, "diagnosis": None, "excerpts": [],
         "checks": [
             {"name": "the view lists 1..10", "status": "ok", "notes": [], "seconds": 0.1},
             {"name": "sum is 55 # not a directive", "status": "fail", "seconds": 0.2,
              "notes": ["expected: 55", "got:      54 \x1b[31m<tag>&"]},
             {"name": "debugfs is there", "status": "skip", "reason": "no debugfs",
              "notes": [], "seconds": 0.0},
             {"name": "check 4 (it never ran)", "status": "fail", "notes": [], "seconds": 0.0},
             {"name": "the kernel stayed healthy", "status": "fail", "seconds": 0.0,
              "notes": ["what happened: the kernel crashed (oops)", "| BUG: kernel NULL pointer"]}]},
        {"name": "01-hello", "seconds": 1.0, "plan": 1, "diagnosis": "the kernel crashed (oops)",
         "excerpts": [["BUG: kernel NULL pointer dereference", "RIP: 0010:hello_init"]],
         "checks": [{"name": "loads", "status": "ok", "notes": [], "seconds": 0.5}]},
    ]}


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        xml_path, tap_path = reports.write(RESULTS, tmp)
        problems = reports.validate_junit(xml_path)
        check(not problems, "JUnit XML from every kind of check is valid", *problems)
        root = ET.parse(xml_path).getroot()
        suites = root.findall("testsuite")
        first = suites[0] if suites else ET.Element("testsuite")
        check([s.get("name") for s in suites] == ["10-linked-list", "01-hello"] and
              [len(s.findall("testcase")) for s in suites] == [5, 1],
              "one testsuite per chapter, one testcase per check")
        check((root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "3", "1") and
              (first.get("failures"), first.get("skipped")) == ("3", "1"),
              "the counts: 6 tests, 3 failures, 1 skipped",
              f"got tests={root.get('tests')} failures={root.get('failures')} skipped={root.get('skipped')}")
        failure = first.find("testcase[@name='sum is 55 # not a directive']/failure")
        check(failure is not None and failure.get("message") == "expected: 55" and
              "got:      54 ?[31m<tag>&" in (failure.text or ""),
              "a failure's message and text are its diagnostic lines (control characters replaced)",
              f"got: {failure is not None and (failure.get('message'), failure.text)}")
        health = first.find("testcase[@name='the kernel stayed healthy']/failure")
        check(health is not None and "NULL pointer" in (health.text or ""),
              "the health check's failure text holds the kernel's report")
        skipped = first.find("testcase[@name='debugfs is there']/skipped")
        check(skipped is not None and skipped.get("message") == "no debugfs",
              "a skip is <skipped> with its reason")
        out = suites[1].findtext("system-out") if len(suites) > 1 else ""
        check("hello_init" in (out or "") and "the kernel crashed" in (out or ""),
              "a chapter's diagnosis and kernel excerpts are its system-out")
        with open(tap_path) as f:
            tap = f.read().splitlines()
        check(tap[:2] == ["TAP version 13", "1..6"] and
              sum(l.startswith("ok ") for l in tap) == 3 and
              sum(l.startswith("not ok ") for l in tap) == 3,
              "TAP: version, plan 1..6, 3 ok and 3 not ok", *tap[:3])
        check("ok 3 - 10-linked-list: debugfs is there # SKIP no debugfs" in tap and
              "not ok 2 - 10-linked-list: sum is 55 \\# not a directive" in tap and
              "#   expected: 55" in tap,
              "TAP: a skip is '# SKIP reason', a '#' in a name is escaped, diagnostics follow",
              *[l for l in tap if re.match(r"(not )?ok [23] ", l)])

        # The validator must be able to fail.
        broken = []
        tree = ET.parse(xml_path)
        tree.getroot().find("testsuite/testcase").attrib.pop("classname")
        tree.write(os.path.join(tmp, "a.xml"))
        broken.append(("a test case without a classname", "a.xml"))
        tree = ET.parse(xml_path)
        tree.getroot().find("testsuite").set("failures", "0")
        tree.write(os.path.join(tmp, "b.xml"))
        broken.append(("a suite whose failures disagree with its cases", "b.xml"))
        with open(os.path.join(tmp, "c.xml"), "w") as f:
            f.write("<testsuites><testsuite name='x' tests='1'>")
        broken.append(("a file that is not well-formed", "c.xml"))
        for what, name in broken:
            check(reports.validate_junit(os.path.join(tmp, name)) != [],
                  f"the validator rejects {what}")

    for path in argv[1:]:
        problems = reports.validate_junit(path)
        check(not problems, f"{os.path.relpath(path)} is valid JUnit XML", *problems)

    def load(rel):
        try:
            with open(os.path.join(TOP, rel)) as f:
                return yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            check(False, f"{rel} parses as YAML", str(e))
            return None

    gh = load("classroom/github/grade.yml")
    if gh is not None:
        on = gh.get("on", gh.get(True)) or {}      # YAML 1.1 reads 'on' as true
        steps = [s for job in (gh.get("jobs") or {}).values() for s in job.get("steps", [])]
        runs = "\n".join(s.get("run", "") for s in steps)
        junit = [s for s in steps if "junit" in s.get("uses", "")]
        check("push" in on and "make check-all" in runs and "debian:12" in runs,
              "GitHub: each push runs make check-all in Debian 12")
        check(junit and junit[0].get("with", {}).get("report_paths") == "build/reports/junit.xml"
              and junit[0].get("if") == "always()" and
              (gh.get("permissions") or {}).get("checks") == "write",
              "GitHub: the JUnit report is published, also when the check fails")
        check("/dev/kvm" in runs and "--device=/dev/kvm" in runs,
              "GitHub: the container gets /dev/kvm when the runner has it")
    gl = load("classroom/gitlab-ci.yml")
    if gl is not None:
        jobs = [j for k, j in gl.items() if isinstance(j, dict) and "script" in j]
        job = jobs[0] if jobs else {}
        artifacts = job.get("artifacts") or {}
        check(str(job.get("image", "")).startswith("debian:12") and
              "make check-all" in job.get("script", []),
              "GitLab: a job runs make check-all in Debian 12")
        check((artifacts.get("reports") or {}).get("junit") == "build/reports/junit.xml" and
              artifacts.get("when") == "always",
              "GitLab: the JUnit report is published, also when the check fails")
    print(f"1..{n}")


if __name__ == "__main__":
    main(sys.argv)
