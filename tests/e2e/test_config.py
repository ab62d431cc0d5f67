"""Configuration and command line: --check, bad configs, secrets files."""

import os
import re
from pathlib import Path

import pytest

from e2e_util import ADDR4, TOKEN, line_of, run_binary, write_file

VERSION_H = Path(__file__).resolve().parents[2] / "src" / "version.h"


def assert_config_error(world, r, key, needles):
    """Exit 2 and a stderr line naming file:line (one of needles' lines)
    and the key."""
    assert r.code == 2, r
    path = str(world.cfg_path)
    lines = [line_of(world.cfg_text, n) if isinstance(n, str) else n
             for n in needles]
    for l in r.err_lines():
        if key in l and any("%s:%d:" % (path, n) in l for n in lines):
            return
    raise AssertionError("no line with %s:%s: and %r\n%s" % (
        path, lines, key, r))


def test_check_ok_makes_no_request(world, closed_port):
    world.config(general={"ipv4": "%s https://127.0.0.1:%d/ip" % (
        world.echo.url("/ip"), closed_port)})
    r = world.run("--check")
    assert r.code == 0, r
    assert world.echo.total() == 0
    assert world.cf.requests == []
    assert world.state_bytes() is None


def test_check_ok_quiet_with_closed_ports(world, closed_port):
    world.config(general={"ipv4": "https://127.0.0.1:%d/ip" % closed_port},
                 account={"endpoint": "https://127.0.0.1:%d/client/v4"
                          % closed_port})
    r = world.run("--check")
    assert r.code == 0, r
    assert "error" not in r.err.lower(), r


