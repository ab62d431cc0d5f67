"""Address faults: sources that answer with something address-shaped that
must not be published, and sources that disagree (see "Address sources" in
docs/configuration.md for the agreement rule)."""

import pytest

from e2e_util import ADDR4, ADDR4_B, ADDR4_C, ADDR6

HOME, NAS = "home.example.com", "nas.example.com"

# Not one of these may be read as an address (each would be a wrong one:
# 010.1.1.1 is 8.1.1.1 to inet_aton, 1.2.3.4.5 holds 1.2.3.4 and 2.3.4.5,
# a zone index names a link, not the Internet).
BAD_V4 = ["010.1.1.1", "93.184.216.034", "1.2.3.4.5", "93.184.216.34.1",
          "::ffff:93.184.216.34", "0x5d.184.216.34",
          "93.184.216", "4294967295"]
BAD_V6 = ["fe80::1%eth0", "2606:2800:220:1::1%eth0", "2606:2800:220:1::1%1",
          "::ffff:93.184.216.34", "::ffff:5db8:d822", "2606:2800:220:1::1::2",
          "2606:2800:220:1:0:0:0:0:1"]


def primed(world, **general):
    world.cf.add_record(HOME, ADDR4_B)
    world.config(general=general or None)
    r = world.run()
    assert r.code == 0, r
    world.cf.reset_log()
    return world.state_bytes()


@pytest.mark.parametrize("text", BAD_V4)
def test_bad_v4_never_published(world, text):
    before = primed(world)
    world.echo.address = text
    r = world.run("-v")
    assert r.code == 1, r
    assert "no IPv4 address found" in r.err, r
    assert "no IPv4 address in the reply" in r.err or \
        "not published" in r.err, r
    assert world.cf.requests == []
    assert world.state_bytes() == before


@pytest.mark.parametrize("text", BAD_V6)
def test_bad_v6_never_published(world, echo6, text):
    world.cf.add_record(HOME, ADDR6, type="AAAA")
    world.config(general={"ipv4": "off", "ipv6": echo6.url("/ip")},
                 account={"type": "AAAA"})
    assert world.run().code == 0
    before = world.state_bytes()
    world.cf.reset_log()
    echo6.address = text
    r = world.run("-v")
    assert r.code == 1, r
    assert "no IPv6 address found" in r.err, r
    assert world.cf.requests == []
    assert world.state_bytes() == before


# --- two sources --------------------------------------------------------------

def two_sources(world, make_echo, fast, slow, delay=0.3, timeout="5"):
    """Configures two IPv4 sources: one answering fast, one after delay
    seconds (each with its own address)."""
    a = make_echo("127.0.0.1", fast)
    b = make_echo("127.0.0.1", slow)
    b.slow_delay = delay
    world.config(general={"timeout": timeout,
                          "ipv4": "%s %s" % (a.url("/ip"), b.url("/slow"))})
    return a, b


def test_disagreeing_sources_publish_nothing(world, make_echo):
    a, b = two_sources(world, make_echo, ADDR4_B, ADDR4_C)
    r = world.run()
    assert r.code == 1, r
    assert "IPv4 sources disagree: " in r.err, r
    assert "publishing neither" in r.err, r
    # both named, in the order they answered (normally the fast one first)
    assert "%s says %s" % (a.url("/ip"), ADDR4_B) in r.err, r
    assert "%s says %s" % (b.url("/slow"), ADDR4_C) in r.err, r
    assert world.cf.requests == []
    assert world.state_bytes() is None or world.published(HOME) is None


def test_change_contradicted_by_a_slower_source(world, make_echo):
    # published ADDR4; the fast source says ADDR4_C, the slow one still
    # says ADDR4: which one is right is unknown, so nothing changes
    before = primed(world)
    a, b = two_sources(world, make_echo, ADDR4_C, ADDR4)
    r = world.run()
    assert r.code == 1, r
    assert "sources disagree" in r.err and ADDR4_C in r.err, r
    assert world.cf.requests == []
    assert world.state_bytes() == before
    assert world.cf.content(HOME) == ADDR4


def test_unchanged_answer_is_taken_at_once(world, make_echo):
    # the first answer is what is published: nothing will change, so it
    # is not held up by (or checked against) a slower source
    primed(world)
    a, b = two_sources(world, make_echo, ADDR4, ADDR4_C, delay=8,
                       timeout="10")
    r = world.run(timeout=60)
    assert r.code == 0, r
    assert r.elapsed < 8, r
    assert world.cf.requests == []


def test_agreeing_sources_confirm_a_change(world, make_echo):
    primed(world)
    two_sources(world, make_echo, ADDR4_C, ADDR4_C)
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4_C == world.cf.content(HOME)


def test_change_with_a_dead_second_source_waits_briefly(world, make_echo):
    primed(world)
    a = make_echo("127.0.0.1", ADDR4_C)
    world.config(general={"timeout": "8", "ipv4": "%s %s" % (
        a.url("/ip"), a.url("/dead"))})
    r = world.run("-v", timeout=60)
    assert r.code == 0, r
    assert "not confirmed by another source in time" in r.err, r
    assert r.elapsed < 8, r          # not the dead source's timeout
    assert world.published(HOME) == ADDR4_C == world.cf.content(HOME)


def test_failing_second_source_does_not_block_a_change(world, make_echo):
    primed(world)
    a = make_echo("127.0.0.1", ADDR4_C)
    world.config(general={"ipv4": "%s %s" % (a.url("/ip"),
                                             a.url("/html"))})
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4_C


def test_disagreement_spares_the_other_family(world, make_echo, echo6):
    world.config(account={"type": "A AAAA", "records": HOME})
    a, b = two_sources(world, make_echo, ADDR4_B, ADDR4_C)
    world.config(general={"ipv4": "%s %s" % (a.url("/ip"), b.url("/slow")),
                          "ipv6": echo6.url("/ip")},
                 account={"type": "A AAAA", "records": HOME})
    r = world.run()
    assert r.code == 1, r
    assert "IPv4 sources disagree" in r.err, r
    assert world.cf.content(HOME, "AAAA") == ADDR6
    assert world.published(HOME, "AAAA") == ADDR6
    assert world.cf.content(HOME) is None and world.published(HOME) is None
