"""Running the real binary: config files, runs, state files."""

import base64
import configparser
import os
import re
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

# A token shaped like a real one (40 characters of [A-Za-z0-9_-]).
TOKEN = "e2eTok_3nZx9QvR7mK2pL8wY4sD6fH1jN5bC0g-A"
# One with characters that percent-encoding and base64 change.
ODD_TOKEN = "e2e+S3cr3t/tok=en~with:odd&chars%2Bend"

ADDR4 = "93.184.216.34"
ADDR4_B = "93.184.216.35"
ADDR4_C = "93.184.216.36"
ADDR6 = "2606:2800:220:1::1"
ADDR6_B = "2606:2800:220:1::2"

RUN_TIMEOUT = 60
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@dataclass
class Result:
    code: int
    out: str
    err: str
    elapsed: float
    argv: list

    @property
    def both(self):
        return self.out + self.err

    def err_lines(self):
        return [l for l in self.err.splitlines() if l.strip()]

    def __str__(self):
        return ("argv: %s\nexit %d after %.2fs\n--- stdout\n%s--- stderr\n%s"
                % (" ".join(self.argv), self.code, self.elapsed, self.out,
                   self.err))


def clean_env(home):
    """An environment without proxies, journald or tokens leaking in."""
    env = {k: v for k, v in os.environ.items()
           if k in ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_STATE_HOME=str(home / ".local/state"),
               no_proxy="*", NO_PROXY="*")
    return env


def run_binary(binary, args, env, timeout=RUN_TIMEOUT):
    argv = [str(binary), *map(str, args)]
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, capture_output=True, env=env,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("%s did not end within %ss\nstderr: %s" % (
            argv, timeout, (e.stderr or b"").decode(errors="replace")))
    return Result(p.returncode, p.stdout.decode(errors="replace"),
                  p.stderr.decode(errors="replace"),
                  time.monotonic() - t0, argv)


def secret_forms(secret):
    """The forms of a secret that must never appear in output."""
    forms = {secret, urllib.parse.quote(secret, safe=""),
             urllib.parse.quote_plus(secret),
             base64.b64encode(secret.encode()).decode(),
             base64.urlsafe_b64encode(secret.encode()).decode(),
             base64.b64encode(secret.encode()).decode().rstrip("="),
             "Bearer " + secret}
    return sorted(forms)


def assert_no_secret(text, secret):
    for f in secret_forms(secret):
        assert f not in text, "secret leaked as %r in:\n%s" % (f, text)


def parse_state(text):
    """Parses a state file strictly; returns {section: {key: value}}."""
    cp = configparser.ConfigParser(interpolation=None, strict=True,
                                   delimiters=("=",),
                                   comment_prefixes=("#", ";"),
                                   inline_comment_prefixes=None,
                                   empty_lines_in_values=False,
                                   default_section="\x00none")
    cp.optionxform = str
    cp.read_string(text)
    return {s: dict(cp.items(s)) for s in cp.sections()}


def assert_only_forgotten(before, after):
    """After a run that failed with server or network trouble: the state
    (bytes) may forget a record's address -- the update may have been
    carried out with its reply lost -- but never claims a new one."""
    def claims(data):
        st = parse_state(data.decode()) if data else {}
        return {k: v.get("address") for k, v in st.items()
                if len(k.split()) == 3}
    b, a = claims(before), claims(after)
    for sec, addr in a.items():
        assert b.get(sec) == addr, "state claims %s for [%s], before %s" % (
            addr, sec, b.get(sec))


def rec_section(label, typ, name):
    return "%s %s %s" % (label, typ, name)


def write_file(path, text, mode=0o600):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
    return path


def line_of(text, needle):
    """Returns the 1-based number of the first line containing needle."""
    for i, l in enumerate(text.splitlines(), 1):
        if needle in l:
            return i
    raise AssertionError("%r not in config" % needle)
