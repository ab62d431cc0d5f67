"""The real binary against the Namecheap emulation (emu_dyndns2.py): the
host/domain split, the XML reply and its errors, one request per record,
the state after every run, and the password never in the output."""

import pytest

from emu_dyndns2 import DynEmulator, World
from e2e_util import ADDR4, ADDR4_B

PASS = "0123456789abcdef0123456789abcdef"
APEX, HOME = "example.com", "home.example.com"


@pytest.fixture
def nc(server_ctx):
    srv = DynEmulator("127.0.0.1", server_ctx).start()
    srv.add_namecheap(APEX, PASS, APEX, HOME)
    yield srv
    srv.stop()


@pytest.fixture
def w(tmp_path, binary, pki, echo, nc):
    return World(tmp_path, binary, pki, echo, nc, "nc", {
        "provider": "namecheap", "domain": APEX, "password": PASS,
        "records": "%s %s" % (HOME, APEX), "type": "A",
        "endpoint": nc.url("/nc/update")}, [PASS])


def test_update_leave_alone_change(w):
    w.config()
    r = w.run("-v")
    assert r.code == 0, r
    assert [(c.query["host"], c.query["domain"]) for c in w.emu.calls] == \
        [("home", APEX), ("@", APEX)]
    assert all(c.query["ip"] == ADDR4 for c in w.emu.calls)
    assert w.emu.addr(HOME) == ADDR4 and w.emu.addr(APEX) == ADDR4
    assert w.published(HOME) == ADDR4 and w.published(APEX) == ADDR4
    assert "password=" not in r.both

    w.emu.reset_log()
    assert w.run().code == 0
    assert w.emu.count() == 0

    w.echo.address = ADDR4_B
    r = w.run()
    assert r.code == 0, r
    assert w.emu.count() == 2
    assert w.published(HOME) == ADDR4_B


def test_wrong_password(w):
    w.config(password="f" * 32)
    w.secrets.append("f" * 32)
    r = w.run()
    assert r.code == 1, r
    assert w.emu.count() == 1, "the second record is not sent"
    assert "Passwords do not match" in r.err
    assert "Dynamic DNS password" in r.err
    assert w.published(HOME) is None and w.published(APEX) is None


def test_missing_record(w):
    w.config(records="%s www.example.com" % HOME)
    r = w.run()
    assert r.code == 1, r
    assert w.published(HOME) == ADDR4
    assert w.published("www.example.com") is None
    assert "A record not Found" in r.err


def test_aaaa_refused_at_load(w):
    w.config(type="A AAAA", general={"ipv6": "https://127.0.0.1:1/ip"})
    r = w.run("--check")
    assert r.code == 2, r
    assert "IPv4 only" in r.err


def test_record_outside_domain(w):
    w.config(records="home.example.org")
    r = w.run("--check")
    assert r.code == 2, r
    assert "is not example.com or a name in it" in r.err
