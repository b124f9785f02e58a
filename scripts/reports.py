#!/usr/bin/python3
"""Write the results of a test run as files that CI systems and other tools
read: JUnit XML (the test-report views of GitLab, GitHub and Jenkins) and
TAP. The runner (scripts/run-tests.py --report) only judges; this turns its
JSON into reports.

    reports.py RESULTS.json [OUT_DIR]
        write OUT_DIR/junit.xml and OUT_DIR/results.tap (OUT_DIR defaults to
        the folder of RESULTS.json) and print where they are
    reports.py --validate FILE.xml...
        check that each file is JUnit XML as those tools read it: well-formed,
        the elements and attributes the JUnit schema (Jenkins' junit-10.xsd)
        requires, and counts that agree with the test cases; prints what is
        wrong and exits 1 if anything is

One chapter is one <testsuite>; each of its checks, the runner's "the kernel
stayed healthy" included, is one <testcase>. A failed check's diagnostic
lines (expected, seen; for the health check the kernel's report) are its
failure text; a planned check that never ran is a failure of its own.
"""

import os
import re
import socket
import sys
import time
import xml.etree.ElementTree as ET

# XML 1.0 cannot hold most control characters; a console line can.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text):
    return NOT_XML.sub("?", str(text))


def suite_name(chapter, test):
    return chapter["name"] + ("" if test == "test" else f" ({test})")


def junit(results, suite_prefix=""):
    """The results as an ElementTree of <testsuites>."""
    test = results.get("test", "test")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    host = socket.gethostname() or "localhost"
    root = ET.Element("testsuites", name=clean(suite_prefix + "kernel-workbook"))
    totals = {"tests": 0, "failures": 0, "skipped": 0, "time": 0.0}
    for i, chapter in enumerate(results["chapters"]):
        checks = chapter["checks"]
        counts = {"tests": len(checks),
                  "failures": sum(c["status"] == "fail" for c in checks),
                  "skipped": sum(c["status"] == "skip" for c in checks),
                  "time": float(chapter.get("seconds") or 0.0)}
        name = clean(suite_prefix + suite_name(chapter, test))
        suite = ET.SubElement(root, "testsuite", name=name, id=str(i),
                              package=name, hostname=host, timestamp=stamp,
                              tests=str(counts["tests"]), failures=str(counts["failures"]),
                              errors="0", skipped=str(counts["skipped"]),
                              time=f"{counts['time']:.3f}")
        props = ET.SubElement(suite, "properties")
        for key in ("kernel", "release", "test"):
            ET.SubElement(props, "property", name=key, value=clean(results.get(key, "")))
        for check in checks:
            case = ET.SubElement(suite, "testcase", name=clean(check["name"]),
                                 classname=name, time=f"{float(check.get('seconds') or 0):.3f}")
            notes = [clean(n) for n in check.get("notes", [])]
            if check["status"] == "fail":
                failure = ET.SubElement(case, "failure", type="check",
                                        message=notes[0] if notes else clean(check["name"]))
                failure.text = "\n".join(notes) or "failed"
            elif check["status"] == "skip":
                ET.SubElement(case, "skipped", message=clean(check.get("reason", "")))
        out = ET.SubElement(suite, "system-out")
        if chapter.get("diagnosis"):
            out.text = clean("what happened: " + chapter["diagnosis"] + "\n" +
                             "\n\n".join("\n".join(e) for e in chapter.get("excerpts", [])))
        ET.SubElement(suite, "system-err")
        for key in totals:
            totals[key] += counts[key]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", f"{totals['time']:.3f}")
    return ET.ElementTree(root)


def tap(results):
    """The results as one TAP 13 stream: a line per check, the chapter's name
    first, the diagnostic lines under a failure as comments."""
    test = results.get("test", "test")
    lines, n = [], 0
    for chapter in results["chapters"]:
        lines.append(f"# {suite_name(chapter, test)}")
        for check in chapter["checks"]:
            n += 1
            desc = f"{chapter['name']}: {check['name']}".replace("#", "\\#")
            if check["status"] == "skip":
                lines.append(f"ok {n} - {desc} # SKIP {check.get('reason', '')}".rstrip())
            else:
                lines.append(f"{'ok' if check['status'] == 'ok' else 'not ok'} {n} - {desc}")
            if check["status"] == "fail":
                lines.extend(f"#   {note}" for note in check.get("notes", []))
    return "TAP version 13\n" + f"1..{n}\n" + "\n".join(lines) + "\n"


