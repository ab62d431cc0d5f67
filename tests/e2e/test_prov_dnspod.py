"""The real binary against the Tencent Cloud DNSPod emulator
(emu_dnspod.py): create, leave alone, update with one request, the domain
found by walking up the name and cached, zone/TTL/line, IPv6, stale record
ids, verify mode, every error class with its exit code, and no secret in
the output. The emulator checks every TC3-HMAC-SHA256 signature itself; the
first test checks that checker against Tencent's published example."""

import hashlib
import re

import pytest

from emu_dnspod import DnspodEmulator, canonical_request, signature
from e2e_util import (ADDR4, ADDR4_B, ADDR4_C, ADDR6, RUN_TIMEOUT,
                      assert_no_secret, clean_env, parse_state, rec_section,
                      run_binary, write_file)

SECRET_ID = "AKIDe2eDnspodTestId0123456789abcdef"
SECRET_KEY = "e2eTc3/Secr3t+Key=with~odd%2Bchars"
HOME, APEX, NAS = "home.example.com", "example.com", "nas.example.com"
LABEL = "tencent"
DEFAULT_LINE = "默认"


@pytest.fixture
def dp(server_ctx):
    srv = DnspodEmulator("127.0.0.1", server_ctx, SECRET_ID,
                         SECRET_KEY).start()
    yield srv
    srv.stop()


class DpWorld:
    """One test's files, emulator and runs of the binary."""

    def __init__(self, tmp, binary, pki, echo, dp):
        self.binary, self.pki, self.echo, self.dp = binary, pki, echo, dp
        self.home = tmp / "home"
        self.home.mkdir()
        self.state_path = tmp / "var" / "state.ini"
        self.cfg_path = tmp / "ddns.ini"

    def config(self, general=None, **account):
        g = {"state_file": str(self.state_path), "timeout": "5",
             "ca_file": str(self.pki.ca), "ipv4": self.echo.url("/ip"),
             "ipv6": "off"}
        g.update(general or {})
        a = {"provider": "dnspod", "secret_id": SECRET_ID,
             "secret_key": SECRET_KEY, "records": "%s %s" % (HOME, APEX),
             "type": "A", "endpoint": self.dp.base}
        a.update(account)
        lines = ["[general]"]
        lines += ["%s = %s" % kv for kv in g.items() if kv[1] is not None]
        lines += ["", "[%s]" % LABEL]
        lines += ["%s = %s" % kv for kv in a.items() if kv[1] is not None]
        write_file(self.cfg_path, "\n".join(lines) + "\n")

    def run(self, *args):
        r = run_binary(self.binary, ["-c", self.cfg_path, *args],
                       clean_env(self.home), RUN_TIMEOUT)
        assert_no_secret(r.both, SECRET_KEY)
        assert "Signature=" not in r.both and "TC3-HMAC" not in r.both, r
        return r

    def state(self):
        if not self.state_path.exists():
            return {}
        return parse_state(self.state_path.read_text())

    def rec(self, name, typ="A"):
        return self.state().get(rec_section(LABEL, typ, name))

    def published(self, name, typ="A"):
        r = self.rec(name, typ)
        return r.get("address") if r else None

    def cache(self):
        return self.state().get(LABEL, {})

    def value(self, name, typ="A", domain="example.com", line=DEFAULT_LINE):
        recs = self.dp.find(domain, name, typ, line)
        assert len(recs) <= 1, recs
        return recs[0]["Value"] if recs else None


@pytest.fixture
def world(tmp_path, binary, pki, echo, dp):
    dp.add_domain("example.com")
    return DpWorld(tmp_path, binary, pki, echo, dp)


def assert_all_signed(dp):
    assert dp.calls, "no request reached the emulator"
    bad = [(c.action, c.code) for c in dp.calls if not c.signed_ok]
    assert bad == [], bad


def lists(dp):
    return [(c.params["Domain"], c.params["Subdomain"]) for c in dp.calls
            if c.action == "DescribeRecordList"]


# --------------------------------------------------------------------------
# The checker itself

