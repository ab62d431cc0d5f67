"""End-to-end tests of "ddns-update schedule" against the real binary.

Self-contained (its own fixtures). The binary comes from $DDNS_UPDATE.
Install/uninstall run against fake schtasks/systemctl/crontab/launchctl
(tests/e2e/fakebin) put first on PATH; they record every call and keep a
pretend state, so idempotence and "foreign crontab lines survive" are
checked on what the tools were really asked to do. Each format's output is
also checked by an independent parser: xmllint against the Task Scheduler
XSD, systemd-analyze verify, a cron-line parser, plistlib.
"""

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
import plistlib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TOP = HERE.parents[1]
FAKEBIN = HERE / "fakebin"
XSD = TOP.parent / "shared" / "schemas" / "task-scheduler-v2.xsd"
TASK_NS = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"
MARK = "#ddns-update:schedule"
TIMEOUT = 30

# Characters each format treats specially, in a config file name.
ODD_NAMES = [
    "with space",
    "it's \"quoted\"",
    "ünïcødé 配置 😀",
    "100% $HOME `x` a\\b; & <tag>",
]


# --- fixtures -------------------------------------------------------------


@pytest.fixture(scope="session")
def ddns():
    b = os.environ.get("DDNS_UPDATE") or str(TOP / "ddns-update")
    if not (os.path.isfile(b) and os.access(b, os.X_OK)):
        pytest.fail("DDNS_UPDATE=%s is not an executable; build it first "
                    "(make e2e does)" % b, pytrace=False)
    return os.path.abspath(b)


class Box:
    """A temp world: fake tools first on PATH, a HOME, unit/plist dirs."""

    def __init__(self, root, ddns):
        self.root = root
        self.ddns = ddns
        self.bin = root / "fakebin"
        shutil.copytree(FAKEBIN, self.bin)
        for f in self.bin.iterdir():
            f.chmod(0o755)
        self.state = root / "state"
        self.state.mkdir()
        self.log = root / "calls.log"
        self.home = root / "home"
        self.home.mkdir()
        self.units = root / "units"
        self.agents = root / "launchd"
        self.config = root / "ddns-update.ini"
        self.config.write_text("[general]\n")
        self.env = {
            "PATH": "%s:%s" % (self.bin, os.environ.get("PATH",
                                                         "/usr/bin:/bin")),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "FAKE_LOG": str(self.log),
            "FAKE_STATE": str(self.state),
            "DDNS_UPDATE_SYSTEMD_DIR": str(self.units),
            "DDNS_UPDATE_LAUNCHD_DIR": str(self.agents),
            "TMPDIR": str(root),
        }

    def run(self, *args, exe=None, cwd=None, env=None):
        e = dict(self.env)
        e.update(env or {})
        return subprocess.run([exe or self.ddns, "schedule", *args],
                              cwd=str(cwd or self.root), env=e,
                              capture_output=True, text=True,
                              timeout=TIMEOUT)

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        assert r.returncode == 0, r.stderr
        return r

    def calls(self):
        """Every recorded call as a list of argv lists (and forgets them)."""
        if not self.log.exists():
            return []
        lines = self.log.read_text().splitlines()
        self.log.unlink()
        return [ln.split("\t") for ln in lines]

    def odd_exe(self, dirname):
        """A link to the binary inside a directory with an odd name."""
        d = self.root / dirname
        d.mkdir(parents=True, exist_ok=True)
        link = d / "ddns-update"
        if not link.exists():
            link.symlink_to(self.ddns)
        return str(link)

    def odd_config(self, name):
        d = self.root / ("cfg " + name)
        d.mkdir(parents=True, exist_ok=True)
        c = d / (name + ".ini")
        c.write_text("[general]\n")
        return str(c)


@pytest.fixture
def box(tmp_path, ddns):
    return Box(tmp_path, ddns)


# --- independent parsers ----------------------------------------------------


