"""Secrets never appear in any output, -v included; for every provider,
credentials never go over plain http:// (unless insecure_http = yes) and
never follow a redirect to another host."""

import base64
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from e2e_servers import CloudflareEmulator, TLSServer, _Handler
from e2e_util import (ADDR4, ADDR4_B, ADDR4_C, ODD_TOKEN, TOKEN,
                      assert_no_secret, clean_env, run_binary, write_file)
from emu_alidns import AlidnsEmulator
from emu_dnspod import DnspodEmulator
from emu_dyndns2 import DynEmulator
from emu_huaweicloud import HuaweiDnsEmulator

HOME = "home.example.com"


def leaks(world, r, token):
    text = r.both
    assert_no_secret(text, token)
    assert "Bearer " + token not in text
    for q in world.cf.requests:
        assert token not in q.path and token not in str(q.query)


@pytest.mark.parametrize("token", [TOKEN, ODD_TOKEN])
def test_verbose_run_hides_token(world, token):
    world.cf.token = token
    world.secrets.append(token)
    world.cf.add_record(HOME, ADDR4_B)
    world.config(account={"token": token})
    r = world.run("-v")
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4
    assert r.err.strip(), "-v said nothing: %s" % r
    leaks(world, r, token)
    assert "Authorization" not in r.both, r
    # again with a change (PATCH by cached ID) and with nothing to do
    world.echo.address = ADDR4_C
    for _ in range(2):
        r = world.run("-v")
        assert r.code == 0, r
        leaks(world, r, token)
        assert "Authorization" not in r.both, r
    assert token not in world.state_bytes().decode(errors="replace")


def test_verbose_check_hides_token(world):
    world.config()
    r = world.run("-v", "--check")
    assert r.code == 0, r
    leaks(world, r, TOKEN)


def test_verbose_auth_failure_hides_token(world):
    world.cf.token = "SomethingElse_0123456789abcdefghijklmnopq"
    world.config()
    r = world.run("-v")
    assert r.code == 1, r
    leaks(world, r, TOKEN)


def test_server_echoing_the_token_is_masked(world):
    # a server that puts the token in its error message: logging the
    # response must not reveal it
    world.cf.fault(status=400, body={"success": False, "errors": [
        {"code": 6003, "message": "Invalid request headers: Authorization: "
         "Bearer " + TOKEN}], "messages": [], "result": None})
    world.config()
    r = world.run("-v")
    assert r.code == 1, r
    leaks(world, r, TOKEN)


@pytest.mark.parametrize("token", [TOKEN, ODD_TOKEN])
def test_token_file_verbose(world, token):
    world.cf.token = token
    world.secrets.append(token)
    f = write_file(world.dir / "tok", token + "\n")
    world.config(account={"token": None, "token_file": str(f)})
    r = world.run("-v")
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4
    leaks(world, r, token)


def test_config_error_does_not_print_token(world):
    f = write_file(world.dir / "tok", TOKEN + "\n")
    world.config(account={"token_file": str(f)})    # token and token_file
    r = world.run("-v", "--check")
    assert r.code == 2, r
    leaks(world, r, TOKEN)


def test_bad_token_line_does_not_print_token(world):
    # a value the config rejects (two words) must not be echoed either
    world.config(account={"token": TOKEN + " " + TOKEN[::-1]})
    world.secrets.append(TOKEN[::-1])
    r = world.run("-v")
    leaks(world, r, TOKEN)


# An address source may need a key of its own (a query parameter, a user and
# password in the URL, a header in a cmd: source). A value that came from the
# environment, or a URL's password, is as secret as a token.
SRC_KEY = "src-key-4f1b9c27e0"
SRC_PASS = "src-pass-8d2e61a9"


def test_source_key_from_environment_is_masked(world):
    good = world.echo.url("/ip") + "?key=${SRC_KEY}"
    bad = world.echo.url("/garbage") + "?key=${SRC_KEY}"
    world.config(general={"ipv4": bad + " " + good})
    r = world.run("-v", env=world.env(SRC_KEY=SRC_KEY))
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4
    assert "/garbage" in r.both, "-v did not name the failing source: %s" % r
    assert_no_secret(r.both, SRC_KEY)


def test_source_password_in_url_is_masked(world):
    url = world.echo.url("/garbage").replace("://", "://me:%s@" % SRC_PASS, 1)
    world.config(general={"ipv4": url + " " + world.echo.url("/ip")})
    r = world.run("-v")
    assert r.code == 0, r
    assert "/garbage" in r.both, "-v did not name the failing source: %s" % r
    assert_no_secret(r.both, SRC_PASS)


