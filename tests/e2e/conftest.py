"""Fixtures for the end-to-end tests of the real ddns-update binary.

The binary comes from $DDNS_UPDATE. Each test gets its own HTTPS address
echo and Cloudflare API emulator on 127.0.0.1 (certificates from a CA made
for the session), a temp directory, and a World that writes the config,
runs the binary with a timeout and reads the state file.
"""

import os
import socket
import ssl
from pathlib import Path

import pytest

from e2e_pki import make_pki
from e2e_servers import CloudflareEmulator, EchoServer
from e2e_util import (ADDR4, ADDR6, RUN_TIMEOUT, TOKEN, assert_no_secret,
                      clean_env, parse_state, rec_section, run_binary,
                      write_file)


def _ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


HAVE_IPV6 = _ipv6_loopback()


@pytest.fixture(scope="session")
def binary():
    b = os.environ.get("DDNS_UPDATE")
    if not b:
        here = Path(__file__).resolve().parents[2] / "ddns-update"
        b = str(here)
    if not (os.path.isfile(b) and os.access(b, os.X_OK)):
        pytest.fail("DDNS_UPDATE=%s is not an executable; build it first "
                    "(make e2e does)" % b, pytrace=False)
    return os.path.abspath(b)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), ipv6=HAVE_IPV6)


@pytest.fixture(scope="session")
def server_ctx(pki):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(pki.cert), str(pki.key))
    return ctx


@pytest.fixture
def make_echo(server_ctx):
    """Starts an address echo on a given host; stopped after the test."""
    started = []

    def make(host="127.0.0.1", address=ADDR4, tls=True):
        srv = EchoServer(host, server_ctx if tls else None, address).start()
        started.append(srv)
        return srv
    yield make
    for s in started:
        s.stop()


@pytest.fixture
def echo(make_echo):
    return make_echo("127.0.0.1", ADDR4)


@pytest.fixture
def echo6(make_echo):
    if not HAVE_IPV6:
        pytest.skip("no IPv6 loopback")
    return make_echo("::1", ADDR6)


@pytest.fixture
def make_cf(server_ctx):
    """Starts a Cloudflare emulator expecting a token; stopped after."""
    started = []

    def make(token=TOKEN):
        srv = CloudflareEmulator("127.0.0.1", server_ctx, token).start()
        started.append(srv)
        return srv
    yield make
    for s in started:
        s.stop()


@pytest.fixture
def cf(make_cf):
    return make_cf(TOKEN)


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 that refuses connections (bound, not listening)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    yield s.getsockname()[1]
    s.close()


class World:
    """One test's world: files, servers, and the binary."""

    label = "home"

    def __init__(self, tmp, binary, pki, echo, cf):
        self.dir = tmp
        self.binary = binary
        self.pki = pki
        self.echo = echo
        self.cf = cf
        self.home = tmp / "home"
        self.home.mkdir()
        self.state_path = tmp / "var" / "state.ini"
        self.cfg_path = tmp / "ddns.ini"
        self.cfg_text = None
        self.zone_id = cf.add_zone("example.com")
        self.secrets = [TOKEN]

    # --- config -------------------------------------------------------------

    def general(self, **over):
        g = {"state_file": str(self.state_path), "timeout": "5",
             "ca_file": str(self.pki.ca),
             "ipv4": self.echo.url("/ip"), "ipv6": "off"}
        g.update(over)
        return g

    def account(self, **over):
        a = {"provider": "cloudflare", "token": TOKEN,
             "records": "home.example.com nas.example.com", "type": "A",
             "zone": "example.com", "endpoint": self.cf.base}
        a.update(over)
        return a

    def config(self, general=None, account=None, extra="", path=None,
               mode=0o600, label=None):
        """Writes a config; general/account override keys (None drops)."""
        g = self.general(**(general or {}))
        a = self.account(**(account or {}))
        lines = ["; written by the e2e tests", "[general]"]
        lines += ["%s = %s" % (k, v) for k, v in g.items() if v is not None]
        lines += ["", "[%s]" % (label or self.label)]
        lines += ["%s = %s" % (k, v) for k, v in a.items() if v is not None]
        text = "\n".join(lines) + "\n" + extra
        return self.write_config(text, path, mode)

    def write_config(self, text, path=None, mode=0o600):
        path = Path(path or self.cfg_path)
        write_file(path, text, mode)
        self.cfg_text = text
        return path

    # --- running ------------------------------------------------------------

    def env(self, **extra):
        e = clean_env(self.home)
        e.update({k: str(v) for k, v in extra.items()})
        return e

    def run(self, *args, config=None, env=None, timeout=RUN_TIMEOUT,
            check_secrets=True):
        """Runs ddns-update -c CONFIG ARGS; returns a Result."""
        if config is None and self.cfg_text is None:
            self.config()
        cfg = config or self.cfg_path
        r = run_binary(self.binary, ["-c", cfg, *args],
                       env if env is not None else self.env(), timeout)
        if check_secrets:
            for s in self.secrets:
                assert_no_secret(r.both, s)
        return r

    # --- state --------------------------------------------------------------

    def state_bytes(self):
        try:
            return self.state_path.read_bytes()
        except FileNotFoundError:
            return None

    def state(self):
        b = self.state_bytes()
        assert b is not None, "no state file at %s" % self.state_path
        return parse_state(b.decode())

    def rec(self, name, typ="A", label=None):
        """Returns a record's section of the state file (None: absent)."""
        return self.state().get(rec_section(label or self.label, typ, name))

    def published(self, name, typ="A"):
        r = self.rec(name, typ)
        return r.get("address") if r else None


@pytest.fixture
def world(tmp_path, binary, pki, echo, cf):
    return World(tmp_path, binary, pki, echo, cf)