def win_split(s):
    """Splits a Windows command line as the Microsoft C runtime does."""
    args, i, n = [], 0, len(s)
    while True:
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            return args
        cur, inq = [], False
        while i < n and (inq or s[i] not in " \t"):
            if s[i] == "\\":
                j = i
                while j < n and s[j] == "\\":
                    j += 1
                if j < n and s[j] == '"':
                    cur.append("\\" * ((j - i) // 2))
                    if (j - i) % 2:
                        cur.append('"')
                        j += 1
                else:
                    cur.append("\\" * (j - i))
                i = j
            elif s[i] == '"':
                if inq and i + 1 < n and s[i + 1] == '"':
                    cur.append('"')
                    i += 2
                else:
                    inq = not inq
                    i += 1
            else:
                cur.append(s[i])
                i += 1
        args.append("".join(cur))


C_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
             "t": "\t", "v": "\v", "\\": "\\", '"': '"', "'": "'", "s": " "}


def systemd_split(line):
    """Splits an ExecStart= value per systemd.service(5)/systemd.syntax(7):
    %% specifiers, quoted words with C escapes, then $$ in arguments."""
    assert re.search(r"%[^%]", line.replace("%%", "")) is None, line
    line = line.replace("%%", "%")
    words, i, n = [], 0, len(line)
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            break
        cur, quote = [], None
        if line[i] in "\"'":
            quote = line[i]
            i += 1
        while i < n:
            c = line[i]
            if quote and c == quote:
                i += 1
                assert i >= n or line[i] in " \t", line
                break
            if not quote and c in " \t":
                break
            if c == "\\":
                cur.append(C_ESCAPES[line[i + 1]])
                i += 2
                continue
            cur.append(c)
            i += 1
        words.append("".join(cur))
    for k in range(1, len(words)):
        assert re.search(r"\$[^$]", words[k].replace("$$", "")) is None
        words[k] = words[k].replace("$$", "$")
    return words


CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def cron_field(f, lo, hi):
    """Expands one cron time field (*, N, */N) into its set of values."""
    if f == "*":
        return set(range(lo, hi + 1))
    m = re.fullmatch(r"\*/(\d+)", f)
    if m:
        step = int(m.group(1))
        assert 1 <= step <= hi, f
        return set(range(lo, hi + 1, step))
    assert re.fullmatch(r"\d+", f) and lo <= int(f) <= hi, f
    return {int(f)}


def cron_command(cmd):
    """Applies cron's % rule (\\% is %, a bare % ends the command) and
    splits the rest as /bin/sh would, dropping the trailing comment."""
    out, i = [], 0
    while i < len(cmd):
        if cmd[i] == "\\" and i + 1 < len(cmd) and cmd[i + 1] == "%":
            out.append("%")
            i += 2
            continue
        assert cmd[i] != "%", "unescaped %% in cron command: %s" % cmd
        out.append(cmd[i])
        i += 1
    return shlex.split("".join(out), comments=True, posix=True)


def parse_crontab(text):
    """Returns (minutes of the day the job runs, argv, reboot argv)."""
    periodic = reboot = None
    for line in text.splitlines():
        assert line.endswith(" " + MARK), line
        if line.startswith("#"):
            continue
        if line.startswith("@reboot "):
            reboot = cron_command(line[len("@reboot "):])
            continue
        fields = line.split(None, 5)
        sets = [cron_field(f, *r) for f, r in zip(fields[:5], CRON_RANGES)]
        assert sets[2:] == [cron_field("*", *r) for r in CRON_RANGES[2:]]
        periodic = (sorted(h * 60 + m for h in sets[1] for m in sets[0]),
                    cron_command(fields[5]))
    return periodic[0], periodic[1], reboot


def gaps(minutes):
    """The gaps between runs over a day, wrapping around midnight."""
    return {(b - a) % 1440 or 1440
            for a, b in zip(minutes, minutes[1:] + minutes[:1])}


def xmllint_xsd(path):
    if not XSD.is_file():
        pytest.skip("no Task Scheduler schema at %s" % XSD)
    if shutil.which("xmllint") is None:
        pytest.skip("xmllint is not installed")
    r = subprocess.run(["xmllint", "--noout", "--schema", str(XSD),
                        str(path)], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr


def foreign_unit_line(line):
    """True for a verify message about a unit the machine ships, not ours.

    systemd-analyze --user loads the machine's user units too (gnupg's
    sockets, say); what it says about them says nothing about our units.
    """
    head = line.split(":", 1)[0].strip()
    if "ddns-update" in line or not head:
        return False
    unit_name = re.fullmatch(r"[\w@.\\-]+\.(socket|service|timer|target|"
                             r"path|slice|mount|scope)", head)
    return bool(unit_name) or head.startswith(("/usr/lib/systemd/",
                                               "/lib/systemd/",
                                               "/etc/systemd/"))


def verify_units(d, user=False):
    """systemd-analyze verify on the units in d; skips when it cannot run."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    env = dict(os.environ)
    args = ["systemd-analyze"]
    with tempfile.TemporaryDirectory(prefix="rt", dir="/tmp") as rt:
        if user:
            # a short runtime dir: the machine's user sockets live under it
            # and a socket path has a 108-byte limit
            os.chmod(rt, 0o700)
            env["XDG_RUNTIME_DIR"] = rt
            args.append("--user")
        args += ["verify", "./ddns-update.service", "./ddns-update.timer"]
        r = subprocess.run(args, cwd=str(d), env=env, capture_output=True,
                           text=True, timeout=TIMEOUT)
    if "Failed to initialize manager" in r.stderr:
        pytest.skip("systemd-analyze cannot run here: %s" % r.stderr.strip())
    ours = [ln for ln in r.stderr.splitlines()
            if ln.strip() and not foreign_unit_line(ln)]
    assert r.returncode == 0 and ours == [], r.stderr


def test_foreign_unit_lines_are_told_apart():
    assert foreign_unit_line("gpg-agent-browser.socket: Unit has no Listen")
    assert foreign_unit_line("/usr/lib/systemd/user/x.socket:6: Failed")
    assert not foreign_unit_line("ddns-update.service: Command is not "
                                 "executable")
    assert not foreign_unit_line("/tmp/u/ddns-update.timer:3: Unknown key")
    assert not foreign_unit_line("Failed to load unit")


# --- printing and options ---------------------------------------------------


@pytest.mark.parametrize("fmt", ["windows", "systemd", "cron", "launchd"])
def test_prints_job_with_absolute_paths(box, fmt):
    r = box.ok(fmt, "-c", "ddns-update.ini", env={"USERNAME": "jo"})
    assert box.ddns in r.stdout
    assert str(box.config) in r.stdout
    assert "-q" in r.stdout
    assert box.calls() == []
    assert not box.units.exists() and not box.agents.exists()


def test_default_interval_is_5m(box):
    assert "OnUnitActiveSec=5min\n" in box.ok("systemd", "-c",
                                               str(box.config)).stdout
    assert "\n*/5 * * * * " in box.ok("cron", "-c", str(box.config)).stdout


def test_option_spellings_agree(box):
    a = box.ok("cron", "--every", "10m", "-c", str(box.config)).stdout
    assert a == box.ok("cron", "--every=10m", "--config",
                       str(box.config)).stdout
    assert a == box.ok("--every=10m", "cron", "--config=ddns-update.ini",
                       ).stdout
    assert a == box.ok("cron", "--every", "10m", "-cddns-update.ini").stdout
    assert "*/10 * * * *" in a


@pytest.mark.parametrize("fmt,every,want", [
    ("windows", "1m", "<Interval>PT1M</Interval>"),
    ("windows", "5m", "<Interval>PT5M</Interval>"),
    ("windows", "7m", "<Interval>PT7M</Interval>"),
    ("windows", "90m", "<Interval>PT1H30M</Interval>"),
    ("windows", "2h", "<Interval>PT2H</Interval>"),
    ("windows", "30s", "!whole minutes"),
    ("systemd", "1m", "OnUnitActiveSec=1min\n"),
    ("systemd", "5m", "OnUnitActiveSec=5min\n"),
    ("systemd", "7m", "OnUnitActiveSec=7min\n"),
    ("systemd", "90m", "OnUnitActiveSec=90min\n"),
    ("systemd", "2h", "OnUnitActiveSec=2h\n"),
    ("systemd", "45s", "OnUnitActiveSec=45s\n"),
    ("cron", "1m", "\n* * * * * "),
    ("cron", "5m", "\n*/5 * * * * "),
    ("cron", "7m", "!4-minute gap"),
    ("cron", "90m", "!whole hours dividing 24"),
    ("cron", "2h", "\n0 */2 * * * "),
    ("cron", "30s", "!whole minutes"),
    ("launchd", "1m", "<integer>60</integer>"),
    ("launchd", "5m", "<integer>300</integer>"),
    ("launchd", "7m", "<integer>420</integer>"),
    ("launchd", "90m", "<integer>5400</integer>"),
    ("launchd", "2h", "<integer>7200</integer>"),
])
def test_intervals(box, fmt, every, want):
    r = box.run(fmt, "--every", every, "-c", str(box.config))
    if want.startswith("!"):    # a refusal: exit 2, the reason, no output
        assert r.returncode == 2 and r.stdout == ""
        assert want[1:] in r.stderr
    else:
        assert r.returncode == 0, r.stderr
        assert want in r.stdout


@pytest.mark.parametrize("every", ["5", "0m", "25h", "5d", "-5m", "1.5h"])
def test_bad_every(box, every):
    r = box.run("systemd", "--every", every, "-c", str(box.config))
    assert r.returncode == 2 and "--every" in r.stderr and r.stdout == ""


@pytest.mark.parametrize("args,msg", [
    ([], "FORMAT"),
    (["upstart"], "unknown format"),
    (["cron", "--frobnicate"], "unknown option"),
    (["cron", "--every"], "needs a value"),
    (["cron", "--install", "--uninstall"], "exclude"),
    (["cron", "--uninstall", "--output", "x"], "--output"),
    (["cron", "systemd"], "unexpected argument"),
])
def test_usage_errors(box, args, msg):
    r = box.run(*args)
    assert r.returncode == 2 and msg in r.stderr
    assert box.calls() == []


def test_missing_config_is_a_config_error(box):
    r = box.run("systemd", "-c", "nope.ini")
    assert r.returncode == 2
    assert str(box.root / "nope.ini") in r.stderr


def test_help(box):
    r = box.ok("--help")
    assert "usage: ddns-update schedule FORMAT" in r.stdout


def test_output_writes_the_named_files(box):
    out = box.root / "out"
    for fmt, names in [("systemd", ["ddns-update.service",
                                    "ddns-update.timer"]),
                       ("cron", ["ddns-update.cron"]),
                       ("launchd", ["ddns-update.plist"]),
                       ("windows", ["ddns-update.xml"])]:
        r = box.ok(fmt, "-c", str(box.config), "--output", str(out))
        assert r.stdout == ""
        for n in names:
            assert (out / n).is_file()
    assert box.calls() == []


# --- Windows ----------------------------------------------------------------


def test_windows_xml_validates_utf8_and_utf16(box):
    printed = box.ok("windows", "-c", str(box.config)).stdout
    (box.root / "printed.xml").write_text(printed, encoding="utf-8")
    xmllint_xsd(box.root / "printed.xml")
    box.ok("windows", "-c", str(box.config), "--output", str(box.root))
    raw = (box.root / "ddns-update.xml").read_bytes()
    assert raw[:2] == b"\xff\xfe"
    text = raw[2:].decode("utf-16-le")
    assert text.startswith('<?xml version="1.0" encoding="UTF-16"?>\n')
    assert text == printed.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    xmllint_xsd(box.root / "ddns-update.xml")


def task(xml_text):
    return ET.fromstring(xml_text.encode("utf-8"))


def test_windows_task_settings(box):
    t = task(box.ok("windows", "-c", str(box.config)).stdout)
    n = TASK_NS
    assert t.find(f"{n}Triggers/{n}BootTrigger/{n}Delay").text == "PT1M"
    rep = t.find(f"{n}Triggers/{n}TimeTrigger/{n}Repetition")
    assert rep.find(f"{n}Interval").text == "PT5M"
    assert rep.find(f"{n}Duration") is None          # indefinitely
    assert t.find(f"{n}Triggers/{n}TimeTrigger/{n}StartBoundary") is not None
    p = t.find(f"{n}Principals/{n}Principal")
    assert p.find(f"{n}UserId").text == "S-1-5-18"  # SYSTEM
    s = t.find(f"{n}Settings")
    assert s.find(f"{n}MultipleInstancesPolicy").text == "IgnoreNew"
    assert s.find(f"{n}StartWhenAvailable").text == "true"
    assert s.find(f"{n}DisallowStartIfOnBatteries").text == "false"
    assert s.find(f"{n}StopIfGoingOnBatteries").text == "false"
    assert s.find(f"{n}RunOnlyIfNetworkAvailable").text == "false"
    assert s.find(f"{n}ExecutionTimeLimit").text == "PT10M"


def test_windows_user_task_runs_logged_on_or_not(box):
    r = box.ok("windows", "--user", "-c", str(box.config),
               env={"USERNAME": "José", "USERDOMAIN": "DESKTOP-1"})
    t = task(r.stdout)
    n = TASK_NS
    p = t.find(f"{n}Principals/{n}Principal")
    assert p.find(f"{n}UserId").text == "DESKTOP-1\\José"
    assert p.find(f"{n}LogonType").text == "S4U"    # no stored password
    r = box.run("windows", "--user", "-c", str(box.config))
    assert r.returncode == 2 and "USERNAME" in r.stderr


@pytest.mark.parametrize("name", [n for n in ODD_NAMES if '"' not in n
                                  and "%" not in n] + ["O'Brien & <Co>"])
def test_windows_arguments_round_trip(box, name):
    cfg = box.odd_config(name)
    exe = box.odd_exe("bin dir ü")
    text = box.ok("windows", "-c", cfg, exe=exe).stdout
    (box.root / "t.xml").write_text(text, encoding="utf-8")
    xmllint_xsd(box.root / "t.xml")
    ex = task(text).find(f"{TASK_NS}Actions/{TASK_NS}Exec")
    cmd = ex.find(f"{TASK_NS}Command").text
    assert win_split(cmd) == [exe]
    assert win_split(ex.find(f"{TASK_NS}Arguments").text) == ["-q", "-c",
                                                               cfg]


def test_windows_refuses_what_it_cannot_carry(box):
    for name in ["a\"b", "50%"]:
        r = box.run("windows", "-c", box.odd_config(name))
        assert r.returncode == 2 and "windows:" in r.stderr


# --- systemd ----------------------------------------------------------------


def exec_start(service):
    lines = [ln for ln in service.splitlines()
             if ln.startswith("ExecStart=")]
    assert len(lines) == 1
    return systemd_split(lines[0][len("ExecStart="):])


@pytest.mark.parametrize("user", [False, True])
def test_systemd_units_verify(box, user):
    d = box.root / "u"
    args = ["systemd", "-c", str(box.config), "--output", str(d)]
    box.ok(*args + (["--user"] if user else []))
    svc = (d / "ddns-update.service").read_text()
    assert exec_start(svc) == [box.ddns, "-q", "-c", str(box.config)]
    assert "Type=oneshot\n" in svc
    assert ("StateDirectory=ddns-update\n" in svc) == (not user)
    assert ("After=network-online.target\n" in svc) == (not user)
    assert ("ProtectSystem=strict\n" in svc) == (not user)
    assert "NoNewPrivileges=yes\n" in svc
    assert "#LoadCredential=" in svc
    tmr = (d / "ddns-update.timer").read_text()
    for line in ["OnBootSec=1min", "OnUnitActiveSec=5min",
                 "WantedBy=timers.target"]:
        assert line + "\n" in tmr
    verify_units(d, user)


@pytest.mark.parametrize("name", ODD_NAMES)
def test_systemd_odd_paths(box, name):
    exe = box.odd_exe("bin 100% $HOME ü;x")
    cfg = box.odd_config(name)
    d = box.root / "u"
    box.ok("systemd", "-c", cfg, "--output", str(d), exe=exe)
    assert exec_start((d / "ddns-update.service").read_text()) == \
        [exe, "-q", "-c", cfg]
    verify_units(d)


def test_systemd_refuses_exe_it_will_not_run(box):
    exe = box.odd_exe("it's")
    r = box.run("systemd", "-c", str(box.config), exe=exe)
    assert r.returncode == 2 and "systemd:" in r.stderr


# --- cron ---------------------------------------------------------------------


@pytest.mark.parametrize("every,gap", [("1m", 1), ("5m", 5), ("20m", 20),
                                       ("1h", 60), ("2h", 120),
                                       ("24h", 1440)])
def test_cron_lines_parse_and_are_honest(box, every, gap):
    text = box.ok("cron", "--every", every, "-c", str(box.config)).stdout
    minutes, argv, reboot = parse_crontab(text)
    assert gaps(minutes) == {gap}
    assert argv == [box.ddns, "-q", "-c", str(box.config)]
    assert reboot == ["sleep", "60", "&&"] + argv


@pytest.mark.parametrize("name", ODD_NAMES)
def test_cron_odd_paths(box, name):
    exe = box.odd_exe("bin 100% $HOME ü it's")
    cfg = box.odd_config(name)
    _, argv, reboot = parse_crontab(box.ok("cron", "-c", cfg,
                                           exe=exe).stdout)
    assert argv == [exe, "-q", "-c", cfg]
    assert reboot[3:] == argv


# --- launchd ----------------------------------------------------------------


@pytest.mark.parametrize("name", ODD_NAMES)
def test_launchd_plist(box, name):
    cfg = box.odd_config(name)
    text = box.ok("launchd", "-c", cfg).stdout
    p = plistlib.loads(text.encode("utf-8"))
    assert p["ProgramArguments"] == [box.ddns, "-q", "-c", cfg]
    assert p["StartInterval"] == 300 and p["RunAtLoad"] is True
    assert p["StandardErrorPath"] == "/var/log/ddns-update.log"
    if shutil.which("plutil"):
        f = box.root / "p.plist"
        f.write_text(text, encoding="utf-8")
        assert subprocess.run(["plutil", "-lint", str(f)],
                              timeout=TIMEOUT).returncode == 0


def test_launchd_user_agent_logs_in_home(box):
    p = plistlib.loads(box.ok("launchd", "--user", "-c",
                              str(box.config)).stdout.encode("utf-8"))
    assert p["StandardOutPath"] == str(box.home /
                                       "Library/Logs/ddns-update.log")


# --- install / uninstall ------------------------------------------------------


FOREIGN = ("MAILTO=me@example.org\n# my backup\n"
           "0 3 * * * /usr/local/bin/backup --all\n")


def test_cron_round_trip_keeps_foreign_lines(box):
    tab = box.state / "crontab"
    tab.write_text(FOREIGN)
    cfg = ["-c", str(box.config)]
    box.ok("cron", "--install", *cfg)
    assert box.calls() == [["crontab", "-l"], ["crontab", "-"]]
    after = tab.read_text()
    assert after.startswith(FOREIGN)
    ours = after[len(FOREIGN):]
    assert ours == box.ok("cron", *cfg).stdout
    box.calls()
    # again: nothing to change, so the crontab is not rewritten
    box.ok("cron", "--install", *cfg)
    assert box.calls() == [["crontab", "-l"]]
    assert tab.read_text() == after
    # a new interval replaces our lines, in place
    box.ok("cron", "--install", "--every", "10m", *cfg)
    assert tab.read_text().startswith(FOREIGN)
    assert tab.read_text().count(MARK) == 3
    assert "*/10 * * * *" in tab.read_text()
    box.calls()
    box.ok("cron", "--uninstall")
    assert tab.read_text() == FOREIGN
    assert box.calls() == [["crontab", "-l"], ["crontab", "-"]]
    box.ok("cron", "--uninstall")
    assert box.calls() == [["crontab", "-l"]]
    assert tab.read_text() == FOREIGN


def test_cron_install_without_crontab_and_failing_read(box):
    tab = box.state / "crontab"
    box.ok("cron", "--install", "-c", str(box.config))
    assert tab.read_text().count(MARK) == 3
    box.ok("cron", "--uninstall")
    assert tab.read_text() == ""
    box.calls()
    tab.write_text(FOREIGN)
    r = box.run("cron", "--install", "-c", str(box.config),
                env={"FAKE_CRONTAB_L_FAIL": "1"})
    assert r.returncode == 1 and "crontab -l" in r.stderr
    assert box.calls() == [["crontab", "-l"]]
    assert tab.read_text() == FOREIGN


@pytest.mark.parametrize("user", [False, True])
def test_systemd_round_trip(box, user):
    u = ["--user"] if user else []
    sc = ["systemctl"] + u
    box.ok("systemd", "--install", "-c", str(box.config), *u)
    assert box.calls() == [sc + ["daemon-reload"],
                           sc + ["enable", "--now", "ddns-update.timer"]]
    ref = box.root / "ref"
    box.ok("systemd", "-c", str(box.config), "--output", str(ref), *u)
    for n in ["ddns-update.service", "ddns-update.timer"]:
        assert (box.units / n).read_text() == (ref / n).read_text()
    box.ok("systemd", "--install", "-c", str(box.config), *u)
    assert len(box.calls()) == 2
    enabled = box.state / ("enabled-%sddns-update.timer" %
                           ("user-" if user else ""))
    assert enabled.exists()
    box.ok("systemd", "--uninstall", *u)
    assert box.calls() == [sc + ["disable", "--now", "ddns-update.timer"],
                           sc + ["daemon-reload"]]
    assert sorted(os.listdir(box.units)) == []
    assert not enabled.exists()
    box.ok("systemd", "--uninstall", *u)
    assert box.calls() == []


def test_windows_round_trip(box):
    box.ok("windows", "--install", "-c", str(box.config))
    calls = box.calls()
    assert len(calls) == 1
    xml = calls[0][3]
    assert calls[0] == ["schtasks", "/Create", "/XML", xml, "/TN",
                        "ddns-update", "/F"]
    assert not os.path.exists(xml)              # the temp file is gone
    got = box.state / "task-ddns-update.xml"
    assert got.read_bytes()[:2] == b"\xff\xfe"
    xmllint_xsd(got)
    box.ok("windows", "--install", "-c", str(box.config))
    assert [c[1] for c in box.calls()] == ["/Create"]
    box.ok("windows", "--uninstall")
    assert box.calls() == [["schtasks", "/Query", "/TN", "ddns-update"],
                           ["schtasks", "/Delete", "/TN", "ddns-update",
                            "/F"]]
    assert not got.exists()
    box.ok("windows", "--uninstall")
    assert box.calls() == [["schtasks", "/Query", "/TN", "ddns-update"]]


def test_windows_install_with_output_keeps_the_file(box):
    out = box.root / "out"
    box.ok("windows", "--install", "--output", str(out), "-c",
           str(box.config))
    assert box.calls()[0][3] == str(out / "ddns-update.xml")
    assert (out / "ddns-update.xml").read_bytes() == \
        (box.state / "task-ddns-update.xml").read_bytes()


@pytest.mark.parametrize("user", [False, True])
def test_launchd_round_trip(box, user):
    u = ["--user"] if user else []
    dom = "gui/%d" % os.getuid() if user else "system"
    plist = str(box.agents / "ddns-update.plist")
    loaded = box.state / ("loaded-%s-ddns-update" % dom.replace("/", "_"))
    box.ok("launchd", "--install", "-c", str(box.config), *u)
    assert box.calls() == [["launchctl", "bootout", dom + "/ddns-update"],
                           ["launchctl", "bootstrap", dom, plist]]
    assert loaded.read_bytes() == Path(plist).read_bytes()
    box.ok("launchd", "--install", "-c", str(box.config), *u)
    assert box.calls() == [["launchctl", "bootout", dom + "/ddns-update"],
                           ["launchctl", "bootstrap", dom, plist]]
    box.ok("launchd", "--uninstall", *u)
    assert box.calls() == [["launchctl", "bootout", dom + "/ddns-update"]]
    assert not os.path.exists(plist) and not loaded.exists()
    box.ok("launchd", "--uninstall", *u)
    assert box.calls() == []


@pytest.mark.parametrize("fmt,reads", [
    ("windows", []), ("systemd", []), ("launchd", []),
    ("cron", [["crontab", "-l"]])])
def test_dry_run_changes_nothing(box, fmt, reads):
    (box.state / "crontab").write_text(FOREIGN)
    r = box.ok(fmt, "--install", "--dry-run", "-c", str(box.config))
    assert box.calls() == reads
    assert not box.units.exists() and not box.agents.exists()
    assert (box.state / "crontab").read_text() == FOREIGN
    assert list(box.state.iterdir()) == [box.state / "crontab"]
    want = {"windows": "schtasks /Create /XML ",
            "systemd": "systemctl enable --now ddns-update.timer",
            "launchd": "launchctl bootstrap system ",
            "cron": "crontab - <<'EOF'\n" + FOREIGN}[fmt]
    assert want in r.stdout


def test_dry_run_uninstall(box):
    box.ok("systemd", "--install", "-c", str(box.config))
    box.calls()
    r = box.ok("systemd", "--uninstall", "--dry-run")
    assert box.calls() == []
    assert "systemctl disable --now ddns-update.timer" in r.stdout
    assert (box.units / "ddns-update.timer").exists()
