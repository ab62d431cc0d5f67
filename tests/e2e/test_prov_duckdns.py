"""The real binary against the Duck DNS emulation (emu_dyndns2.py): names
of one account in one request, ip/ipv6, KO, the state after every run, and
the token never in the output (it travels in the URL's query, which -v
must not show)."""

import pytest

from emu_dyndns2 import DynEmulator, World
from e2e_util import ADDR4, ADDR4_B, ADDR6

TOKEN = "a7c4d2e1-e2e0-4bcd-9ef0-duck0token42"
ONE, TWO = "one.duckdns.org", "two.duckdns.org"


@pytest.fixture
def duck(server_ctx):
    srv = DynEmulator("127.0.0.1", server_ctx).start()
    srv.set_duck(TOKEN, "one", "two")
    yield srv
    srv.stop()


@pytest.fixture
def w(tmp_path, binary, pki, echo, duck):
    return World(tmp_path, binary, pki, echo, duck, "duck", {
        "provider": "duckdns", "token": TOKEN, "records": "%s %s" % (ONE, TWO),
        "type": "A", "endpoint": duck.url("/duck/update")}, [TOKEN])


def test_update_leave_alone_change(w):
    w.config()
    r = w.run("-v")
    assert r.code == 0, r
    assert w.emu.count() == 1
    q = w.emu.last().query
    assert q["domains"] == "one,two" and q["ip"] == ADDR4
    assert "ipv6" not in q
    assert w.emu.last().headers["user-agent"].startswith("ddns-update/")
    assert w.emu.addr(ONE) == ADDR4 and w.emu.addr(TWO) == ADDR4
    assert w.published(ONE) == ADDR4 and w.published(TWO) == ADDR4
    assert "token=" not in r.both and "domains=" not in r.both

    w.emu.reset_log()
    r = w.run()
    assert r.code == 0, r
    assert w.emu.count() == 0

    w.echo.address = ADDR4_B
    r = w.run()
    assert r.code == 0, r
    assert w.emu.count() == 1
    assert w.published(ONE) == ADDR4_B and w.emu.addr(TWO) == ADDR4_B


def test_ko(w):
    w.config(records="one.duckdns.org three.duckdns.org")
    r = w.run()
    assert r.code == 1, r
    assert w.emu.count() == 1
    assert "KO" in r.err and "check token and records" in r.err
    assert w.published(ONE) is None
    assert w.emu.addr(ONE) is None


def test_bad_token(w):
    w.config(token="not-the-token")
    w.secrets.append("not-the-token")
    r = w.run("-v")
    assert r.code == 1, r
    assert w.published(ONE) is None


def test_server_trouble_backs_off(w):
    w.config()
    w.emu.queue("busy", status=503, headers={"Retry-After": "600"})
    r = w.run()
    assert r.code == 1, r
    assert w.backoff() is not None
    w.emu.reset_log()
    r = w.run()
    assert r.code == 1, r
    assert w.emu.count() == 0


def test_dual_stack(w, echo6):
    w.config(type="A AAAA", general={"ipv6": echo6.url("/ip")})
    r = w.run()
    assert r.code == 0, r
    assert w.emu.count() == 1
    q = w.emu.last().query
    assert q["ip"] == ADDR4 and q["ipv6"] == ADDR6
    assert w.published(TWO, "AAAA") == ADDR6


def test_check_names(w):
    w.config(records="home.example.com")
    r = w.run("--check")
    assert r.code == 2, r
    assert "NAME.duckdns.org" in r.err
    assert w.emu.count() == 0
