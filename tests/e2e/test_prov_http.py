"""The real binary with the generic "http" provider against a hook on the
emulator (emu_dyndns2.py): placeholders in url, body and headers with
their encodings, the success text, errors and the back-off, the state
after every run, and the token never in the output."""

import json

import pytest

from emu_dyndns2 import DynEmulator, World
from e2e_util import ADDR4, ADDR4_B

TOKEN = "hook+T0ken/with=odd&chars"
HOME, NAS = "home.example.com", "nas.example.com"


@pytest.fixture
def hook(server_ctx):
    srv = DynEmulator("127.0.0.1", server_ctx).start()
    yield srv
    srv.stop()


@pytest.fixture
def w(tmp_path, binary, pki, echo, hook):
    return World(tmp_path, binary, pki, echo, hook, "hook", {
        "provider": "http", "token": TOKEN, "records": "%s %s" % (HOME, NAS),
        "type": "A",
        "url": hook.url("/hook") + "?token={token}&host={name}&ip={ip}"},
        [TOKEN])


def test_get_then_nothing_then_change(w):
    w.config()
    r = w.run("-v")
    assert r.code == 0, r
    assert w.emu.count() == 2
    for c, name in zip(w.emu.calls, (HOME, NAS)):
        assert c.method == "GET"
        assert c.query == {"token": TOKEN, "host": name, "ip": ADDR4}
        assert "%2B" in c.raw_query and "%2F" in c.raw_query
        assert c.headers["user-agent"].startswith("ddns-update/")
    assert w.published(HOME) == ADDR4 and w.published(NAS) == ADDR4
    assert "token=" not in r.both

    w.emu.reset_log()
    assert w.run().code == 0
    assert w.emu.count() == 0

    w.echo.address = ADDR4_B
    assert w.run().code == 0
    assert w.emu.count() == 2
    assert w.emu.last().query["ip"] == ADDR4_B


def test_post_json_with_headers_and_success(w):
    w.emu.hook_reply = (200, '{"result":"updated"}')
    w.config(url=w.emu.url("/hook"),
             body='{"name":"{name}","ip":"{ip}","type":"{type}"}',
             headers="Authorization: Bearer {token}; X-Record: {name}",
             success='"updated"')
    r = w.run()
    assert r.code == 0, r
    c = w.emu.last()
    assert c.method == "POST"
    assert json.loads(c.body) == {"name": NAS, "ip": ADDR4, "type": "A"}
    assert c.headers["content-type"] == "application/json"
    assert c.headers["authorization"] == "Bearer " + TOKEN
    assert c.headers["x-record"] == NAS


def test_form_body_and_basic_auth(w):
    w.config(url=w.emu.url("/hook"), method="PUT",
             body="ip={ip}&token={token}", username="bob",
             password="pw-secret")
    w.secrets.append("pw-secret")
    r = w.run()
    assert r.code == 0, r
    c = w.emu.last()
    assert c.method == "PUT"
    assert c.body.decode() == "ip=%s&token=hook%%2BT0ken%%2Fwith%%3Dodd%%26" \
        "chars" % ADDR4
    assert (c.user, c.password) == ("bob", "pw-secret")


def test_success_text_missing(w):
    w.emu.hook_reply = (200, "KO")
    w.config(success="OK")
    r = w.run()
    assert r.code == 1, r
    assert "does not contain the success text" in r.err
    assert w.published(HOME) is None


def test_rate_limited_backs_off(w):
    w.emu.queue("slow down", status=429, headers={"Retry-After": "900"})
    w.config()
    r = w.run()
    assert r.code == 1, r
    assert w.emu.count() == 1, "the second record is not sent"
    assert w.backoff() is not None
    w.emu.reset_log()
    r = w.run()
    assert r.code == 1, r
    assert w.emu.count() == 0
    r = w.run("--force")
    assert r.code == 0, r
    assert w.emu.count() == 2
    assert w.backoff() is None


def test_config_errors(w):
    w.config(url=w.emu.url("/hook") + "?z={zone}")
    r = w.run("--check")
    assert r.code == 2, r
    assert "unknown placeholder {zone}" in r.err

    w.config(url="http://127.0.0.1:1/hook")
    r = w.run("--check")
    assert r.code == 2, r
    assert "insecure_http" in r.err
