"""Faults: the provider refuses, fails, lies or stalls; the sources are
dead or say something unpublishable. Right exit code; the state never claims
an address the provider was not seen to take (it may forget one after an
update whose reply was lost)."""

import time

import pytest

from e2e_util import (ADDR4, ADDR4_B, ADDR4_C, assert_only_forgotten,
                       parse_state)

HOME, NAS = "home.example.com", "nas.example.com"


def primed(world, timeout="5", **general):
    """One good run publishes ADDR4 for home and nas; then the address
    changes to ADDR4_C. Returns the state file's bytes."""
    world.cf.add_record(HOME, ADDR4_B)
    world.config(general=dict(timeout=timeout, **general))
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4 and world.published(NAS) == ADDR4
    world.cf.reset_log()
    world.echo.address = ADDR4_C
    return world.state_bytes()


@pytest.mark.parametrize("status", [401, 403])
def test_auth_rejected(world, status):
    before = primed(world)
    world.cf.fault(status=status, code=10000, message="Authentication error")
    r = world.run()
    assert r.code == 1, r
    assert "auth" in r.err.lower(), r
    assert world.state_bytes() == before


def test_wrong_token(world):
    before = primed(world)
    bad = "WrongTok_9876543210abcdefghijklmnopqrstu"
    world.secrets.append(bad)
    world.config(account={"token": bad})
    r = world.run()
    assert r.code == 1, r
    assert "auth" in r.err.lower(), r
    assert world.cf.requests and not any(q.auth_ok for q in world.cf.requests)
    assert world.state_bytes() == before
    assert world.cf.content(HOME) == ADDR4


def record_sections(data):
    """The per-record sections of a state file (account caches left out)."""
    st = parse_state(data.decode())
    return {k: v for k, v in st.items() if len(k.split()) == 3}


def test_rate_limited(world):
    before = primed(world)
    world.cf.fault(status=429, headers={"Retry-After": "30"}, code=10100,
                   message="Rate limited")
    r = world.run()
    assert r.code == 1, r
    assert "rate" in r.err.lower() or "429" in r.err, r
    # records untouched (an account-wide back-off may be remembered)
    assert record_sections(world.state_bytes()) == record_sections(before)
    assert world.cf.content(HOME) == ADDR4


def test_rate_limit_back_off_is_honoured(world):
    primed(world)
    world.cf.fault(status=429, headers={"Retry-After": "30"}, code=10100,
                   message="Rate limited")
    assert world.run().code == 1
    world.cf.clear_faults()
    world.cf.reset_log()
    # within Retry-After: not a single request, still a failure
    r = world.run()
    assert r.code == 1, r
    assert world.cf.requests == []
    # --force overrides the back-off
    r = world.run("--force")
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4_C
    assert world.published(HOME) == ADDR4_C


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error(world, status):
    before = primed(world)
    world.cf.fault(status=status, body="<html>upstream trouble</html>")
    r = world.run()
    assert r.code == 1, r
    assert_only_forgotten(before, world.state_bytes())
    assert world.cf.content(HOME) == ADDR4


BAD_BODIES = {
    "garbage": b"\x00\x01\x02 not json {{{",
    "html": "<html><body>Welcome to nginx!</body></html>",
    "empty": b"",
    "list": [],
    "string": "\"just a string\"",
    "success_false": {"success": False, "errors": [
        {"code": 1000, "message": "Something went wrong"}], "messages": [],
        "result": None},
    "no_success": {"result": None},
    "truncated": '{"success": true, "errors": [], "result": {"id": "ab',
}


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
def test_bad_200_body(world, kind):
    before = primed(world)
    world.cf.fault(status=200, body=BAD_BODIES[kind])
    r = world.run()
    assert r.code == 1, r
    assert_only_forgotten(before, world.state_bytes())


def test_bad_body_on_first_run_publishes_nothing(world):
    world.cf.add_record(HOME, ADDR4_B)
    world.cf.fault(status=200, body=b"\x00garbage")
    world.config()
    r = world.run()
    assert r.code == 1, r
    st = world.state_bytes()
    if st is not None:
        assert world.published(HOME) is None and world.published(NAS) is None


