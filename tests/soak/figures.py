#!/usr/bin/env python3
"""Keeps the figures in docs/reliability.md up to date.

Each make target of mk/hardening.mk ends by calling this with what it
measured; the figures go to OUT/KIND.json and into the doc's block

    <!-- figures:KIND begin -->  ...  <!-- figures:KIND end -->

which is rewritten in place (the other blocks are left as they were, so
the doc keeps the latest figures of every kind). Kinds:

  asan      --unit-log LOG --junit XML... --reports DIR --seconds S
  valgrind  --unit-programs N --junit XML --reports DIR --seconds S
  fuzz      --results DIR          (tests/fuzz/run.sh's TARGET.json files)
  faults    --junit XML --seconds S --build NAME
  soak      --json FILE            (tests/soak/soak.py's summary)
"""

import argparse
import datetime
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC")


def junit_counts(paths):
    """Returns {tests, failures, errors, skipped, xfailed} over files."""
    c = dict(tests=0, failures=0, errors=0, skipped=0, xfailed=0,
             seconds=0.0)
    for p in paths:
        if not os.path.exists(p):
            continue
        root = ET.parse(p).getroot()
        suites = [root] if root.tag == "testsuite" else root.iter(
            "testsuite")
        for s in suites:
            for k in ("tests", "failures", "errors", "skipped"):
                c[k] += int(s.get(k, 0))
            c["seconds"] += float(s.get("time", 0))
            for tc in s.iter("testcase"):
                sk = tc.find("skipped")
                if sk is not None and (sk.get("type") ==
                                       "pytest.xfail"):
                    c["xfailed"] += 1
    return c


def junit_cases(path):
    """Returns [(classname, name, outcome)] of a junit file."""
    out = []
    if not os.path.exists(path):
        return out
    for tc in ET.parse(path).getroot().iter("testcase"):
        outcome = "passed"
        for tag in ("failure", "error", "skipped"):
            e = tc.find(tag)
            if e is not None:
                outcome = "xfailed" if (tag == "skipped" and e.get(
                    "type") == "pytest.xfail") else tag
        out.append((tc.get("classname", ""), tc.get("name", ""), outcome))
    return out


def count_reports(d):
    if not d or not os.path.isdir(d):
        return 0
    n = 0
    for f in glob.glob(os.path.join(d, "*")):
        if os.path.getsize(f) > 0:
            n += 1
    return n


def unit_totals(log):
    if not log or not os.path.exists(log):
        return 0, 0
    m = None
    with open(log, errors="replace") as f:
        for line in f:
            mm = re.match(r"^unit: (\d+) passed, (\d+) failed", line)
            if mm:
                m = mm
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


# --- rendering --------------------------------------------------------------

def two_columns(first, head, rows):
    """A paragraph, then a two-column table of rows (already "| a | b |")."""
    return "\n".join([first, "", "| what | %s |" % head,
                      "|---|%s|" % ("---:" if head == "count" else "---")]
                     + rows)


def render_asan(d):
    j = d["junit"]
    return two_columns(
        "Last run: %s, %d s in all." % (d["when"], d["seconds"]), "result", [
        "| unit checks (every tests/unit program) | %d passed, %d failed |"
        % (d["unit_passed"], d["unit_failed"]),
        "| end-to-end and fault tests (pytest) | %d run, %d failed, "
        "%d errors, %d skipped, %d xfailed |"
        % (j["tests"], j["failures"], j["errors"],
           j["skipped"] - j["xfailed"], j["xfailed"]),
        "| sanitizer reports (ASan, UBSan, LeakSanitizer) | **%d** |"
        % d["reports"],
    ])


def render_valgrind(d):
    j = d["junit"]
    return two_columns(
        "Last run: %s, %d s in all." % (d["when"], d["seconds"]), "result", [
        "| unit test programs under memcheck | %d |" % d["unit_programs"],
        "| end-to-end tests of the subset | %d run, %d failed, %d errors |"
        % (j["tests"], j["failures"], j["errors"]),
        "| memcheck reports with errors or definite/indirect leaks | "
        "**%d** |" % d["reports"],
    ])


def render_fuzz(d):
    rows = ["Last run: %s, %d s per target (a budget of 0 replays the seeds "
            "and regressions only)." % (d["when"], d["budget"]), "",
            "| target | executions | seconds | coverage (edges) | seeds | "
            "regressions | result |",
            "|---|---:|---:|---:|---:|---:|---|"]
    tot_exec = tot_sec = 0
    for r in d["targets"]:
        rows.append("| %s | %s | %d | %d | %d | %d | %s |" % (
            r["target"], "{:,}".format(r["execs"]), r["seconds"], r["cov"],
            r["seeds"], r["regressions"], r["status"]))
        tot_exec += r["execs"]
        tot_sec += r["seconds"]
    rows.append("| **all %d** | **%s** | **%d** | | | | **%s** |" % (
        len(d["targets"]), "{:,}".format(tot_exec), tot_sec,
        "ok" if all(r["status"] == "ok" for r in d["targets"])
        else "FAILED"))
    return "\n".join(rows)


