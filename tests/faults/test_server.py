"""Server faults the end-to-end tests do not already cover: a reset in the
middle of a reply, a reply trickled at one byte a second, a 100 MB body,
redirect loops, a redirect from https to http, bytes that are not text,
truncated JSON and JSON of the wrong shape -- from an address source and
from the provider. Each run ends in time, says what went wrong, exits 1,
publishes nothing and leaves the state file as it was, byte for byte."""

import json

import pytest

from e2e_util import ADDR4, ADDR4_B, ADDR4_C, parse_state
from fault_servers import evil_cf

HOME, NAS = "home.example.com", "nas.example.com"
TIMEOUT = 2


def primed(world, records=(HOME, NAS)):
    """One good run publishes ADDR4 for the records; then the public
    address becomes ADDR4_C. Returns the state file's bytes."""
    world.cf.add_record(HOME, ADDR4_B)
    world.config(general={"timeout": str(TIMEOUT)},
                 account={"records": " ".join(records)})
    r = world.run()
    assert r.code == 0, r
    for name in records:
        assert world.published(name) == ADDR4
    world.cf.reset_log()
    world.echo.address = ADDR4_C
    return world.state_bytes()


def run_source(world, evil, path, timeout=30):
    """Primes, then runs with evil's path as the only IPv4 source. The
    run must exit 1 without a provider request and keep the state."""
    before = primed(world)
    evil.address = ADDR4_C
    world.config(general={"timeout": str(TIMEOUT), "ipv4": evil.url(path)})
    r = world.run("-v", timeout=timeout)
    assert r.code == 1, r
    assert "no IPv4 address found" in r.err, r
    assert world.cf.requests == [], r
    assert world.state_bytes() == before, r
    return r


# --- address sources --------------------------------------------------------

def test_source_reset_mid_reply(world, evil):
    r = run_source(world, evil, "/reset")
    assert "reset" in r.err.lower() or "recv failure" in r.err.lower(), r
    assert evil.count("reset") == 1


def test_source_cut_short(world, evil):
    r = run_source(world, evil, "/cut")
    assert "closed" in r.err.lower() or "partial" in r.err.lower(), r


def test_source_trickle_ends_at_the_timeout(world, evil):
    r = run_source(world, evil, "/trickle")
    assert "timed out after %d s" % TIMEOUT in r.err, r
    assert r.elapsed < 3 * TIMEOUT, r
    assert evil.trickled >= 1        # it was reading, slowly


@pytest.mark.parametrize("path", ["/huge", "/endless"])
def test_source_100mb_body_is_capped(world, evil, path):
    r = run_source(world, evil, path)
    assert "reply larger than 65536 bytes" in r.err, r
    # refused early: not read whole (the rest only sat in socket buffers)
    assert evil.sent < 16 << 20, evil.sent
    assert r.elapsed < 3 * TIMEOUT, r


@pytest.mark.parametrize("path", ["/loop", "/ping1"])
def test_source_redirect_loop(world, evil, path):
    r = run_source(world, evil, path)
    assert "refused redirect" in r.err, r
    hops = evil.count("loop") + evil.count("ping1") + evil.count("pong1")
    assert 1 < hops <= 4, hops       # at most 3 redirects followed


def test_source_redirect_https_to_http_refused(world, evil, plain_echo):
    plain_echo.address = ADDR4_C
    evil.redirect_to = plain_echo.url("/ip")
    r = run_source(world, evil, "/to-http")
    assert "refused redirect" in r.err, r
    assert plain_echo.total() == 0   # never even asked


NOT_TEXT = {
    "nul_inside": b"93.184.216.3\x006\n",       # the prefix is an address
    "nul_after": ADDR4_C.encode() + b"\x00\n",
    "bad_utf8_after": ADDR4_C.encode() + b"\xff\n",
    "bad_utf8_before": b"\xc3\x28 " + ADDR4_C.encode() + b"\n",
    "overlong": b"\xc0\xae" + ADDR4_C.encode() + b"\n",
}


@pytest.mark.parametrize("kind", sorted(NOT_TEXT))
def test_source_reply_not_text(world, evil, kind):
    evil.raw["x"] = (200, NOT_TEXT[kind])
    r = run_source(world, evil, "/raw/x")
    assert "not UTF-8 text" in r.err, r


# --- the provider ------------------------------------------------------------

def record_sections(data):
    st = parse_state(data.decode())
    return {k: v for k, v in st.items() if len(k.split()) == 3}


def assert_nothing_new_claimed(before, after):
    """The state after a failed update is the one before, byte for byte --
    or, where the provider may have carried the update out with its reply
    lost, the same with those records' addresses forgotten (so the next
    run re-checks them). It never claims the new address."""
    if after == before:
        return
    old, new = record_sections(before), record_sections(after)
    for sec, v in new.items():
        assert sec in old and v == old[sec], (sec, v, old.get(sec))