def test_slow_provider_beyond_timeout(world):
    before = primed(world, timeout="2")
    world.cf.fault(delay=30, passthrough=True)
    r = world.run(timeout=30)
    assert r.code == 1, r
    assert r.elapsed < 5 * 2, r
    assert_only_forgotten(before, world.state_bytes())


def test_lost_reply_then_address_back(world):
    # The update is carried out but its reply never arrives (the client
    # times out first); then the address goes back to what the state last
    # said. The state must not claim the old address any more, or the next
    # run would call it up to date while the provider holds the other one.
    primed(world, timeout="1")
    world.cf.fault(delay=2.5, passthrough=True, method="POST")
    world.cf.fault(delay=2.5, passthrough=True, method="PATCH")
    r = world.run()
    assert r.code == 1, r
    for _ in range(100):
        if world.cf.content(HOME) == ADDR4_C:
            break
        time.sleep(0.05)
    assert world.cf.content(HOME) == ADDR4_C, "the write was not carried out"
    assert world.published(HOME) in (None, ADDR4_C)
    world.cf.clear_faults()
    world.echo.address = ADDR4
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4 and world.cf.content(NAS) == ADDR4
    assert world.published(HOME) == ADDR4


def test_all_sources_dead(world, closed_port):
    e = world.echo
    world.config(general={"timeout": "2", "ipv4": " ".join([
        e.url("/dead"), e.url("/slow"),
        "https://127.0.0.1:%d/ip" % closed_port])})
    r = world.run(timeout=30)
    assert r.code == 1, r
    assert r.elapsed < 2 * 2 + 1.5, r
    assert world.cf.requests == []
    assert r.err.strip(), r
    assert world.state_bytes() is None or (
        world.published(HOME) is None and world.published(NAS) is None)


def test_provider_unreachable_ends_in_time(world):
    # every API request hangs: the run must give up within a small
    # multiple of timeout, not one timeout per record
    names = " ".join("r%d.example.com" % i for i in range(5))
    world.config(general={"timeout": "2"},
                 account={"records": names,
                          "endpoint": world.echo.url("/dead/client/v4")})
    r = world.run(timeout=60)
    assert r.code == 1, r
    assert r.elapsed < 4 * 2 + 1.5, r


def test_provider_refusing_connections_fails_fast(world, closed_port):
    names = " ".join("r%d.example.com" % i for i in range(5))
    world.config(general={"timeout": "2"}, account={
        "records": names,
        "endpoint": "https://127.0.0.1:%d/client/v4" % closed_port})
    r = world.run(timeout=60)
    assert r.code == 1, r
    assert r.elapsed < 2 * 2, r


def test_all_sources_dead_keeps_state(world):
    before = primed(world, timeout="2")
    world.config(general={"timeout": "2", "ipv4": world.echo.url("/dead")})
    r = world.run(timeout=30)
    assert r.code == 1, r
    assert r.elapsed < 2 * 2 + 1.5, r
    assert world.cf.requests == []
    assert world.state_bytes() == before


NOT_GLOBAL_V4 = ["10.1.2.3", "172.16.5.4", "192.168.0.10", "100.64.1.1",
                 "192.0.2.7", "198.51.100.5", "203.0.113.9", "198.18.0.1",
                 "127.0.0.1", "169.254.1.1", "0.0.0.0", "255.255.255.255",
                 "224.0.0.1", "240.0.0.1"]


@pytest.mark.parametrize("addr", NOT_GLOBAL_V4)
def test_non_global_v4_not_published(world, addr):
    world.echo.address = addr
    world.config()
    r = world.run()
    assert r.code == 1, r
    assert world.cf.ops == [] and world.cf.requests == []
    assert addr in r.err or "private" in r.err.lower() or \
        "global" in r.err.lower(), r


NOT_GLOBAL_V6 = ["fd00::1", "fe80::1", "::1", "2001:db8::1",
                 "::ffff:93.184.216.34", "ff02::1", "::"]