def test_bad_source_error_hides_environment_value(world):
    world.config(general={"ipv4": "ftp://example.net/?key=${SRC_KEY}"})
    r = world.run("--check", env=world.env(SRC_KEY=SRC_KEY))
    assert r.code == 2, r
    assert "ipv4" in r.err and "not a source" in r.err, r
    assert_no_secret(r.both, SRC_KEY)


# --------------------------------------------------------------------------
# Every provider: -v output, plain http://, redirects to another host.
#
# SPECS describes, for each provider the binary knows, an emulator to run
# against, the account keys, its secrets, what makes its authentication
# fail, and which key holds its URL. test_every_provider_has_a_spec keeps
# SPECS equal to the table in providers/providers.c and to what the binary
# accepts, so a new provider cannot be left out silently.

ROOT = Path(__file__).resolve().parents[2]
USER = "alice"
DD_PASS = "dd2+S3cret/pa ss:w0rd"
DD_WRONG = "wrong+Pa55/w0rd:x"


@dataclass
class Spec:
    emulator: str               # cf, ali, dp, hw, dyn
    account: dict               # keys besides provider and records
    secrets: list               # every secret of the account
    wrong: dict                 # keys that make authentication fail
    url_key: str = "endpoint"   # the key holding the provider's URL
    path: str = ""              # the URL's path on the emulator
    records: str = HOME
    basic: bool = False         # Basic credentials: user:password too
    scripted: bool = False      # the emulator cannot judge it: scripted


def _dd(path="/nic/update", user=True, scripted=False):
    acct = {"password": DD_PASS}
    if user:
        acct["username"] = USER
    return Spec("dyn", acct, [DD_PASS], {"password": DD_WRONG},
                path=path, basic=True, scripted=scripted)


SPECS = {
    "cloudflare": Spec("cf", {"token": ODD_TOKEN, "zone": "example.com"},
                       [ODD_TOKEN], {"token": TOKEN}, path="/client/v4"),
    "alidns": Spec("ali", {"access_key_id": "LTAI5tE2eSecretsKeyId",
                           "access_key_secret": "ali/Secr3t+Key=odd%2B~x"},
                   ["ali/Secr3t+Key=odd%2B~x"],
                   {"access_key_secret": "ali/Wr0ng+Key=odd%2B~y"}),
    "dnspod": Spec("dp", {"secret_id": "AKIDe2eSecretsId0123456789abcdefg",
                          "secret_key": "tc3/Secr3t+Key=odd%2B~x"},
                   ["tc3/Secr3t+Key=odd%2B~x"],
                   {"secret_key": "tc3/Wr0ng+Key=odd%2B~y"}),
    "huaweicloud": Spec("hw", {"access_key": "HPUAE2ESECRETSKEY123",
                               "secret_key": "hwSk0aB1cD2eF3gH4iJ5kL6mN7oP8"},
                        ["hwSk0aB1cD2eF3gH4iJ5kL6mN7oP8"],
                        {"secret_key": "hwWrongB1cD2eF3gH4iJ5kL6mN7oP9"}),
    "dyndns2": Spec("dyn", {"username": USER, "password": DD_PASS},
                    [DD_PASS], {"password": DD_WRONG}, url_key="server",
                    path="/nic/update", basic=True),
    "dyndns": _dd("/v3/update"),
    "noip": _dd(),
    "dynu": _dd(scripted=True),     # sends myipv6=no, which the emulator
    "dnsomatic": _dd(),             # does not take
    "he": _dd("/he/nic/update", user=False),
    "ovh": _dd(),
    "strato": _dd(),
    "namecheap": Spec("dyn", {"domain": "example.com",
                              "password": "0123456789abcdef0123456789abcdef"},
                      ["0123456789abcdef0123456789abcdef"],
                      {"password": "fedcba9876543210fedcba9876543210"},
                      path="/nc/update"),
    "duckdns": Spec("dyn", {"token": "a7c4d2e1-e2e0-4bcd-9ef0-5ec4e7500042"},
                    ["a7c4d2e1-e2e0-4bcd-9ef0-5ec4e7500042"],
                    {"token": "b8d5e3f2-e2e0-4bcd-9ef0-5ec4e7500043"},
                    path="/duck/update", records="one.duckdns.org"),
    "http": Spec("dyn", {"token": "hook+T0ken/with=odd&chars"},
                 ["hook+T0ken/with=odd&chars"],
                 {"token": "hook+Wr0ng/with=odd&chars"}, url_key="url",
                 path="/hook"),
}


