"""Provider huaweicloud end to end: the real binary against an emulated
Huawei Cloud DNS that checks every AK/SK signature independently."""

import hashlib
import time

import pytest

from e2e_util import (ADDR4, ADDR4_B, ADDR4_C, ADDR6, ADDR6_B,
                      assert_no_secret, assert_only_forgotten, clean_env,
                      parse_state, rec_section, run_binary, write_file)
from emu_huaweicloud import (HuaweiDnsEmulator, canonical_request, signature,
                             verify)

AK = "HPUAE2EEXAMPLEKEY123"
SK = "e2eHwSk0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV"
HOME, NAS = "home.example.com", "nas.example.com"
LIST = r"^/v2\.1/zones/[0-9a-f]+/recordsets$"


@pytest.fixture
def emu(server_ctx):
    srv = HuaweiDnsEmulator("127.0.0.1", server_ctx, AK, SK).start()
    yield srv
    srv.stop()


class HW:
    """One test's files, emulator and binary."""

    label = "hw"

    def __init__(self, tmp, binary, pki, echo, emu):
        self.binary, self.pki, self.echo, self.emu = binary, pki, echo, emu
        self.home = tmp / "home"
        self.home.mkdir()
        self.state_path = tmp / "var" / "state.ini"
        self.cfg_path = tmp / "ddns.ini"
        self.zone_id = emu.add_zone("example.com")
        self.secrets = [SK]

    def config(self, general=None, account=None):
        g = {"state_file": str(self.state_path), "timeout": "5",
             "ca_file": str(self.pki.ca), "ipv4": self.echo.url("/ip"),
             "ipv6": "off"}
        a = {"provider": "huaweicloud", "access_key": AK, "secret_key": SK,
             "records": "%s %s" % (HOME, NAS), "type": "A",
             "endpoint": self.emu.base}
        g.update(general or {})
        a.update(account or {})
        lines = ["[general]"] + ["%s = %s" % kv for kv in g.items()
                                 if kv[1] is not None]
        lines += ["", "[%s]" % self.label]
        lines += ["%s = %s" % kv for kv in a.items() if kv[1] is not None]
        write_file(self.cfg_path, "\n".join(lines) + "\n")

    def run(self, *args):
        r = run_binary(self.binary, ["-c", self.cfg_path, *args],
                       clean_env(self.home))
        for s in self.secrets:
            assert_no_secret(r.both, s)
        assert "Signature=" not in r.both, r
        return r

    def state_bytes(self):
        try:
            return self.state_path.read_bytes()
        except FileNotFoundError:
            return None

    def state(self):
        return parse_state(self.state_bytes().decode())

    def rec(self, name, typ="A"):
        return self.state().get(rec_section(self.label, typ, name))

    def published(self, name, typ="A"):
        r = self.rec(name, typ)
        return r.get("address") if r else None

    def records_state(self):
        """The per-record sections only (account caches left out)."""
        return {k: v for k, v in self.state().items()
                if len(k.split()) == 3}


@pytest.fixture
def hw(tmp_path, binary, pki, echo, emu):
    return HW(tmp_path, binary, pki, echo, emu)


def writes(emu, kind=None):
    return [o for o in emu.ops if kind is None or o.kind == kind]


def prime(hw, **config):
    """home exists upstream with an old address, nas is missing; one run
    brings both to ADDR4."""
    rid = hw.emu.add_rs(HOME, [ADDR4_B])
    hw.config(**config)
    r = hw.run()
    assert r.code == 0, r
    return rid


# --------------------------------------------------------------------------
# The emulator's own verifier, against the published example