@pytest.mark.parametrize("key,signed,action,creq_hash,sig", [
    ("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", ["content-type", "host"], None,
     "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031",
     "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"),
    ("Gu5t9xGARNpq86cd98joQYCN3*******",
     ["content-type", "host", "x-tc-action"], "DescribeInstances",
     "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84",
     "be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3"),
])
def test_emulator_checker_reproduces_published_vectors(key, signed, action,
                                                       creq_hash, sig):
    """Tencent's TC3 example (CVM DescribeInstances) through the
    emulator's own canonical request and signature code."""
    body = (b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"],'
            b' "Name": "instance-name"}]}')
    assert hashlib.sha256(body).hexdigest() == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
    hdrs = {"content-type": "application/json; charset=utf-8",
            "host": "cvm.tencentcloudapi.com"}
    if action:
        hdrs["x-tc-action"] = action
    creq = canonical_request("POST", "/", "", hdrs, signed, body)
    assert hashlib.sha256(creq.encode()).hexdigest() == creq_hash
    assert signature(key, "2019-02-25", "cvm", 1551113065, creq) == sig


# --------------------------------------------------------------------------
# The life of a record

def test_create_leave_alone_update(world):
    dp = world.dp
    world.config()
    r = world.run()
    assert r.code == 0, r
    assert_all_signed(dp)
    # home: its own name is no domain, example.com is; the apex then uses
    # the cached domain straight away.
    assert lists(dp) == [(HOME, "@"), (APEX, "home"), (APEX, "@")]
    assert dp.calls[0].code == "InvalidParameter.DomainInvalid"
    creates = [c for c in dp.calls if c.action == "CreateRecord"]
    assert len(creates) == 2 and len(dp.calls) == 5, dp.actions()
    assert {c.params["SubDomain"] for c in creates} == {"home", "@"}
    for c in creates:
        p = c.params
        assert p["Domain"] == "example.com" and p["RecordType"] == "A"
        assert p["Value"] == ADDR4 and p["RecordLine"] == DEFAULT_LINE
        assert "TTL" not in p and "RecordId" not in p, p
        assert c.headers["x-tc-version"] == "2021-03-23"
        assert c.headers["host"] == "127.0.0.1:%d" % dp.port
        assert c.signed == "content-type;host;x-tc-action"
    assert world.value("home") == ADDR4 and world.value("@") == ADDR4
    st = world.state()
    for name, sub in ((HOME, "home"), (APEX, "@")):
        sec = st[rec_section(LABEL, "A", name)]
        assert sec["address"] == ADDR4, sec
        assert sec["record_id"] == str(dp.find("example.com", sub)[0][
            "RecordId"]), sec
        assert sec["domain"] == "example.com", sec
    assert world.cache().get("zone.example.com") == "example.com", st

    # Nothing changed: not one request to the provider.
    dp.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert dp.calls == []
    assert world.published(HOME) == ADDR4

    # A new address: one ModifyRecord per record, nothing else.
    world.echo.address = ADDR4_B
    r = world.run()
    assert r.code == 0, r
    assert dp.actions() == ["ModifyRecord"] * 2, dp.actions()
    assert_all_signed(dp)
    for c in dp.calls:
        assert isinstance(c.params["RecordId"], int), c.params
        assert c.params["Value"] == ADDR4_B
    assert world.value("home") == ADDR4_B and world.value("@") == ADDR4_B
    assert world.published(HOME) == ADDR4_B
    assert world.published(APEX) == ADDR4_B
    assert world.rec(HOME)["record_id"] == st[rec_section(
        LABEL, "A", HOME)]["record_id"]


def test_zone_ttl_line(world):
    dp = world.dp
    old = dp.add_record("example.com", "home", "A", ADDR4_B, ttl=600,
                        line="电信")
    dp.add_record("example.com", "home", "A", ADDR4_C, line=DEFAULT_LINE)
    world.config(zone="Example.com", ttl="300", record_line="电信",
                 records="%s %s" % (HOME, NAS))
    r = world.run()
    assert r.code == 0, r
    assert_all_signed(dp)
    assert lists(dp) == [(APEX, "home"), (APEX, "nas")]
    assert sorted(dp.actions()) == sorted(["DescribeRecordList"] * 2 +
                                          ["ModifyRecord", "CreateRecord"])
    home = dp.find("example.com", "home", "A", "电信")
    assert home[0]["Value"] == ADDR4 and home[0]["TTL"] == 300
    assert home[0]["RecordId"] == old
    assert world.value("home") == ADDR4_C      # another line: untouched
    nas = dp.find("example.com", "nas")
    assert len(nas) == 1 and nas[0]["Line"] == "电信", nas
    assert nas[0]["TTL"] == 300 and nas[0]["Value"] == ADDR4
    for c in dp.calls:
        assert c.params["RecordLine"] == "电信", c
    assert world.rec(HOME)["record_id"] == str(old)
    assert world.rec(HOME)["ttl"] == "300"