def render_faults(d):
    rows = ["Last run: %s, on the %s build, %d s." % (
        d["when"], d["build"], d["seconds"]), "",
        "| group | faults tried | passed | xfailed (known bugs) | failed |",
        "|---|---:|---:|---:|---:|"]
    for g, c in sorted(d["groups"].items()):
        rows.append("| %s | %d | %d | %d | %d |" % (
            g, c["tried"], c["passed"], c["xfailed"], c["failed"]))
    t = d["total"]
    rows.append("| **all** | **%d** | **%d** | **%d** | **%d** |" % (
        t["tried"], t["passed"], t["xfailed"], t["failed"]))
    return "\n".join(rows)


def render_soak(d):
    kinds = ", ".join("%s %d" % (k, n) for k, n in
                      sorted(d["fault_kinds"].items()) if k != "none")
    return two_columns(
        "Last run: %s, seed %s, %d s; providers %s, %d records." % (
            d["when"], d["seed"], d["seconds"], ", ".join(d["providers"]),
            d["records"]), "count", [
            "| runs of the binary with chaos (one calm run follows) | %d of "
            "%d%s |" % (d["runs"], d["runs_wanted"],
                        " (**budget ran out**)" if d["out_of_time"] else ""),
            "| runs that exited 0 / 1 / otherwise (the calm one included) | "
            "%d / %d / %d |" % (d["exit0"], d["exit1"], d["exit_other"]),
            "| public address changes | %d |" % d["address_changes"],
            "| requests to the providers | %d |" % d["requests"],
            "| provider faults injected (%s) | %d |" % (kinds, d["faults"]),
            "| records checked after a run | %d |" % d["checks"],
            "| **violations** (state claiming what the provider does not "
            "hold, duplicates, exit 0 with a stale record, bad exit, hang) "
            "| **%d** |" % d["violations"],
            "| state, provider and address agree after the calm run | %s |"
            % ("yes" if d["final_agree"] else "**no**"),
        ])


RENDER = {"asan": render_asan, "valgrind": render_valgrind,
          "fuzz": render_fuzz, "faults": render_faults, "soak": render_soak}


def update_doc(doc, kind, text):
    begin = "<!-- figures:%s begin -->" % kind
    end = "<!-- figures:%s end -->" % kind
    if not os.path.exists(doc):
        print("figures: no %s; not updated" % doc, file=sys.stderr)
        return
    with open(doc) as f:
        s = f.read()
    i, j = s.find(begin), s.find(end)
    if i < 0 or j < i:
        print("figures: %s has no %s block; not updated" % (doc, kind),
              file=sys.stderr)
        return
    s = s[:i + len(begin)] + "\n" + text + "\n" + s[j:]
    with open(doc, "w") as f:
        f.write(s)


# --- per kind ---------------------------------------------------------------

def kind_asan(a):
    up, uf = unit_totals(a.unit_log)
    return dict(when=now(), seconds=a.seconds, unit_passed=up,
                unit_failed=uf, junit=junit_counts(a.junit),
                reports=count_reports(a.reports))


def kind_valgrind(a):
    return dict(when=now(), seconds=a.seconds,
                unit_programs=a.unit_programs, junit=junit_counts(a.junit),
                reports=count_reports(a.reports))


def kind_fuzz(a):
    targets = []
    for p in sorted(glob.glob(os.path.join(a.results, "*.json"))):
        with open(p) as f:
            targets.append(json.load(f))
    budget = max([t["budget"] for t in targets] or [0])
    return dict(when=now(), budget=budget, targets=targets)


def fault_group(classname):
    mod = classname.split(".")[-1]
    return mod[5:] if mod.startswith("test_") else mod


def kind_faults(a):
    groups = {}
    total = dict(tried=0, passed=0, xfailed=0, failed=0)
    for cls, name, outcome in junit_cases(a.junit[0]):
        g = groups.setdefault(fault_group(cls), dict(
            tried=0, passed=0, xfailed=0, failed=0))
        if outcome == "skipped":
            continue
        key = {"passed": "passed", "xfailed": "xfailed"}.get(outcome,
                                                           "failed")
        for c in (g, total):
            c["tried"] += 1
            c[key] += 1
    return dict(when=now(), seconds=a.seconds, build=a.build,
                groups=groups, total=total)


def kind_soak(a):
    if not a.json or not os.path.exists(a.json):
        print("figures: no soak summary %s; not updated" % a.json,
              file=sys.stderr)
        sys.exit(0)
    with open(a.json) as f:
        d = json.load(f)
    d.setdefault("when", now())
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=sorted(RENDER))
    ap.add_argument("--out", default="build/figures")
    ap.add_argument("--doc", default="docs/reliability.md")
    ap.add_argument("--unit-log")
    ap.add_argument("--junit", nargs="*", default=[])
    ap.add_argument("--reports")
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--unit-programs", type=int, default=0)
    ap.add_argument("--results")
    ap.add_argument("--build", default="normal")
    ap.add_argument("--json")
    a = ap.parse_args()
    data = globals()["kind_" + a.kind](a)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, a.kind + ".json"), "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    update_doc(a.doc, a.kind, RENDER[a.kind](data))
    print("figures: %s updated in %s" % (a.kind, a.doc))


if __name__ == "__main__":
    main()