def test_verifier_reproduces_published_vector():
    hdrs = {"content-type": "application/json",
            "host": "service.region.example.com",
            "x-sdk-date": "20191115T033655Z"}
    signed = ["content-type", "host", "x-sdk-date"]
    path = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs"
    query = "marker=13551d6b-755d-4757-b956-536f674975c0&limit=2"
    creq = canonical_request("GET", path, query, hdrs, signed, b"")
    assert hashlib.sha256(creq.encode()).hexdigest() == \
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    ak, sk = "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
    sig = signature(sk, hdrs["x-sdk-date"], creq)
    assert sig == \
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    hdrs["authorization"] = ("SDK-HMAC-SHA256 Access=%s, SignedHeaders="
                             "content-type;host;x-sdk-date, Signature=%s"
                             % (ak, sig))
    now = 1573788995        # 2019-11-15T03:36:35Z, 20 s before
    assert verify(ak, sk, "GET", path, query, hdrs, b"", now=now) is None
    # anything changed is refused
    assert verify(ak, sk + "x", "GET", path, query, hdrs, b"", now=now)
    assert verify("OTHER", sk, "GET", path, query, hdrs, b"", now=now)
    assert verify(ak, sk, "PUT", path, query, hdrs, b"", now=now)
    assert verify(ak, sk, "GET", path + "s", query, hdrs, b"", now=now)
    assert verify(ak, sk, "GET", path, "limit=3", hdrs, b"", now=now)
    assert verify(ak, sk, "GET", path, query, hdrs, b"{}", now=now)
    assert verify(ak, sk, "GET", path, query, hdrs, b"", now=now + 3600)
    assert verify(ak, sk, "GET", path, query,
                  dict(hdrs, host="evil.example.com"), b"", now=now)


# --------------------------------------------------------------------------
# Create, update, leave alone

def test_first_run_creates_and_updates(hw):
    emu = hw.emu
    home_id = prime(hw)
    assert all(q.auth_ok for q in emu.requests), \
        [q.auth_error for q in emu.requests]
    puts, posts = writes(emu, "put"), writes(emu, "post")
    assert [(o.rid, o.ok) for o in puts] == [(home_id, True)], emu.ops
    assert puts[0].body == {"name": HOME + ".", "type": "A",
                            "records": [ADDR4]}
    assert [(o.name, o.ok) for o in posts] == [(NAS, True)], emu.ops
    assert posts[0].body == {"name": NAS + ".", "type": "A",
                             "records": [ADDR4]}
    assert emu.records(HOME) == [ADDR4] and emu.records(NAS) == [ADDR4]
    assert emu.find(HOME)[0]["ttl"] == 300      # untouched
    # the zone is found walking up from home once, then cached for nas
    zq = [q.query for q in emu.requests if q.path == "/v2/zones"]
    assert zq == [{"name": "home.example.com."}, {"name": "example.com."}]
    assert emu.count("GET", LIST) == 2
    # state: address and IDs
    nas_id = emu.find(NAS)[0]["id"]
    for name, rid in ((HOME, home_id), (NAS, nas_id)):
        sec = hw.rec(name)
        assert sec["address"] == ADDR4, sec
        assert sec.get("record_id") == rid, sec
        assert sec.get("zone_id") == hw.zone_id, sec
    assert any(v.get("zone_id.example.com") == hw.zone_id
               for v in hw.state().values()), hw.state()


def test_second_run_makes_no_request(hw):
    prime(hw)
    before = hw.records_state()
    hw.emu.reset_log()
    r = hw.run()
    assert r.code == 0, r
    assert hw.emu.requests == []
    assert hw.records_state() == before
    assert hw.published(HOME) == ADDR4 and hw.published(NAS) == ADDR4


def test_address_change_costs_one_put_per_record(hw):
    prime(hw)
    ids = {n: hw.rec(n)["record_id"] for n in (HOME, NAS)}
    hw.emu.reset_log()
    hw.echo.address = ADDR4_C
    r = hw.run()
    assert r.code == 0, r
    assert [q.method for q in hw.emu.requests] == ["PUT", "PUT"]
    assert sorted(o.rid for o in writes(hw.emu, "put")) == sorted(ids.values())
    for n in (HOME, NAS):
        assert hw.emu.records(n) == [ADDR4_C]
        assert hw.published(n) == ADDR4_C
        assert hw.rec(n)["record_id"] == ids[n]