def test_existing_record_already_right(world):
    dp = world.dp
    rid = dp.add_record("example.com", "home", "A", ADDR4, ttl=120)
    world.config(zone="example.com", records=HOME)
    r = world.run()
    assert r.code == 0, r
    assert dp.actions() == ["DescribeRecordList"]
    assert world.rec(HOME)["record_id"] == str(rid)
    assert world.published(HOME) == ADDR4

    # Its TTL is kept when the address changes (none configured).
    world.echo.address = ADDR4_B
    dp.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert dp.actions() == ["ModifyRecord"]
    assert dp.calls[0].params["TTL"] == 120
    assert dp.find("example.com", "home")[0]["TTL"] == 120


def test_ipv6(tmp_path, binary, pki, echo, echo6, dp):
    dp.add_domain("example.com")
    w = DpWorld(tmp_path, binary, pki, echo, dp)
    w.config(general={"ipv4": "off", "ipv6": echo6.url("/ip")},
             type="AAAA", records=HOME, zone="example.com")
    r = w.run()
    assert r.code == 0, r
    assert_all_signed(dp)
    assert dp.actions() == ["DescribeRecordList", "CreateRecord"]
    assert dp.calls[0].params["RecordType"] == "AAAA"
    assert w.value("home", "AAAA") == ADDR6
    assert w.published(HOME, "AAAA") == ADDR6


def test_stale_record_id(world):
    dp = world.dp
    world.config(zone="example.com", records=HOME)
    assert world.run().code == 0
    rid = int(world.rec(HOME)["record_id"])
    dp.drop(rid)                                # deleted in the console
    world.echo.address = ADDR4_B
    dp.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert dp.actions() == ["ModifyRecord", "DescribeRecordList",
                            "CreateRecord"], dp.actions()
    assert dp.calls[0].code == "InvalidParameter.RecordIdInvalid"
    assert world.value("home") == ADDR4_B
    new = world.rec(HOME)["record_id"]
    assert new != str(rid) and new == str(dp.find("example.com", "home")[
        0]["RecordId"])


def age_state(world, name):
    """Makes the state say name was confirmed long ago (verify mode)."""
    text = world.state_path.read_text()
    sec = "[%s]" % rec_section(LABEL, "A", name)
    head, _, tail = text.partition(sec)
    tail = re.sub(r"updated = \S+", "updated = 2001-01-01T00:00:00Z", tail,
                  count=1)
    world.state_path.write_text(head + sec + tail)


def test_verify_mode(world):
    dp = world.dp
    world.config(zone="example.com", records=HOME)
    assert world.run().code == 0
    rid = int(world.rec(HOME)["record_id"])

    # Old confirmation, record still right: looked up, not written.
    age_state(world, HOME)
    dp.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert dp.actions() == ["DescribeRecordList"]

    # Changed behind our back: looked up, then fixed by id.
    age_state(world, HOME)
    dp.set_value(rid, ADDR4_C)
    dp.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert dp.actions() == ["DescribeRecordList", "ModifyRecord"]
    assert dp.calls[1].params["RecordId"] == rid
    assert world.value("home") == ADDR4


def test_walk_finds_nothing(world):
    dp = world.dp
    world.config(records="a.b.example.net")
    r = world.run()
    assert r.code == 1, r
    assert lists(dp) == [("a.b.example.net", "@"), ("b.example.net", "a"),
                         ("example.net", "a.b")]
    assert "no domain of this account holds a.b.example.net" in r.err, r
    assert world.published("a.b.example.net") is None


def test_configured_zone_missing(world):
    world.config(zone="example.org", records="home.example.org")
    r = world.run()
    assert r.code == 1, r
    assert world.dp.actions() == ["DescribeRecordList"]
    assert "not in this DNSPod account" in r.err, r
    assert world.published("home.example.org") is None


# --------------------------------------------------------------------------
# Errors