@pytest.mark.parametrize("addr", NOT_GLOBAL_V6)
def test_non_global_v6_not_published(world, echo6, addr):
    echo6.address = addr
    world.config(general={"ipv4": "off", "ipv6": echo6.url("/ip")},
                 account={"type": "AAAA"})
    r = world.run()
    assert r.code == 1, r
    assert world.cf.ops == [] and world.cf.requests == []


@pytest.mark.parametrize("addr", ["10.1.2.3", "100.64.1.1", "192.0.2.7"])
def test_allow_private_publishes_private(world, addr):
    world.echo.address = addr
    world.config(general={"allow_private": "yes"})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == addr
    assert world.published(HOME) == addr


@pytest.mark.parametrize("addr", ["127.0.0.1", "169.254.1.1", "224.0.0.1",
                                  "0.0.0.0"])
def test_allow_private_still_rejects_unusable(world, addr):
    world.echo.address = addr
    world.config(general={"allow_private": "yes"})
    r = world.run()
    assert r.code == 1, r
    assert world.cf.ops == []


def test_private_from_error_page(world):
    world.config(general={"ipv4": world.echo.url("/html")})
    r = world.run()
    assert r.code == 1, r
    assert world.cf.ops == []


def test_private_answer_does_not_stop_a_good_one(world):
    e = world.echo
    world.config(general={"ipv4": "%s %s" % (e.url("/html"), e.url("/ip"))})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4


def test_garbage_source(world):
    world.config(general={"ipv4": world.echo.url("/garbage")})
    r = world.run()
    assert r.code == 1, r
    assert world.cf.requests == []


def test_huge_source_body_is_capped(world):
    world.config(general={"ipv4": world.echo.url("/big"), "timeout": "5"})
    r = world.run(timeout=30)
    assert r.code == 1, r
    assert world.cf.requests == []
    assert r.elapsed < 10, r


def test_source_http_error_status(world):
    world.echo.overrides["/ip"] = (503, "93.184.216.99 is busy")
    world.config()
    r = world.run()
    assert r.code == 1, r
    assert world.cf.requests == []


def test_failed_record_stays_pending(world):
    primed(world)
    world.cf.refuse(NAS)
    r = world.run()
    assert r.code == 1, r
    assert world.cf.content(HOME) == ADDR4_C
    assert world.cf.content(NAS) == ADDR4
    assert world.published(HOME) == ADDR4_C
    assert world.published(NAS) == ADDR4
    # the fault is gone: only nas is done again
    world.cf.clear_faults()
    world.cf.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.ops_for(HOME) == []
    assert [o.kind for o in world.cf.ops_for(NAS)] == ["patch"]
    assert world.cf.content(NAS) == ADDR4_C
    assert world.published(NAS) == ADDR4_C
    # and then all is quiet
    world.cf.reset_log()
    assert world.run().code == 0
    assert world.cf.requests == []


def test_failed_first_publication_is_retried(world):
    world.cf.fault(status=500, method="POST", times=10)
    world.config(account={"records": NAS})
    r = world.run()
    assert r.code == 1, r
    assert world.cf.content(NAS) is None
    world.cf.clear_faults()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(NAS) == ADDR4
    assert world.published(NAS) == ADDR4


def test_zone_not_found(world):
    world.config(account={"zone": "nosuch.example.org",
                          "records": "home.nosuch.example.org"})
    r = world.run()
    assert r.code == 1, r
    assert "zone" in r.err.lower() or "nosuch.example.org" in r.err, r
    assert world.cf.ops == []


def test_tls_without_ca_file_fails(world):
    world.config(general={"ca_file": None})
    r = world.run()
    assert r.code == 1, r
    assert world.echo.total() == 0 and world.cf.requests == []


def test_tls_name_mismatch_fails(world, make_echo):
    try:
        other = make_echo("127.0.0.2", ADDR4)
    except OSError:
        pytest.skip("cannot bind 127.0.0.2")
    world.config(general={"ipv4": other.url("/ip")})
    r = world.run()
    assert r.code == 1, r
    assert other.total() == 0
    assert world.cf.requests == []