def test_deleted_record_is_recreated(hw):
    prime(hw)
    old = hw.rec(HOME)["record_id"]
    hw.emu.delete(old)
    hw.emu.reset_log()
    hw.echo.address = ADDR4_C
    r = hw.run()
    assert r.code == 0, r
    home = [q for q in hw.emu.requests if q.method != "PUT" or
            old in q.path]
    assert [q.method for q in home] == ["PUT", "GET", "POST"], \
        [(q.method, q.path, q.status) for q in hw.emu.requests]
    assert home[0].status == 404
    new = hw.emu.find(HOME)[0]["id"]
    assert new != old and hw.rec(HOME)["record_id"] == new
    assert hw.emu.records(HOME) == [ADDR4_C]


def test_zone_given_a_new_id_is_looked_up_again(hw):
    prime(hw)
    emu = hw.emu
    old = hw.zone_id
    with emu.lock:          # the zone moved to a new id, its sets with it
        new = emu.zones["example.com."] = "ff80" + old[4:][::-1]
        for r in emu.recordsets.values():
            r["zone_id"] = new
    emu.reset_log()
    hw.echo.address = ADDR4_C
    r = hw.run()
    assert r.code == 0, r
    put0 = emu.requests[0]
    assert (put0.method, put0.status) == ("PUT", 400), put0
    # each record walks up from its name again: name, then example.com
    assert emu.count("GET", "^/v2/zones$") == 4
    for n in (HOME, NAS):
        assert emu.records(n) == [ADDR4_C]
        assert hw.rec(n)["zone_id"] == new
    # the next change costs one PUT again
    emu.reset_log()
    hw.echo.address = ADDR4
    r = hw.run()
    assert r.code == 0, r
    assert [q.method for q in emu.requests] == ["PUT", "PUT"]


def test_exact_match_among_fuzzy_results(hw):
    emu = hw.emu
    emu.add_zone("myexample.com")
    emu.add_zone("example.com.cn")
    decoy = emu.add_rs("www." + HOME, [ADDR4_B])
    v6 = emu.add_rs(HOME, [ADDR6_B], type="AAAA")
    line = emu.add_rs(HOME, [ADDR4_B], line="Dianxin")
    target = emu.add_rs(HOME, [ADDR4_B, ADDR4_C])
    hw.config(account={"records": HOME})
    r = hw.run()
    assert r.code == 0, r
    assert [o.rid for o in writes(emu)] == [target], emu.ops
    assert emu.recordsets[target]["records"] == [ADDR4]
    for rid in (decoy, line):
        assert emu.recordsets[rid]["records"] == [ADDR4_B]
    assert emu.recordsets[v6]["records"] == [ADDR6_B]
    assert hw.rec(HOME)["zone_id"] == hw.zone_id


def test_record_set_past_the_first_page(hw):
    emu = hw.emu
    for _ in range(150):    # same name and type on another line
        emu.add_rs(HOME, [ADDR4_B], line="Dianxin")
    target = emu.add_rs(HOME, [ADDR4_B])
    hw.config(account={"records": HOME})
    r = hw.run()
    assert r.code == 0, r
    assert [(o.kind, o.rid) for o in writes(emu)] == [("put", target)], \
        emu.ops
    gets = [q.query for q in emu.requests
            if q.method == "GET" and q.path.endswith("/recordsets")]
    assert all(q.get("search_mode") == "equal" for q in gets), gets
    assert [q["offset"] for q in gets] == [str(100 * i)
                                           for i in range(len(gets))]
    assert emu.recordsets[target]["records"] == [ADDR4]
    assert hw.rec(HOME)["record_id"] == target