def write(results, out_dir, suite_prefix=""):
    """Write junit.xml and results.tap into out_dir; returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    xml_path = os.path.join(out_dir, "junit.xml")
    tap_path = os.path.join(out_dir, "results.tap")
    tree = junit(results, suite_prefix)
    ET.indent(tree)
    tree.write(xml_path + ".tmp", encoding="UTF-8", xml_declaration=True)
    os.replace(xml_path + ".tmp", xml_path)
    with open(tap_path + ".tmp", "w") as f:
        f.write(tap(results))
    os.replace(tap_path + ".tmp", tap_path)
    return xml_path, tap_path


# What Jenkins' junit-10.xsd requires, and GitLab's and GitHub's readers use.
SUITE_REQUIRED = ("name", "tests")
SUITE_NUMBERS = ("tests", "failures", "errors", "skipped")
CASE_REQUIRED = ("name", "classname")
CASE_CHILDREN = {"failure", "error", "skipped", "system-out", "system-err"}
SUITE_CHILDREN = {"properties", "testcase", "testsuite", "system-out", "system-err"}


def validate_junit(path):
    """Problems with the JUnit XML file at path, as a list of sentences."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        return [f"not well-formed XML: {e}"]
    problems = []
    if root.tag != "testsuites":
        return [f"the root element is <{root.tag}>, not <testsuites>"]
    suites = root.findall("testsuite")
    if not suites:
        problems.append("no <testsuite>")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        where = f"testsuite '{suite.get('name')}'"
        for attr in SUITE_REQUIRED:
            if suite.get(attr) is None:
                problems.append(f"{where} has no '{attr}' attribute")
        for attr in SUITE_NUMBERS:
            if suite.get(attr) is not None and not suite.get(attr).isdigit():
                problems.append(f"{where}: {attr}='{suite.get(attr)}' is not a count")
        for child in suite:
            if child.tag not in SUITE_CHILDREN:
                problems.append(f"{where} holds an unknown <{child.tag}>")
        tags = [c.tag for c in suite]
        if "properties" in tags and tags.index("properties") != 0:
            problems.append(f"{where}: <properties> is not its first child")
        seen = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in suite.findall("testcase"):
            seen["tests"] += 1
            for attr in CASE_REQUIRED:
                if not case.get(attr):
                    problems.append(f"{where} has a <testcase> without '{attr}'")
            try:
                float(case.get("time", "0"))
            except ValueError:
                problems.append(f"{where}: time='{case.get('time')}' is not a number")
            kinds = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
            if len(kinds) > 1:
                problems.append(f"{where}: testcase '{case.get('name')}' is both {' and '.join(kinds)}")
            for child in case:
                if child.tag not in CASE_CHILDREN:
                    problems.append(f"{where}: testcase '{case.get('name')}' holds an unknown <{child.tag}>")
                if child.tag in ("failure", "error") and child.get("message") is None:
                    problems.append(f"{where}: a <{child.tag}> of '{case.get('name')}' has no message")
            for kind, key in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
                seen[key] += kind in kinds
        for key, count in seen.items():
            said = suite.get(key)
            if said is not None and said.isdigit() and int(said) != count:
                problems.append(f"{where} says {key}={said}; its test cases make {count}")
            total[key] += count
        try:
            float(suite.get("time", "0"))
        except ValueError:
            problems.append(f"{where}: time='{suite.get('time')}' is not a number")
    for key, count in total.items():
        said = root.get(key)
        if said is not None and (not said.isdigit() or int(said) != count):
            problems.append(f"<testsuites> says {key}={said}; its suites make {count}")
    return problems


def main(argv):
    import json
    if argv[1:2] == ["--validate"] and argv[2:]:
        bad = 0
        for path in argv[2:]:
            problems = validate_junit(path)
            for p in problems:
                print(f"reports.py: {path}: {p}", file=sys.stderr)
            bad += bool(problems)
        return 1 if bad else 0
    if len(argv) not in (2, 3) or argv[1].startswith("-"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        results = json.load(f)
    xml_path, tap_path = write(results, argv[2] if len(argv) == 3 else
                               os.path.dirname(argv[1]) or ".")
    problems = validate_junit(xml_path)
    for p in problems:
        print(f"reports.py: {xml_path}: {p}", file=sys.stderr)
    print(f"Reports: {os.path.relpath(xml_path)} (JUnit), {os.path.relpath(tap_path)} (TAP)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