@pytest.mark.parametrize("code,words", [
    ("AuthFailure.UnauthorizedOperation", "credentials rejected"),
    ("UnauthorizedOperation", "credentials rejected"),
    ("OperationDenied.NoPermissionToOperateDomain", "credentials rejected"),
    ("RequestLimitExceeded", "RequestLimitExceeded"),
    ("InternalError", "InternalError"),
    ("ResourceUnavailable", "ResourceUnavailable"),
    ("FailedOperation.UnknowError", "FailedOperation.UnknowError"),
    ("InvalidParameter.RecordLineInvalid", "RecordLineInvalid"),
    ("LimitExceeded.RecordTtlLimit", "RecordTtlLimit"),
])
def test_error_classes(world, code, words):
    dp = world.dp
    world.config(zone="example.com", records=HOME)
    dp.fail("DescribeRecordList", code, "injected %s" % code)
    r = world.run()
    assert r.code == 1, r
    assert words in r.err, r
    assert "[%s] %s A: dnspod: record lookup failed" % (LABEL, HOME) in r.err
    assert dp.actions() == ["DescribeRecordList"]
    assert world.published(HOME) is None
    assert dp.find("example.com", "home") == []
    # the next run, the error gone, does the work
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4


def test_error_on_write_keeps_old_state(world):
    dp = world.dp
    world.config(zone="example.com", records=HOME)
    assert world.run().code == 0
    world.echo.address = ADDR4_B
    dp.fail("ModifyRecord", "InvalidParameter.RecordValueInvalid",
            "The record value is wrong.")
    r = world.run()
    assert r.code == 1, r
    assert "record update failed: The record value is wrong." in r.err, r
    assert world.published(HOME) == ADDR4
    assert world.value("home") == ADDR4


def test_rate_limited_stops_the_account(world):
    dp = world.dp
    world.config(zone="example.com", records="%s %s" % (HOME, NAS))
    dp.fail("*", "RequestLimitExceeded", "Too many requests.")
    r = world.run()
    assert r.code == 1, r
    assert dp.actions() == ["DescribeRecordList"]
    assert world.published(HOME) is None and world.published(NAS) is None


def test_wrong_secret_key(world):
    dp = world.dp
    world.config(zone="example.com", records=HOME,
                 secret_key="e2eWrongKey0000000000000000000000")
    r = run_binary(world.binary, ["-c", world.cfg_path], clean_env(
        world.home), RUN_TIMEOUT)
    assert r.code == 1, r
    assert "e2eWrongKey" not in r.both
    assert "AuthFailure.SignatureFailure" in r.err, r
    assert "credentials rejected" in r.err, r
    assert [c.code for c in dp.calls] == ["AuthFailure.SignatureFailure"]
    assert not dp.calls[0].signed_ok
    assert world.published(HOME) is None


def test_wrong_secret_id(world):
    world.config(zone="example.com", records=HOME,
                 secret_id="AKIDsomebodyElse")
    r = world.run()
    assert r.code == 1, r
    assert "AuthFailure.SecretIdNotFound" in r.err, r


def test_clock_skew_is_reported(world):
    world.dp.clock_skew = 3600          # the server is an hour ahead
    world.config(zone="example.com", records=HOME)
    r = world.run()
    assert r.code == 1, r
    assert "AuthFailure.SignatureExpire" in r.err, r


@pytest.mark.parametrize("status,body,words", [
    (200, "<html><body>502 Bad Gateway</body></html>", "unexpected reply"),
    (200, '{"Result": {}}', "unexpected reply"),
    (502, "<html>Bad Gateway</html>", "HTTP 502"),
    (403, "Forbidden", "HTTP 403"),
])
def test_malformed_replies(world, status, body, words):
    dp = world.dp
    world.config(zone="example.com", records=HOME)
    dp.fail("DescribeRecordList", None, times=1, status=status, body=body)
    r = world.run()
    assert r.code == 1, r
    assert words in r.err, r
    assert world.published(HOME) is None


def test_config_errors(world):
    dp = world.dp
    world.config(secret_key=None)
    r = world.run()
    assert r.code == 2, r
    assert "secret_key" in r.err, r
    world.config(zone="example.org")
    r = world.run()
    assert r.code == 2, r
    assert "not in example.org" in r.err, r
    world.config(record_line="")
    r = world.run()
    assert r.code == 2, r
    assert dp.calls == []


def test_verbose_output_has_no_secret(world):
    world.config()
    r = world.run("-v")
    assert r.code == 0, r
    # -v shows the requests made and what was decided, never a secret
    assert "POST https://127.0.0.1:%d" % world.dp.port in r.err, r
    assert "%s A: domain is example.com" % HOME in r.err, r
    assert "creating it" in r.err, r
    world.echo.address = ADDR4_B
    r = world.run("-v")
    assert r.code == 0, r
    assert_no_secret(r.both, SECRET_KEY)