def test_zone_walk_without_zone_key(hw):
    emu = hw.emu
    sub = emu.add_zone("lab.example.com")
    hw.config(account={"records": "a.b.lab.example.com"})
    r = hw.run()
    assert r.code == 0, r
    names = [q.query.get("name") for q in emu.requests
             if q.path == "/v2/zones"]
    assert names == ["a.b.lab.example.com.", "b.lab.example.com.",
                     "lab.example.com."], names
    assert emu.records("a.b.lab.example.com") == [ADDR4]
    assert hw.rec("a.b.lab.example.com")["zone_id"] == sub


def test_zone_id_and_ttl_configured(hw):
    hw.emu.add_rs(HOME, [ADDR4], ttl=300)
    hw.config(account={"zone_id": hw.zone_id, "ttl": "120"})
    r = hw.run()
    assert r.code == 0, r
    assert hw.emu.count("GET", r"^/v2/zones$") == 0
    puts, posts = writes(hw.emu, "put"), writes(hw.emu, "post")
    assert len(puts) == 1 and puts[0].body["ttl"] == 120     # TTL differed
    assert len(posts) == 1 and posts[0].body["ttl"] == 120
    assert hw.emu.find(HOME)[0]["ttl"] == 120
    assert hw.emu.find(NAS)[0]["ttl"] == 120


def test_refresh_verifies_without_blind_write(hw):
    prime(hw, general={"refresh": "1s"})
    hw.emu.reset_log()
    time.sleep(1.2)
    r = hw.run()
    assert r.code == 0, r
    assert [q.method for q in hw.emu.requests] == ["GET", "GET"]
    assert hw.emu.ops == []
    # someone changed home upstream: the next verification repairs it
    rid = hw.rec(HOME)["record_id"]
    hw.emu.recordsets[rid]["records"] = [ADDR4_B]
    hw.emu.reset_log()
    time.sleep(1.2)
    r = hw.run()
    assert r.code == 0, r
    assert [(o.kind, o.rid) for o in hw.emu.ops] == [("put", rid)]
    assert hw.emu.records(HOME) == [ADDR4]


def test_aaaa(hw, echo6):
    hw.config(general={"ipv4": "off", "ipv6": echo6.url("/ip")},
              account={"type": "AAAA"})
    r = hw.run()
    assert r.code == 0, r
    for n in (HOME, NAS):
        assert hw.emu.records(n, "AAAA") == [ADDR6]
        assert hw.emu.find(n, "A") == []
        assert hw.published(n, "AAAA") == ADDR6
    lists = [q for q in hw.emu.requests if q.method == "GET" and
             "recordsets" in q.path]
    assert all(q.query.get("type") == "AAAA" for q in lists)


# --------------------------------------------------------------------------
# Errors: right exit code, state untouched

def records_of(data):
    return {k: v for k, v in parse_state(data.decode()).items()
            if len(k.split()) == 3}


def primed(hw):
    prime(hw)
    hw.emu.reset_log()
    hw.echo.address = ADDR4_C
    return hw.state_bytes()


def test_wrong_secret_key(hw):
    before = primed(hw)
    bad = "WrongSk0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV"
    hw.secrets.append(bad)
    hw.config(account={"secret_key": bad})
    r = hw.run("-v")
    assert r.code == 1, r
    assert "auth" in r.err.lower() and "APIGW.0301" in r.err, r
    assert hw.emu.requests and not any(q.auth_ok for q in hw.emu.requests)
    assert hw.state_bytes() == before
    assert hw.emu.records(HOME) == [ADDR4]


