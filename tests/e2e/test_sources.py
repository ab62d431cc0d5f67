"""Address sources besides https://: cmd:, iface:, plain http://, and
requests forced to the wanted address family."""

import ipaddress
import shutil
import subprocess

import pytest

from conftest import HAVE_IPV6
from e2e_util import ADDR4, ADDR4_B, ADDR4_C, ADDR6

HOME = "home.example.com"


def one_record(world, **general):
    world.config(general=general, account={"records": HOME})


def test_cmd_source(world):
    # a cmd: source takes the whole rest of the line (documented)
    one_record(world, ipv4="cmd:echo 'my address is %s, see %s'" % (
        ADDR4_C, world.echo.url("/ip")))
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4_C
    assert world.echo.total() == 0


@pytest.mark.parametrize("cmd", ["false", "echo no address here",
                                 "echo 10.0.0.7", "echo %s; exit 3" % ADDR4,
                                 "echo 1.2.3.4.5"])
def test_failing_cmd(world, cmd):
    one_record(world, ipv4="cmd:" + cmd)
    r = world.run()
    assert r.code == 1, r
    assert world.cf.requests == []


def test_cmd_that_hangs_is_killed_in_time(world):
    one_record(world, timeout="2", ipv4="cmd:sleep 30; echo " + ADDR4_B)
    r = world.run(timeout=40)
    assert r.code == 1, r
    assert r.elapsed < 2 * 2 + 1.5, r
    assert world.cf.requests == []


def test_cmd_with_endless_output_is_capped(world):
    one_record(world, timeout="10", ipv4="cmd:yes 1.2.3")
    r = world.run(timeout=40)
    assert r.code == 1, r
    assert r.elapsed < 5, r       # the cap, not the 10 s timeout
    assert world.cf.requests == []


def test_cmd_ipv6(world):
    world.config(general={"ipv4": "off", "ipv6": "cmd:printf '%s\\n'"
                          " 'fe80::1%eth0' " + ADDR6},
                 account={"records": HOME, "type": "AAAA"})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME, "AAAA") == ADDR6


def _iface_v4():
    """Returns (name, [IPv4 addresses]) of a non-loopback interface with
    an address that is not loopback/link-local, or None."""
    ip = shutil.which("ip")
    if ip is None:
        return None
    out = subprocess.run([ip, "-o", "-4", "addr", "show"],
                         capture_output=True, text=True, timeout=10).stdout
    found = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[2] == "inet":
            a = ipaddress.ip_address(f[3].split("/")[0])
            if not (a.is_loopback or a.is_link_local):
                found.setdefault(f[1], []).append(str(a))
    for name, addrs in sorted(found.items()):
        return name, addrs
    return None


def test_iface_source_comes_before_urls(world):
    got = _iface_v4()
    if got is None:
        pytest.skip("no interface with a usable IPv4 address")
    name, addrs = got
    one_record(world, ipv4="iface:%s %s" % (name, world.echo.url("/ip")),
               allow_private="yes")
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) in addrs
    assert world.echo.total() == 0


def test_iface_without_acceptable_address_falls_back(world):
    # lo holds only loopback addresses: never published, so the URL answers
    one_record(world, ipv4="iface:lo " + world.echo.url("/ip"),
               allow_private="yes")
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4


def test_iface_loopback_is_never_published(world):
    one_record(world, ipv4="iface:lo", allow_private="yes")
    r = world.run()
    assert r.code == 1, r
    assert world.cf.requests == []


def test_iface_missing(world):
    one_record(world, ipv4="iface:nosuch0e2e")
    r = world.run()
    assert r.code != 0, r
    assert world.cf.requests == []


def test_iface_missing_falls_back_to_url(world):
    one_record(world, ipv4="iface:nosuch0e2e " + world.echo.url("/ip"))
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4


def test_plain_http_source(world, make_echo):
    plain = make_echo("127.0.0.1", ADDR4_B, tls=False)
    one_record(world, ipv4=plain.url("/ip"))
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4_B


def test_ipv4_source_is_not_asked_over_ipv6(world, echo6):
    # an IPv4 source at an IPv6-only server: forced to IPv4, it cannot
    # connect, so the IPv4 text it would say is never used
    echo6.address = ADDR4_B
    one_record(world, ipv4=echo6.url("/ip"))
    r = world.run()
    assert r.code == 1, r
    assert echo6.total() == 0
    assert world.cf.requests == []


def test_ipv6_source_is_not_asked_over_ipv4(world):
    if not HAVE_IPV6:
        pytest.skip("no IPv6 loopback")
    world.echo.address = ADDR6
    world.config(general={"ipv4": "off", "ipv6": world.echo.url("/ip")},
                 account={"records": HOME, "type": "AAAA"})
    r = world.run()
    assert r.code == 1, r
    assert world.echo.total() == 0
    assert world.cf.requests == []


def test_first_good_answer_wins(world, make_echo):
    slow = make_echo("127.0.0.1", ADDR4_B)
    slow.slow_delay = 6
    fast = make_echo("127.0.0.1", ADDR4_C)
    one_record(world, timeout="9",
               ipv4="%s %s" % (slow.url("/slow"), fast.url("/ip")))
    r = world.run(timeout=40)
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4_C
    assert r.elapsed < 5, r
