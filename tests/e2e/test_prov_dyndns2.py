"""The real binary against the dyndns2 emulator (emu_dyndns2.py): good,
nochg, every return code with its exit status, batching (one request for
several hostnames, results per line), the back-off kept in the state and
respected by the next run (zero requests, exit 1; --force calls again),
the presets (he, noip, ovh) through endpoint, many hostnames in requests
sent together (at most 4 in flight; none started after a reply that says
to wait), and no secret in any output. The state file is checked after
every run."""

import re
import threading
import time

import pytest

from emu_dyndns2 import DynEmulator, World, _DynHandler
from e2e_util import ADDR4, ADDR4_B, ADDR6

USER = "alice@example.com"
PASS = "dd2+S3cret/pa ss:w0rd"
HOME, NAS, WEB = "home.example.com", "nas.example.com", "web.example.com"
LABEL = "dyn"
MANY = ["h%d.example.com" % i for i in range(50)]
PARALLEL = 4        # DD_PARALLEL in providers/dyndns2.c
# Time for the held replies (5 s at most) and for a slow client: under
# valgrind, TLS handshakes to one host take seconds, and over HTTPS the
# later connections wait for the first one's handshake (CURLOPT_PIPEWAIT).
SLOW_OK = {"timeout": "20"}


class _SlowHandler(_DynHandler):
    """Holds every reply but "911" until `together` requests are being
    handled at once, or for `delay` seconds at most, so that requests a
    client sends together overlap here however slow the client is (under
    valgrind too); keeps the most requests it was handling at once."""

    def _serve(self, method):
        srv = self.server
        with srv.cond:
            srv.inflight += 1
            srv.max_inflight = max(srv.max_inflight, srv.inflight)
            srv.cond.notify_all()
        try:
            super()._serve(method)
        finally:
            with srv.cond:
                srv.inflight -= 1

    def send(self, status, body, *args, **kwargs):
        srv = self.server
        if not body.startswith("911"):
            with srv.cond:
                srv.cond.wait_for(lambda: srv.inflight >= srv.together,
                                  timeout=srv.delay)
        super().send(status, body, *args, **kwargs)


def listed(names):
    """names as a records value, ten per (continuation) line."""
    return "\n    ".join(" ".join(names[i:i + 10])
                          for i in range(0, len(names), 10))


def slow(dyn, together, delay):
    """Makes dyn answer through _SlowHandler: each reply but "911" waits
    for `together` requests at once, delay seconds at most."""
    dyn.RequestHandlerClass = _SlowHandler
    dyn.cond = threading.Condition()
    dyn.together, dyn.delay = together, delay
    dyn.inflight = dyn.max_inflight = 0


@pytest.fixture
def dyn(server_ctx):
    srv = DynEmulator("127.0.0.1", server_ctx).start()
    srv.add_account(USER, PASS, HOME, NAS, WEB)
    yield srv
    srv.stop()


@pytest.fixture
def w(tmp_path, binary, pki, echo, dyn):
    world = World(tmp_path, binary, pki, echo, dyn, LABEL, {
        "provider": "dyndns2", "server": dyn.url("/nic/update"),
        "username": USER, "password": PASS, "records": HOME, "type": "A"},
        [PASS])
    world.dyn = dyn
    return world


def test_good_then_nothing_then_change(w):
    w.config(records="%s %s" % (HOME, NAS))
    r = w.run("-v")
    assert r.code == 0, r
    assert w.dyn.count() == 1, "both hostnames in one request"
    c = w.dyn.last()
    assert c.method == "GET" and c.path == "/nic/update"
    assert c.query["hostname"] == "%s,%s" % (HOME, NAS)
    assert c.query["myip"] == ADDR4
    assert (c.user, c.password) == (USER, PASS)
    assert re.match(r"^ddns-update/\d+\.\d+", c.headers["user-agent"])
    assert w.dyn.addr(HOME) == ADDR4 and w.dyn.addr(NAS) == ADDR4
    assert w.published(HOME) == ADDR4 and w.published(NAS) == ADDR4
    assert w.backoff() is None
    assert "myip=" not in r.both and "hostname=" not in r.both

    w.dyn.reset_log()
    before = w.state_path.read_bytes()
    r = w.run()
    assert r.code == 0, r
    assert w.dyn.count() == 0
    assert w.state_path.read_bytes() == before

    w.echo.address = ADDR4_B
    r = w.run()
    assert r.code == 0, r
    assert w.dyn.count() == 1
    assert w.dyn.last().query["myip"] == ADDR4_B
    assert w.published(HOME) == ADDR4_B and w.published(NAS) == ADDR4_B