# (account or general override, the key named, lines that may be blamed)
BAD = {
    "unknown_key": (dict(account={"colour": "blue"}), "colour",
                    ["colour ="]),
    "unknown_general_key": (dict(general={"bogus_opt": "1"}), "bogus_opt",
                            ["bogus_opt ="]),
    "unknown_provider": (dict(account={"provider": "nosuchdns"}),
                         "provider", ["provider ="]),
    "bad_type": (dict(account={"type": "MX"}), "type", ["type ="]),
    "bad_type_mixed": (dict(account={"type": "A CNAME"}), "type",
                       ["type ="]),
    "aaaa_with_ipv6_off": (dict(account={"type": "AAAA"}), "type",
                           ["type =", "ipv6 ="]),
    "missing_token": (dict(account={"token": None}), "token", ["[home]"]),
    "unset_var": (dict(account={"token": "${DDNS_E2E_UNSET_VAR}"}),
                  "token", ["token ="]),
    "token_and_token_file": (dict(account={"token_file": "/dev/null"}),
                             "token", ["token =", "token_file ="]),
    "timeout_abc": (dict(general={"timeout": "abc"}), "timeout",
                    ["timeout ="]),
    "timeout_negative": (dict(general={"timeout": "-3"}), "timeout",
                         ["timeout ="]),
    "bad_ttl": (dict(account={"ttl": "soon"}), "ttl", ["ttl ="]),
    "bad_proxied": (dict(account={"proxied": "perhaps"}), "proxied",
                    ["proxied ="]),
    "bad_allow_private": (dict(general={"allow_private": "maybe"}),
                          "allow_private", ["allow_private ="]),
    "bad_source": (dict(general={"ipv4": "ftp://127.0.0.1/ip"}), "ipv4",
                   ["ipv4 ="]),
    "no_records": (dict(account={"records": ""}), "records",
                   ["records =", "[home]"]),
    "bad_record_name": (dict(account={"records": "home..example.com"}),
                        "records", ["records ="]),
    "a_with_ipv4_off": (dict(general={"ipv4": "off"}), "type",
                        ["type =", "ipv4 ="]),
    "timeout_zero": (dict(general={"timeout": "0"}), "timeout",
                     ["timeout ="]),
    "empty_token": (dict(account={"token": ""}), "token",
                    ["token =", "[home]"]),
    "section_without_provider": (dict(extra="\n[other]\nrecords = "
                                      "x.example.com\n"), "provider",
                                 ["[other]"]),
    "missing_token_file": (dict(account={"token": None,
                                         "token_file": "/nonexistent/tok"}),
                           "token", ["token_file ="]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_config_exits_2_naming_file_line_key(world, case):
    over, key, lines = BAD[case]
    world.config(**over)
    r = world.run("--check")
    assert_config_error(world, r, key, lines)
    assert world.cf.requests == [] and world.echo.total() == 0


def test_unset_var_is_named(world):
    world.config(account={"token": "${DDNS_E2E_UNSET_VAR}"})
    r = world.run("--check")
    assert r.code == 2, r
    assert "DDNS_E2E_UNSET_VAR" in r.err, r


def test_bad_config_without_check_makes_no_request(world):
    world.config(account={"type": "MX"})
    r = world.run()
    assert r.code == 2, r
    assert world.cf.requests == [] and world.echo.total() == 0
    assert world.state_bytes() is None


def test_every_error_is_reported(world):
    world.config(general={"timeout": "abc"}, account={"ttl": "soon"})
    r = world.run("--check")
    assert_config_error(world, r, "timeout", ["timeout ="])
    assert_config_error(world, r, "ttl", ["ttl ="])


def test_missing_config_file(world):
    r = world.run("--check", config=world.dir / "nope.ini")
    assert r.code == 2, r
    assert "nope.ini" in r.err, r


def test_token_file_with_trailing_newline(world):
    tok = write_file(world.dir / "secret" / "token", TOKEN + "\n")
    world.config(account={"token": None, "token_file": str(tok),
                          "records": "home.example.com"})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.requests and all(q.auth_ok for q in world.cf.requests)
    assert world.cf.content("home.example.com") == ADDR4


def test_token_from_environment(world):
    world.config(account={"token": "${CF_API_TOKEN}",
                          "records": "home.example.com"})
    r = world.run(env=world.env(CF_API_TOKEN=TOKEN))
    assert r.code == 0, r
    assert all(q.auth_ok for q in world.cf.requests)
    assert world.cf.content("home.example.com") == ADDR4


def test_any_key_from_a_file(world):
    # K_file works for any key, not only secrets
    recs = write_file(world.dir / "records.txt",
                      "home.example.com nas.example.com\n")
    world.config(account={"records": None, "records_file": str(recs)})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content("home.example.com") == ADDR4
    assert world.cf.content("nas.example.com") == ADDR4


def test_world_readable_secret_config_warns(world):
    world.config(mode=0o644)
    r = world.run("--check")
    assert r.code == 0, r
    assert str(world.cfg_path) in r.err, r


def test_private_config_does_not_warn(world):
    world.config(mode=0o600)
    r = world.run("--check")
    assert r.code == 0, r
    assert r.err.strip() == "" or str(world.cfg_path) not in r.err, r


def test_help(world):
    r = world.run("--help")
    assert r.code == 0, r
    text = r.both
    assert "usage" in text.lower(), r
    for opt in ("--dry-run", "--force", "--check", "--quiet", "--verbose"):
        assert opt in text, (opt, r)
    # the exit codes are documented in --help
    assert re.search(r"\b0\b", text) and re.search(r"\b1\b", text) and \
        re.search(r"\b2\b", text), r


def test_version(world):
    r = world.run("--version")
    assert r.code == 0, r
    m = re.search(r'DDNS_VERSION\s+"([^"]+)"', VERSION_H.read_text()) \
        if VERSION_H.exists() else None
    want = m.group(1) if m else None
    if want:
        assert want in r.out, r
    else:
        assert re.search(r"\d+\.\d+", r.out), r


@pytest.mark.parametrize("args", [["--bogus-option"], ["-Z"], ["-c"]])
def test_usage_error_exits_2(world, args):
    world.config()
    if args == ["-c"]:     # -c without its argument
        r = run_binary(world.binary, args, world.env())
    else:
        r = world.run(*args)
    assert r.code == 2, r
    assert r.err.strip(), r
    assert world.cf.requests == [] and world.echo.total() == 0


def test_default_config_path(world):
    if os.geteuid() == 0:
        if os.path.exists("/etc/ddns-update.ini"):
            pytest.skip("/etc/ddns-update.ini exists on this machine")
        r = run_binary(world.binary, ["--check"], world.env())
        assert r.code == 2, r
        assert "/etc/ddns-update.ini" in r.err, r
        return
    cfg = world.home / ".config" / "ddns-update" / "ddns-update.ini"
    world.config(path=cfg)
    r = run_binary(world.binary, ["--check"], world.env())
    assert r.code == 0, r
