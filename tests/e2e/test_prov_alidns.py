"""The real binary against the Alibaba Cloud DNS emulator (emu_alidns.py):
create, leave alone, update with one request, zone/TTL/line, IPv6, stale
record ids, DomainRecordDuplicate, every error class with its exit code,
and no secret in the output. The emulator checks every ACS3 signature
itself; the first test checks that checker against Alibaba's published
example."""

import hashlib

import pytest

from emu_alidns import AlidnsEmulator, canonical_request, signature
from e2e_util import (ADDR4, ADDR4_B, ADDR4_C, ADDR6, RUN_TIMEOUT,
                      assert_no_secret, clean_env, parse_state, rec_section,
                      run_binary, write_file)

KEY_ID = "LTAI5tE2eTestKeyId9xQ"
SECRET = "e2eAli/Secr3t+Key=with~odd%2Bchars"
HOME, APEX, NAS = "home.example.com", "example.com", "nas.example.com"
LABEL = "aliyun"


@pytest.fixture
def ali(server_ctx):
    srv = AlidnsEmulator("127.0.0.1", server_ctx, KEY_ID, SECRET).start()
    yield srv
    srv.stop()


class AliWorld:
    """One test's files, emulator and runs of the binary."""

    def __init__(self, tmp, binary, pki, echo, ali):
        self.binary, self.pki, self.echo, self.ali = binary, pki, echo, ali
        self.home = tmp / "home"
        self.home.mkdir()
        self.state_path = tmp / "var" / "state.ini"
        self.cfg_path = tmp / "ddns.ini"

    def config(self, general=None, **account):
        g = {"state_file": str(self.state_path), "timeout": "5",
             "ca_file": str(self.pki.ca), "ipv4": self.echo.url("/ip"),
             "ipv6": "off"}
        g.update(general or {})
        a = {"provider": "alidns", "access_key_id": KEY_ID,
             "access_key_secret": SECRET, "records": "%s %s" % (HOME, APEX),
             "type": "A", "endpoint": self.ali.base}
        a.update(account)
        lines = ["[general]"]
        lines += ["%s = %s" % kv for kv in g.items() if kv[1] is not None]
        lines += ["", "[%s]" % LABEL]
        lines += ["%s = %s" % kv for kv in a.items() if kv[1] is not None]
        write_file(self.cfg_path, "\n".join(lines) + "\n")

    def run(self, *args):
        r = run_binary(self.binary, ["-c", self.cfg_path, *args],
                       clean_env(self.home), RUN_TIMEOUT)
        assert_no_secret(r.both, SECRET)
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

    def value(self, rr, typ="A", domain="example.com"):
        recs = self.ali.find(domain, rr, typ)
        assert len(recs) <= 1, recs
        return recs[0]["Value"] if recs else None


@pytest.fixture
def world(tmp_path, binary, pki, echo, ali):
    ali.add_domain("example.com")
    return AliWorld(tmp_path, binary, pki, echo, ali)


def assert_all_signed(ali):
    assert ali.calls, "no request reached the emulator"
    bad = [(c.action, c.code) for c in ali.calls if not c.signed_ok]
    assert bad == [], bad


# --------------------------------------------------------------------------
# The checker itself