def provider_fault(world, before, *args, timeout=30):
    """Runs after a fault was set up; the run must exit 1, say which
    records were not updated and claim nothing new in the state."""
    r = world.run("-v", *args, timeout=timeout)
    assert r.code == 1, r
    assert "not updated" in r.err, r
    assert_nothing_new_claimed(before, world.state_bytes())
    return r


@pytest.mark.parametrize("mode", ["reset", "cut"])
def test_provider_reply_broken_after_the_change(world, mode):
    # the change is made upstream, its reply is lost: the state must not
    # claim it, and the next run finishes the job once
    cf = evil_cf(world.cf)
    before = primed(world)
    cf.evil = ("POST", mode)        # two records: one batch POST
    provider_fault(world, before)
    assert cf.evil_hits >= 1
    cf.evil = None
    cf.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4_C == cf.content(HOME)
    assert world.published(NAS) == ADDR4_C == cf.content(NAS)
    assert len(cf.find(HOME)) == 1 and len(cf.find(NAS)) == 1


def test_provider_trickle_ends_at_the_timeout(world):
    cf = evil_cf(world.cf)
    before = primed(world, [HOME])
    cf.evil = (None, "trickle")
    r = provider_fault(world, before, timeout=60)
    assert "timed out after %d s" % TIMEOUT in r.err, r
    # one timeout for the host, not one per record (it is marked dead)
    assert r.elapsed < 4 * TIMEOUT, r


def test_provider_100mb_body_is_capped(world, evil):
    before = primed(world, [HOME])
    world.config(general={"timeout": str(TIMEOUT)},
                 account={"records": HOME,
                          "endpoint": evil.url("/huge/client/v4")})
    r = provider_fault(world, before)
    assert "larger than" in r.err, r
    assert evil.sent < 16 << 20, evil.sent
    assert r.elapsed < 3 * TIMEOUT, r


@pytest.mark.parametrize("path", ["/loop", "/to-http"])
def test_provider_redirects_not_followed(world, evil, plain_echo, path):
    # an API call never follows a redirect, so credentials cannot go
    # along to another place
    before = primed(world, [HOME])
    evil.redirect_to = plain_echo.url("/client/v4")
    world.config(general={"timeout": str(TIMEOUT)},
                 account={"records": HOME,
                          "endpoint": evil.url(path + "/client/v4")})
    r = provider_fault(world, before)
    assert "HTTP 302" in r.err, r
    assert evil.count(path.strip("/")) == 1
    assert plain_echo.total() == 0


def patch_reply(cf, name, content):
    """A Cloudflare success envelope for a PATCH of name, as JSON text."""
    rec = dict(cf.find(name)[0])
    rec["content"] = content
    return {"success": True, "errors": [], "messages": [], "result": rec}


def test_provider_reply_with_nul_byte(world):
    before = primed(world, [HOME])
    body = json.dumps(patch_reply(world.cf, HOME, ADDR4_C)).encode()
    world.cf.fault(status=200, method="PATCH",
                   body=body[:-1] + b"\x00" + body[-1:])
    provider_fault(world, before)


@pytest.mark.parametrize("junk", [b"\xff\xfe", b"\xc0\xae", b"\xed\xa0\x80"],
                         ids=["ff_fe", "overlong", "surrogate"])
def test_provider_reply_not_utf8(world, junk):
    # JSON must be UTF-8 (RFC 8259): a reply that is not is not trusted,
    # even when it says success
    before = primed(world, [HOME])
    good = patch_reply(world.cf, HOME, ADDR4_C)
    good["messages"] = ["JUNK"]
    body = json.dumps(good).encode().replace(b"JUNK", junk)
    world.cf.fault(status=200, method="PATCH", body=body)
    provider_fault(world, before)


TRUNCATED = '{"success": true, "errors": [], "messages": [], "result": {"id'


@pytest.mark.parametrize("shape", ["truncated", "result_string",
                                   "result_list", "success_string",
                                   "errors_object", "deep_nesting"])
def test_provider_reply_wrong_shape(world, shape):
    before = primed(world, [HOME])
    good = patch_reply(world.cf, HOME, ADDR4_C)
    body = {
        "truncated": TRUNCATED,
        "result_string": dict(good, result="ok"),
        "result_list": dict(good, result=[good["result"]]),
        "success_string": dict(good, success="true"),
        "errors_object": dict(good, success=False,
                              errors={"code": 1, "message": "x"}),
        "deep_nesting": "[" * 100000 + "]" * 100000,
    }[shape]
    world.cf.fault(status=200, method="PATCH", body=body)
    provider_fault(world, before)