def table_providers():
    """The providers in the table of providers/providers.c."""
    text = (ROOT / "providers" / "providers.c").read_text()
    table = text[text.index("providers[] = {"):]
    return re.findall(r"&provider_(\w+)", table[:table.index("NULL")])


def url_of(name, base):
    """The provider URL on a server whose root is base."""
    s = SPECS[name]
    if s.url_key == "url":
        return base + s.path + "?token={token}&host={name}&ip={ip}"
    return base + s.path


class ProvWorld:
    """One provider's account against its emulator, run by the binary."""

    def __init__(self, name, tmp, binary, pki, echo, ctx):
        self.name, self.spec = name, SPECS[name]
        self.binary, self.pki, self.echo = binary, pki, echo
        self.home = tmp / "home"
        self.home.mkdir()
        self.state_path = tmp / "state.ini"
        self.cfg_path = tmp / "ddns.ini"
        self.servers = []
        self.emu = self.start_emulator(ctx)

    def start_emulator(self, ctx):
        s, acct = self.spec, self.spec.account
        if s.emulator == "cf":
            e = CloudflareEmulator("127.0.0.1", ctx, acct["token"]).start()
            e.add_zone("example.com")
        elif s.emulator == "ali":
            e = AlidnsEmulator("127.0.0.1", ctx, acct["access_key_id"],
                               acct["access_key_secret"]).start()
            e.add_domain("example.com")
        elif s.emulator == "dp":
            e = DnspodEmulator("127.0.0.1", ctx, acct["secret_id"],
                               acct["secret_key"]).start()
            e.add_domain("example.com")
        elif s.emulator == "hw":
            e = HuaweiDnsEmulator("127.0.0.1", ctx, acct["access_key"],
                                  acct["secret_key"]).start()
            e.add_zone("example.com")
        else:
            e = DynEmulator("127.0.0.1", ctx).start()
            self.setup_dyn(e)
        self.servers.append(e)
        return e

    def setup_dyn(self, e):
        acct = self.spec.account
        if self.name == "he":
            e.add_he(HOME, acct["password"])
        elif self.name == "namecheap":
            e.add_namecheap("example.com", acct["password"], HOME)
        elif self.name == "duckdns":
            e.set_duck(acct["token"], "one")
        elif self.name != "http":
            e.add_account(USER, acct["password"], HOME)

    def stop(self):
        for s in self.servers:
            s.stop()

    def config(self, url=None, **over):
        a = {"provider": self.name, "records": self.spec.records,
             "type": "A", self.spec.url_key: url or url_of(
                 self.name, self.emu.url(""))}
        a.update(self.spec.account)
        a.update(over)
        lines = ["[general]", "state_file = %s" % self.state_path,
                 "timeout = 5", "ca_file = %s" % self.pki.ca,
                 "ipv4 = %s" % self.echo.url("/ip"), "ipv6 = off", "",
                 "[acct]"]
        lines += ["%s = %s" % kv for kv in a.items() if kv[1] is not None]
        write_file(self.cfg_path, "\n".join(lines) + "\n")

    def run(self, *args):
        return run_binary(self.binary, ["-c", self.cfg_path, *args],
                          clean_env(self.home))

    def assert_quiet(self, r, extra=()):
        """No secret of the config (or extra) in stdout or stderr."""
        for s in list(self.spec.secrets) + list(extra):
            assert_no_secret(r.both, s)
            if self.spec.basic:
                for user in (USER, HOME):
                    pair = ("%s:%s" % (user, s)).encode()
                    for enc in (base64.b64encode(pair).decode(),
                                base64.b64encode(pair).decode().rstrip("=")):
                        assert enc not in r.both, \
                            "Basic credentials in the output:\n%s" % r
        assert "Authorization" not in r.both, r


@pytest.fixture
def prov(request, tmp_path, binary, pki, echo, server_ctx):
    w = ProvWorld(request.param, tmp_path, binary, pki, echo, server_ctx)
    yield w
    w.stop()


ALL = sorted(SPECS)