def test_nochg_is_success(w):
    w.dyn.set_addr(HOME, "A", ADDR4)
    w.config()
    r = w.run()
    assert r.code == 0, r
    assert w.dyn.last().reply.startswith("nochg")
    assert w.published(HOME) == ADDR4


def test_badauth(w):
    w.config(password="wrong-password")
    w.secrets.append("wrong-password")
    r = w.run()
    assert r.code == 1, r
    assert "badauth" in r.err and "check them" in r.err
    assert w.published(HOME) is None
    assert w.dyn.addr(HOME) is None
    # the service wants a client to stop until the user fixes it: the next
    # runs leave it alone for an hour (one request, not one per run)
    assert w.backoff() is not None and w.backoff() > time.time() + 3500
    n = w.dyn.count()
    r = w.run()
    assert r.code == 1, r
    assert w.dyn.count() == n and "--force" in r.err, r
    # fixed, and forced: it goes through at once
    w.config()
    r = w.run("--force")
    assert r.code == 0, r
    assert w.dyn.count() == n + 1
    assert w.published(HOME) == ADDR4 and w.backoff() is None


def test_batch_results_per_line(w):
    w.dyn.add_account("bob", "bobpw", "bob.example.com")
    w.config(records="%s bob.example.com missing.example.com %s" %
             (HOME, NAS))
    r = w.run()
    assert r.code == 1, r
    assert w.dyn.count() == 1
    assert w.dyn.last().reply.splitlines()[1:3] == ["!yours", "nohost"]
    assert w.published(HOME) == ADDR4 and w.published(NAS) == ADDR4
    assert w.published("bob.example.com") is None
    assert w.published("missing.example.com") is None
    assert "missing.example.com A: dyndns2: nohost" in r.err
    assert "bob.example.com A: dyndns2: !yours" in r.err

    # the next run retries only what failed
    w.dyn.reset_log()
    r = w.run()
    assert r.code == 1, r
    assert w.dyn.count() == 1
    assert w.dyn.last().query["hostname"] == \
        "bob.example.com,missing.example.com"


def test_hosts_per_request(w):
    w.config(records="%s %s %s" % (HOME, NAS, WEB), hosts_per_request="2")
    r = w.run()
    assert r.code == 0, r
    assert sorted(c.query["hostname"] for c in w.dyn.calls) == [
        "%s,%s" % (HOME, NAS), WEB]
    assert all(w.published(n) == ADDR4 for n in (HOME, NAS, WEB))


def test_many_records_requests_together(w):
    w.dyn.add_account(USER, PASS, *MANY)
    slow(w.dyn, 3, 5.0)
    w.config(records=listed(MANY), general=SLOW_OK)
    r = w.run()
    assert r.code == 0, r
    sent = sorted((c.query["hostname"].split(",") for c in w.dyn.calls),
                  key=len, reverse=True)
    assert [len(h) for h in sent] == [20, 20, 10]
    assert sorted(sum(sent, [])) == sorted(MANY), "each hostname once"
    assert 2 <= w.dyn.max_inflight <= 3, "the requests overlapped"
    assert all(w.dyn.addr(n) == ADDR4 for n in MANY)
    assert all(w.published(n) == ADDR4 for n in MANY)


def test_requests_in_flight_capped(w):
    names = MANY[:12]
    w.dyn.add_account(USER, PASS, *names)
    slow(w.dyn, PARALLEL, 2.0)
    w.config(records=listed(names), hosts_per_request="1",
             general=SLOW_OK)
    r = w.run()
    assert r.code == 0, r
    assert w.dyn.count() == 12
    assert 2 <= w.dyn.max_inflight <= PARALLEL
    assert all(w.published(n) == ADDR4 for n in names)


def test_wait_reply_starts_no_more_requests(w):
    names = MANY[:12]
    w.dyn.add_account(USER, PASS, *names)
    slow(w.dyn, 99, 1.0)         # only the 911 comes back at once
    w.dyn.queue("911\n")
    w.config(records=listed(names), hosts_per_request="1",
             general=SLOW_OK)
    t0 = int(time.time())
    r = w.run()
    assert r.code == 1, r
    # the 911 and at most the others already in flight; none after it
    assert 1 <= w.dyn.count() <= PARALLEL
    assert sum(c.reply.startswith("911") for c in w.dyn.calls) == 1
    assert all(w.published(n) is None for n in names)
    assert t0 + 1800 <= w.backoff() <= int(time.time()) + 1800
    assert r.err.count("given up: 911") >= len(names) - PARALLEL

    # within the back-off: nothing at all
    w.dyn.reset_log()
    r = w.run()
    assert r.code == 1, r
    assert w.dyn.count() == 0


@pytest.mark.parametrize("code,wait", [("911", 1800), ("dnserr", 1800),
                                       ("abuse", 86400)])
