"""Logging: -q, journald priority prefixes, one clean line per event."""

import re

from e2e_util import ADDR4, ADDR4_B, ADDR4_C

HOME = "home.example.com"
PRIO = re.compile(r"^<([0-7])>")


def test_quiet_without_change_prints_nothing(world):
    world.config()
    assert world.run().code == 0
    assert world.published(HOME) == ADDR4
    r = world.run("-q")
    assert r.code == 0, r
    assert r.out == "" and r.err == "", r


def test_quiet_with_change_prints_nothing(world):
    world.config()
    assert world.run().code == 0
    world.echo.address = ADDR4_C
    r = world.run("-q")
    assert r.code == 0, r
    assert r.err == "", r
    assert world.cf.content(HOME) == ADDR4_C


def test_quiet_failure_prints_errors_only(world):
    world.config()
    world.cf.fault(status=500)
    r = world.run("-q")
    assert r.code == 1, r
    lines = r.err_lines()
    assert lines, r
    assert all(l.startswith("error: ") for l in lines), r


def test_normal_run_says_what_changed(world):
    world.cf.add_record(HOME, ADDR4_B)
    world.config()
    r = world.run()
    assert r.code == 0, r
    assert any(HOME in l for l in r.err_lines()), r
    assert not any(PRIO.match(l) for l in r.err_lines()), r


def test_journal_stream_prefixes(world):
    world.cf.add_record(HOME, ADDR4_B)
    world.config()
    r = world.run(env=world.env(JOURNAL_STREAM="1:2"))
    assert r.code == 0, r
    lines = r.err_lines()
    assert lines, r
    assert all(PRIO.match(l) for l in lines), r
    assert any(l.startswith("<6>") for l in lines), r
    assert not any(l.startswith("<3>") for l in lines), r


def test_journal_stream_error_prefix(world):
    world.config()
    world.cf.fault(status=500)
    r = world.run(env=world.env(JOURNAL_STREAM="1:2"))
    assert r.code == 1, r
    lines = r.err_lines()
    assert all(PRIO.match(l) for l in lines), r
    assert any(l.startswith("<3>") for l in lines), r


def test_journal_stream_verbose_debug_prefix(world):
    world.config()
    r = world.run("-v", env=world.env(JOURNAL_STREAM="1:2"))
    assert r.code == 0, r
    lines = r.err_lines()
    assert all(PRIO.match(l) for l in lines), r
    assert any(l.startswith("<7>") for l in lines), r


def test_control_bytes_from_server_are_scrubbed(world):
    world.config()
    world.cf.fault(status=400, body={"success": False, "errors": [
        {"code": 1004, "message": "bad\x1b[2J\x1b]0;owned\x07\rthing\nline"}],
        "messages": [], "result": None})
    r = world.run("-v")
    assert r.code == 1, r
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", r.both), repr(r.both)


def test_verbose_says_which_source_said_what(world):
    world.echo.address = ADDR4_C
    world.config(general={"ipv4": world.echo.url("/trace")})
    r = world.run("-v")
    assert r.code == 0, r
    assert any(world.echo.url("/trace") in l and ADDR4_C in l
               for l in r.err_lines()), r