def test_emulator_checker_reproduces_published_vector():
    """Alibaba's V3 example (ECS RunInstances) through the emulator's own
    canonical request and signature code."""
    empty = hashlib.sha256(b"").hexdigest()
    hdrs = {"host": "ecs.cn-shanghai.aliyuncs.com",
            "x-acs-action": "RunInstances", "x-acs-version": "2014-05-26",
            "x-acs-date": "2023-10-26T10:22:32Z",
            "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
            "x-acs-content-sha256": empty}
    # the query given out of order and with an encoded '_': re-canonicalised
    raw = ("RegionId=cn-shanghai&ImageId=win2019%5F1809_x64_dtc_zh-cn_40G_"
           "alibase_20230811.vhd")
    creq = canonical_request("POST", "/", raw, hdrs, sorted(hdrs), empty)
    assert hashlib.sha256(creq.encode()).hexdigest() == (
        "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259")
    assert signature("YourAccessKeySecret", creq) == (
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0")


# --------------------------------------------------------------------------
# The life of a record

def test_create_leave_alone_update(world):
    ali = world.ali
    world.config()
    r = world.run()
    assert r.code == 0, r
    assert_all_signed(ali)
    acts = ali.actions()
    assert acts.count("GetMainDomainName") == 2, acts
    assert acts.count("DescribeSubDomainRecords") == 2, acts
    assert acts.count("AddDomainRecord") == 2, acts
    assert len(acts) == 6, acts
    add = [c for c in ali.calls if c.action == "AddDomainRecord"]
    assert {c.params["RR"] for c in add} == {"home", "@"}
    for c in add:
        assert c.params["DomainName"] == "example.com"
        assert c.params["Type"] == "A" and c.params["Value"] == ADDR4
        assert c.params["Line"] == "default" and "TTL" not in c.params
        assert c.headers["x-acs-version"] == "2015-01-09"
    assert world.value("home") == ADDR4 and world.value("@") == ADDR4
    st = world.state()
    for name, rr in ((HOME, "home"), (APEX, "@")):
        sec = st[rec_section(LABEL, "A", name)]
        assert sec["address"] == ADDR4, sec
        assert sec["record_id"] == ali.find("example.com", rr)[0]["RecordId"]
        assert sec["rr"] == rr, sec
    cached = [v.get("domain." + HOME) for v in st.values()]
    assert "example.com" in cached, st

    # Nothing changed: not one request to the provider.
    ali.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert ali.calls == []
    assert world.published(HOME) == ADDR4

    # A new address: one UpdateDomainRecord per record, nothing else.
    world.echo.address = ADDR4_B
    r = world.run()
    assert r.code == 0, r
    assert ali.actions() == ["UpdateDomainRecord"] * 2, ali.actions()
    assert_all_signed(ali)
    assert world.value("home") == ADDR4_B and world.value("@") == ADDR4_B
    assert world.published(HOME) == ADDR4_B
    assert world.published(APEX) == ADDR4_B
    assert world.rec(HOME)["record_id"] == st[rec_section(
        LABEL, "A", HOME)]["record_id"]


def test_zone_ttl_line(world):
    ali = world.ali
    old = ali.add_record("example.com", "home", "A", ADDR4_B, ttl=600,
                         line="telecom")
    ali.add_record("example.com", "home", "A", ADDR4_C, line="default")
    world.config(zone="Example.com", ttl="300", line="telecom",
                 records="%s %s" % (HOME, NAS))
    r = world.run()
    assert r.code == 0, r
    assert_all_signed(ali)
    acts = ali.actions()
    assert "GetMainDomainName" not in acts, acts
    assert sorted(acts) == sorted(["DescribeSubDomainRecords"] * 2 +
                                  ["UpdateDomainRecord", "AddDomainRecord"])
    home = {x["Line"]: x for x in ali.find("example.com", "home")}
    assert home["telecom"]["Value"] == ADDR4 and home["telecom"]["TTL"] == 300
    assert home["telecom"]["RecordId"] == old
    assert home["default"]["Value"] == ADDR4_C      # another line: untouched
    nas = ali.find("example.com", "nas")
    assert len(nas) == 1 and nas[0]["Line"] == "telecom", nas
    assert nas[0]["TTL"] == 300 and nas[0]["Value"] == ADDR4
    for c in ali.calls:
        assert c.params.get("Line") == "telecom", c
    assert world.rec(HOME)["record_id"] == old


def test_existing_record_already_right(world):
    ali = world.ali
    rid = ali.add_record("example.com", "home", "A", ADDR4)
    world.config(zone="example.com", records=HOME)
    r = world.run()
    assert r.code == 0, r
    assert ali.actions() == ["DescribeSubDomainRecords"]
    assert world.rec(HOME)["record_id"] == rid
    assert world.published(HOME) == ADDR4


def test_ipv6(world):
    ali = world.ali
    ali.add_record("example.com", "home", "AAAA", "2606:2800:0220:0001::9")
    world.config(general={"ipv4": "off", "ipv6": "cmd:echo " + ADDR6},
                 zone="example.com", records=HOME, type="AAAA")
    r = world.run()
    assert r.code == 0, r
    assert ali.actions() == ["DescribeSubDomainRecords",
                             "UpdateDomainRecord"], ali.actions()
    assert world.value("home", "AAAA") == ADDR6
    assert world.published(HOME, "AAAA") == ADDR6


def test_record_deleted_behind_our_back(world):
    ali = world.ali
    world.config(zone="example.com", records=HOME)
    assert world.run().code == 0
    old = world.rec(HOME)["record_id"]
    with ali.lock:
        ali.records.clear()
    ali.reset_log()
    world.echo.address = ADDR4_B
    r = world.run()
    assert r.code == 0, r
    assert ali.actions() == ["UpdateDomainRecord", "DescribeSubDomainRecords",
                             "AddDomainRecord"], ali.actions()
    assert ali.calls[0].code == "DomainRecordNotBelongToUser"
    assert world.value("home") == ADDR4_B
    new = world.rec(HOME)["record_id"]
    assert new != old and new == ali.find("example.com", "home")[0][
        "RecordId"]


def test_duplicate_means_done(world):
    ali = world.ali
    world.config(zone="example.com", records=HOME)
    assert world.run().code == 0
    rid = world.rec(HOME)["record_id"]
    with ali.lock:
        ali.records[rid]["Value"] = ADDR4_B     # someone was faster
    ali.reset_log()
    world.echo.address = ADDR4_B
    r = world.run()
    assert r.code == 0, r
    assert ali.actions() == ["UpdateDomainRecord"]
    assert ali.calls[0].code == "DomainRecordDuplicate"
    assert world.published(HOME) == ADDR4_B
    assert world.rec(HOME)["record_id"] == rid


def test_verbose_run_shows_requests_not_secrets(world):
    world.config()
    r = world.run("-v")
    assert r.code == 0, r
    assert "GET %s/ -> 200" % world.ali.base in r.err, r
    for c in world.ali.calls:
        assert c.headers["authorization"].split("Signature=")[1] not in r.both


# --------------------------------------------------------------------------
# Failures: exit codes, messages, state

def assert_failed(world, r, *texts):
    assert r.code == 1, r
    for t in texts:
        assert t in r.err, r
    assert world.published(HOME) is None
    assert world.published(APEX) is None


def test_wrong_secret_is_auth_failure(world):
    world.config(access_key_secret=SECRET + "x")
    r = world.run()
    assert_failed(world, r, "SignatureDoesNotMatch", "RAM policy")
    assert world.ali.calls and not any(c.signed_ok for c in world.ali.calls)
    assert_no_secret(r.both, SECRET + "x")


def test_unknown_key_id_is_auth_failure(world):
    world.config(access_key_id="LTAI5tNoSuchKey")
    r = world.run()
    assert_failed(world, r, "InvalidAccessKeyId.NotFound")


def test_domain_not_in_account(world):
    world.config(records="home.example.net")
    r = world.run()
    assert r.code == 1, r
    assert "InvalidDomainName.NoExist" in r.err, r
    assert "example.net" in r.err
    assert world.published("home.example.net") is None


def test_rate_limited_backs_off(world):
    ali = world.ali
    ali.fail(None, 400, "Throttling.User", "Request was denied due to user "
             "flow control.", headers={"Retry-After": "120"})
    world.config(zone="example.com")
    r = world.run()
    assert_failed(world, r, "Throttling.User")
    assert ali.count() == 1             # the second record waited
    ali.reset_log()
    r = world.run()
    assert r.code != 0, r
    assert ali.calls == []              # still backing off
    r = world.run("--force")
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4


def test_server_trouble_is_retried_next_run(world):
    ali = world.ali
    ali.fail("DescribeSubDomainRecords", 503, "ServiceUnavailable",
             "The request has failed due to a temporary failure of the "
             "server.", times=2)
    world.config(zone="example.com")
    r = world.run()
    assert_failed(world, r, "ServiceUnavailable")
    r = world.run()
    assert r.code == 0, r
    assert world.value("home") == ADDR4 and world.published(HOME) == ADDR4


@pytest.mark.parametrize("status,code,body,text", [
    (400, "InvalidParameter", None, "InvalidParameter"),
    (200, None, "<html>portal</html>", "not a JSON object"),
    (200, None, '{"RequestId":"x"}', "no DomainRecords"),
    (500, "InternalError", None, "InternalError"),
])
def test_bad_replies(world, status, code, body, text):
    world.ali.fail("DescribeSubDomainRecords", status, code, "bad",
                   times=None, body=body)
    world.config(zone="example.com")
    r = world.run()
    assert_failed(world, r, text)


def test_record_outside_zone_is_config_error(world):
    world.config(zone="example.org")
    r = world.run()
    assert r.code == 2, r
    assert "not under example.org" in r.err, r
    assert world.ali.calls == []