@pytest.mark.parametrize("status,code,word,retry", [
    (401, "APIGW.0301", "auth", None),
    (403, "APIGW.0302", "auth", None),
    (404, "DNS.0302", "not found", None),
    (429, "APIGW.0308", "rate", "30"),
    (500, "APIGW.0101", "temporary", None),
    (503, "APIGW.0101", "temporary", "5"),
    (400, "DNS.0303", "invalid", None),
])
def test_error_classes(hw, status, code, word, retry):
    before = primed(hw)
    hw.emu.fault(status=status, code=code, message="told to fail",
                 headers={"Retry-After": retry} if retry else {})
    r = hw.run()
    assert r.code == 1, r
    assert word in r.err.lower(), r
    assert code in r.err and "told to fail" in r.err, r
    if status >= 500:       # may have been carried out: may forget
        assert_only_forgotten(before, hw.state_bytes())
    else:
        assert hw.records_state() == records_of(before)
    assert hw.emu.records(HOME) == [ADDR4]


def test_rate_limit_back_off_is_honoured(hw):
    primed(hw)
    hw.emu.fault(status=429, code="APIGW.0308", message="throttled",
                 headers={"Retry-After": "30"})
    assert hw.run().code == 1
    assert hw.emu.count() == 1
    hw.emu.clear_faults()
    hw.emu.reset_log()
    r = hw.run()
    assert r.code == 1, r
    assert hw.emu.requests == []
    r = hw.run("--force")
    assert r.code == 0, r
    assert hw.emu.records(HOME) == [ADDR4_C]


@pytest.mark.parametrize("body", [
    b"\x00\x01 not json {{{",
    "<html>Welcome to nginx!</html>",
    b"",
    [],
    {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication"},
    {"code": "DNS.0001", "message": "odd"},
    {"recordsets": "nope"},
    '{"id": "ab',
])
def test_bad_2xx_body(hw, body):
    before = primed(hw)
    hw.emu.fault(status=202, body=body)
    r = hw.run()
    assert r.code == 1, r
    assert_only_forgotten(before, hw.state_bytes())


def test_failed_write_is_retried_next_run(hw):
    hw.emu.fault(status=500, method="POST", times=10)
    hw.config(account={"records": NAS})
    r = hw.run()
    assert r.code == 1, r
    assert hw.emu.records(NAS) is None
    st = hw.state_bytes()
    assert st is None or hw.published(NAS) is None
    hw.emu.clear_faults()
    r = hw.run()
    assert r.code == 0, r
    assert hw.emu.records(NAS) == [ADDR4] and hw.published(NAS) == ADDR4


def test_zone_not_found(hw):
    hw.config(account={"zone": "nosuch.example.org",
                       "records": "home.nosuch.example.org"})
    r = hw.run()
    assert r.code == 1, r
    assert "nosuch.example.org" in r.err, r
    assert hw.emu.ops == []


# --------------------------------------------------------------------------
# Configuration and secrets

@pytest.mark.parametrize("account,key", [
    ({"secret_key": None}, "secret_key"),
    ({"access_key": None}, "access_key"),
    ({"zone": "example.org"}, "records"),
    ({"zone_id": "../x?y"}, "zone_id"),
    ({"access_key": "AK,Signature=x"}, "access_key"),
    ({"bogus": "1"}, "bogus"),
])
def test_config_errors(hw, account, key):
    hw.config(account=account)
    r = hw.run()
    assert r.code == 2, r
    assert key in r.err, r
    assert hw.emu.requests == []


def test_verbose_run_hides_secret(hw):
    hw.emu.add_rs(HOME, [ADDR4_B])
    hw.config()
    for addr in (ADDR4, ADDR4_C, ADDR4_C):
        hw.echo.address = addr
        r = hw.run("-v")
        assert r.code == 0, r
        assert r.err.strip(), r
        assert "Authorization" not in r.both, r
    assert SK not in hw.state_bytes().decode(errors="replace")
    for q in hw.emu.requests:
        assert SK not in q.path and SK not in str(q.query)


def test_secret_key_from_file(hw, tmp_path):
    f = write_file(tmp_path / "sk", SK + "\n")
    hw.config(account={"secret_key": None, "secret_key_file": str(f)})
    r = hw.run()
    assert r.code == 0, r
    assert all(q.auth_ok for q in hw.emu.requests)
    assert hw.emu.records(HOME) == [ADDR4]