def test_every_provider_has_a_spec(binary, tmp_path):
    assert sorted(table_providers()) == ALL
    # and the binary knows exactly those (an unknown name is refused)
    for name in ALL + ["nosuch"]:
        cfg = write_file(tmp_path / ("%s.ini" % name),
                         "[general]\nipv6 = off\n[a]\nprovider = %s\n"
                         "records = a.example.com\n" % name)
        r = run_binary(binary, ["-c", cfg, "--check"], clean_env(tmp_path))
        unknown = "unknown provider" in r.err
        assert unknown == (name == "nosuch"), r


@pytest.mark.parametrize("prov", ALL, indirect=True)
def test_verbose_success_hides_secrets(prov):
    if prov.spec.scripted:
        prov.emu.queue("good %s" % ADDR4)
    prov.config()
    r = prov.run("-v")
    assert r.code == 0, r
    assert r.err.strip(), "-v said nothing: %s" % r
    prov.assert_quiet(r)
    assert prov.spec.secrets[0] not in prov.state_path.read_text()


@pytest.mark.parametrize("prov", ALL, indirect=True)
def test_verbose_auth_failure_hides_secrets(prov):
    if prov.spec.scripted:
        prov.emu.queue("badauth", status=401)
    if prov.name == "http":
        prov.emu.hook_reply = (401, "denied")
    prov.config(**prov.spec.wrong)
    r = prov.run("-v")
    assert r.code == 1, r
    prov.assert_quiet(r, prov.spec.wrong.values())


@pytest.mark.parametrize("scheme", ["http://", "HTTP://"])
@pytest.mark.parametrize("prov", ALL, indirect=True)
def test_plain_http_refused(prov, make_echo, scheme):
    plain = make_echo("127.0.0.1", ADDR4, tls=False)
    url = url_of(prov.name, plain.url("")).replace("http://", scheme, 1)
    prov.config(url=url)
    r = prov.run("-v")
    assert r.code == 2, r
    assert prov.spec.url_key in r.err, r
    assert plain.total() == 0
    prov.assert_quiet(r)
    if scheme == "http://":
        # allowed only when the section says so (local tests)
        prov.config(url=url, insecure_http="yes")
        r = prov.run("--check")
        assert r.code == 0, r


class _Redirect(_Handler):
    def _any(self):
        self.read_body()
        self.server.hits += 1
        self.send(self.server.status, "moved\n", "text/plain",
                  {"Location": self.server.target + self.path})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any


@pytest.mark.parametrize("status", [302, 307])
@pytest.mark.parametrize("prov", ALL, indirect=True)
def test_redirect_to_other_host_not_followed(prov, make_echo, server_ctx,
                                             status):
    other = make_echo("127.0.0.1", ADDR4)       # another port and host name
    redir = TLSServer("127.0.0.1", _Redirect, server_ctx)
    redir.status, redir.hits = status, 0
    redir.target = "https://localhost:%d" % other.port
    redir.start()
    prov.servers.append(redir)
    if prov.name == "http":
        prov.config(url=url_of("http", redir.url("")), success="ok")
    else:
        prov.config(url=url_of(prov.name, redir.url("")))
    r = prov.run("-v")
    assert r.code == 1, r
    assert redir.hits > 0, r
    assert other.total() == 0, "the redirect was followed: %s" % r
    prov.assert_quiet(r)


def echo_secret(prov, text):
    """Makes every reply of prov's emulator an error that quotes text."""
    e, kind = prov.emu, prov.spec.emulator
    if kind == "cf":
        e.fault(status=400, body={"success": False, "errors": [
            {"code": 6003, "message": text}], "messages": [],
            "result": None})
    elif kind == "ali":
        e.fail(None, 400, "InvalidParameter", message=text, times=None)
    elif kind == "dp":
        e.fail("*", "InvalidParameter", message=text, times=None)
    elif kind == "hw":
        e.fault(status=400, code="DNS.0303", message=text)
    elif prov.name == "http":
        e.hook_reply = (400, text)
    else:
        for _ in range(4):
            e.queue("badauth " + text, status=401)


@pytest.mark.parametrize("prov", ALL, indirect=True)
def test_reply_quoting_the_secret_is_masked(prov):
    # a server that puts the secret, raw and percent-encoded, in its error
    s = prov.spec.secrets[0]
    echo_secret(prov, "rejected %s (%s)" % (s, urllib.parse.quote(s,
                                                                   safe="")))
    prov.config()
    r = prov.run("-v")
    assert r.code == 1, r
    prov.assert_quiet(r)