def test_backoff_respected(w, code, wait):
    w.config(records="%s %s" % (HOME, NAS))
    w.dyn.queue(code + "\n")
    t0 = int(time.time())
    r = w.run()
    assert r.code == 1, r
    assert w.dyn.count() == 1
    assert code in r.err
    until = w.backoff()
    assert until is not None and t0 + wait <= until <= int(time.time()) + wait
    assert w.published(HOME) is None and w.published(NAS) is None

    # within the back-off: not a single request, exit 1
    w.dyn.reset_log()
    r = w.run()
    assert r.code == 1, r
    assert w.dyn.count() == 0
    assert "asked us to wait" in r.err
    assert w.backoff() == until

    # --force calls again; success clears the back-off
    r = w.run("--force")
    assert r.code == 0, r
    assert w.dyn.count() == 1
    assert w.published(HOME) == ADDR4 and w.published(NAS) == ADDR4
    assert w.backoff() is None


def test_retry_after_header_and_http_errors(w):
    w.config()
    w.dyn.queue("<html>busy</html>", status=503,
                headers={"Retry-After": "4000"})
    t0 = int(time.time())
    r = w.run()
    assert r.code == 1, r
    assert "HTTP 503" in r.err
    assert t0 + 4000 <= w.backoff() <= int(time.time()) + 4000
    assert w.published(HOME) is None


@pytest.mark.parametrize("reply,says,waits", [
    ("!donator", "paid option", True), ("notfqdn", "fully-qualified", False),
    ("numhost", "too many hostnames", True),
    ("badagent", "refused this client", True),
    ("good 127.0.0.1", "ignored the update", False),
    ("good 198.51.100.99", "another address than the one sent", False),
    ("what is this", "not a dyndns2 reply", False)])
def test_other_codes(w, reply, says, waits):
    w.config()
    w.dyn.queue(reply + "\n")
    r = w.run()
    assert r.code == 1, r
    assert says in r.err
    assert w.published(HOME) is None
    # codes that need the user stop the account for an hour
    assert (w.backoff() is not None) == waits


def test_unreachable_server(w, closed_port):
    w.config(server="https://127.0.0.1:%d/nic/update" % closed_port)
    r = w.run()
    assert r.code == 1, r
    assert "no reply" in r.err
    assert w.published(HOME) is None


def test_he_preset(w):
    w.dyn.add_he(HOME, "he-key-home")
    w.dyn.add_he(NAS, "he-key-nas")
    w.config(provider="he", server=None, username=None,
             password="he-key-home", records="%s %s" % (HOME, NAS),
             endpoint=w.dyn.url("/he/nic/update"))
    w.secrets.append("he-key-home")
    r = w.run()
    assert r.code == 1, r       # nas has another key
    assert w.dyn.count() == 2
    assert sorted(c.user for c in w.dyn.calls) == [HOME, NAS]
    assert w.published(HOME) == ADDR4 and w.published(NAS) is None
    assert "DDNS key" in r.err


def test_ovh_and_noip_presets(w):
    w.config(provider="ovh", server=None, endpoint=w.dyn.url("/nic/update"))
    r = w.run()
    assert r.code == 0, r
    assert w.dyn.last().query["system"] == "dyndns"
    assert w.published(HOME) == ADDR4

    w.state_path.unlink()
    w.dyn.reset_log()
    w.config(provider="noip", server=None, records="%s %s" % (HOME, NAS),
             endpoint=w.dyn.url("/nic/update"))
    r = w.run()
    assert r.code == 0, r
    assert w.dyn.count() == 1
    assert w.dyn.last().query["hostname"] == "%s,%s" % (HOME, NAS)


def test_noip_dual_stack_one_request(w, echo6):
    w.config(provider="noip", server=None, endpoint=w.dyn.url("/nic/update"),
             type="A AAAA", general={"ipv6": echo6.url("/ip")})
    r = w.run()
    assert r.code == 0, r
    assert w.dyn.count() == 1
    q = w.dyn.last().query
    assert q["myip"] == ADDR4 and q["myipv6"] == ADDR6
    assert w.dyn.addr(HOME, "AAAA") == ADDR6
    assert w.published(HOME) == ADDR4 and w.published(HOME, "AAAA") == ADDR6


def test_plain_http_server_refused(w):
    w.config(server="http://127.0.0.1:1/nic/update")
    r = w.run()
    assert r.code == 2, r
    assert "insecure_http" in r.err
    assert w.dyn.count() == 0
    assert not w.state_path.exists()


def test_check_reports_bad_options(w):
    w.config(hosts_per_request="50", ipv6_mode="maybe", username="a:b")
    r = w.run("--check")
    assert r.code == 2, r
    assert "hosts_per_request" in r.err and "ipv6_mode" in r.err
    assert "':'" in r.err
    assert w.dyn.count() == 0
