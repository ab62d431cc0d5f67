"""An emulation of the small update services, on 127.0.0.1 over HTTPS.

One server speaks four protocols, by path:

  /nic/update, /v3/update   dyndns2 (members NIC update): HTTP Basic
                            authentication against accounts, hostname=a,b,c,
                            myip (v4, v6 or "v4,v6"), myipv6; one return code
                            per hostname, one per line.
  /he/nic/update            dyndns2 the Hurricane Electric way: the username
                            is the hostname, the password that record's key.
  /duck/update              Duck DNS: domains=, token=, ip=, ipv6=; OK / KO.
  /nc/update                Namecheap: host=, domain=, password=, ip=; XML
                            with <ErrCount> and <Err1>.
  /hook                     anything else a generic "http" account calls:
                            records the request, answers hook_reply.

Everything is written from the services' public descriptions, not from our
C. Records live in memory; every request is kept (self.calls) so tests can
count them and check what was sent. queue() scripts the next answers
("911", "dnserr", ...) whatever the request.
"""

import base64
import ipaddress
import threading
from dataclasses import dataclass
from typing import Optional
from urllib.parse import parse_qs, urlsplit

from e2e_servers import TLSServer, _Handler
from e2e_util import (RUN_TIMEOUT, assert_no_secret, clean_env, parse_state,
                      rec_section, run_binary, write_file)

UA_PREFIX = "ddns-update/"
MAX_HOSTS = 20


@dataclass
class Call:
    """One request as the emulator saw it."""
    method: str
    path: str
    query: dict                 # name -> value (last one), decoded
    raw_query: str
    user: Optional[str]         # Basic credentials, None when absent
    password: Optional[str]
    headers: dict               # lower-case names
    body: bytes
    status: int = 0
    reply: str = ""


def _addr(text, fam=None):
    """Returns (family, canonical text) of an address, or None."""
    try:
        a = ipaddress.ip_address(text)
    except ValueError:
        return None
    f = 4 if a.version == 4 else 6
    if fam is not None and f != fam:
        return None
    return f, str(a)


class DynEmulator(TLSServer):

    def __init__(self, host, ctx):
        self.accounts = {}          # dyndns2 username -> password
        self.owner = {}             # hostname -> dyndns2 username
        self.he_keys = {}           # hostname -> HE DDNS key
        self.duck_token = None
        self.nc_passwords = {}      # namecheap domain -> DDNS password
        self.records = {}           # (name, "A"/"AAAA") -> address
        self.calls = []
        self.scripted = []          # (status, body, headers) to answer next
        self.hook_reply = (200, "ok")
        self.lock = threading.Lock()
        super().__init__(host, _DynHandler, ctx)

    # --- set-up -----------------------------------------------------------

    def add_account(self, user, password, *hosts):
        with self.lock:
            self.accounts[user] = password
            for h in hosts:
                self.owner[h] = user

    def add_he(self, host, key):
        with self.lock:
            self.he_keys[host] = key

    def set_duck(self, token, *subs):
        with self.lock:
            self.duck_token = token
            for s in subs:
                self.owner[s + ".duckdns.org"] = "duck"

    def add_namecheap(self, domain, password, *names):
        with self.lock:
            self.nc_passwords[domain] = password
            for n in names:
                self.owner[n] = "nc:" + domain

    def queue(self, body, status=200, headers=None):
        """Answers the next request with body, whatever it asks."""
        with self.lock:
            self.scripted.append((status, body, headers or {}))

    # --- inspection -------------------------------------------------------

    def count(self, path=None):
        with self.lock:
            return sum(1 for c in self.calls if path is None or
                       c.path == path)

    def last(self):
        with self.lock:
            return self.calls[-1] if self.calls else None

    def addr(self, name, typ="A"):
        with self.lock:
            return self.records.get((name, typ))

    def set_addr(self, name, typ, address):
        with self.lock:
            self.records[(name, typ)] = address

    def reset_log(self):
        with self.lock:
            self.calls.clear()

    # --- the protocols (called with the lock held) ------------------------

    def _set(self, name, fam, address):
        """Sets a record; returns True when the address changed."""
        key = (name, "A" if fam == 4 else "AAAA")
        old = self.records.get(key)
        self.records[key] = address
        return old != address

    def _dyn_addrs(self, q):
        """The addresses of a dyndns2 request: {4: a, 6: b}, or None."""
        out = {}
        for part in (q.get("myip") or "").split(","):
            if not part:
                continue
            a = _addr(part)
            if a is None or a[0] in out:
                return None
            out[a[0]] = a[1]
        if "myipv6" in q:
            a = _addr(q["myipv6"], 6)
            if a is None or 6 in out:
                return None
            out[6] = a[1]
        return out

    def dyn_update(self, call, he=False):
        """The dyndns2 protocol; returns (status, body)."""
        q = call.query
        if call.user is None:
            return 401, "badauth"
        if not call.headers.get("user-agent", "").startswith(UA_PREFIX):
            return 200, "badagent"
        hosts = [h for h in (q.get("hostname") or "").split(",") if h]
        if not hosts:
            return 200, "notfqdn"
        if len(hosts) > (1 if he else MAX_HOSTS):
            return 200, "numhost"
        if he:
            if (call.user != hosts[0] or
                    self.he_keys.get(hosts[0]) != call.password):
                return 401, "badauth"
        elif self.accounts.get(call.user) != call.password:
            return 401, "badauth"
        addrs = self._dyn_addrs(q)
        if not addrs:
            return 200, "dnserr"
        return 200, "\n".join(self._dyn_host(call, h, addrs, he)
                              for h in hosts) + "\n"

    def _dyn_host(self, call, h, addrs, he):
        if "." not in h:
            return "notfqdn"
        if not he and h not in self.owner:
            return "nohost"
        if not he and self.owner[h] != call.user:
            return "!yours"
        changed = [self._set(h, f, a) for f, a in sorted(addrs.items())]
        shown = ",".join(a for _, a in sorted(addrs.items()))
        return ("good " if any(changed) else "nochg ") + shown

    def duck_update(self, call):
        q = call.query
        subs = [s for s in (q.get("domains") or "").split(",") if s]
        if (not subs or q.get("token") != self.duck_token or
                any(self.owner.get(s + ".duckdns.org") != "duck"
                    for s in subs)):
            return 200, "KO"
        addrs = {}
        for key, fam in (("ip", None), ("ipv6", 6)):
            if key in q:
                a = _addr(q[key], fam)
                if a is None:
                    return 200, "KO"
                addrs[a[0]] = a[1]
        if not addrs:
            return 200, "KO"    # we never let the service guess
        for s in subs:
            for f, a in addrs.items():
                self._set(s + ".duckdns.org", f, a)
        return 200, "OK"

    def nc_update(self, call):
        q = call.query
        domain, host = q.get("domain", ""), q.get("host", "")
        if domain not in self.nc_passwords:
            return 200, _nc_err("Domain name not found", 316153)
        if q.get("password") != self.nc_passwords[domain]:
            return 200, _nc_err("Passwords do not match", 304156)
        name = domain if host == "@" else host + "." + domain
        a = _addr(q.get("ip", ""), 4)
        if a is None:
            return 200, _nc_err("Invalid IP", 304157)
        if self.owner.get(name) != "nc:" + domain:
            return 200, _nc_err("No Records updated. A record not Found;",
                                380091)
        self._set(name, 4, a[1])
        return 200, _nc_ok(a[1])


def _nc_ok(ip):
    return ('<?xml version="1.0" encoding="utf-16"?>\r\n<interface-response>'
            "<Command>SETDNSHOST</Command><Language>eng</Language>"
            "<IP>%s</IP><ErrCount>0</ErrCount><errors /><ResponseCount>0"
            "</ResponseCount><Done>true</Done><debug><![CDATA[]]></debug>"
            "</interface-response>" % ip)


def _nc_err(msg, number):
    return ('<?xml version="1.0" encoding="utf-16"?>\r\n<interface-response>'
            "<Command>SETDNSHOST</Command><Language>eng</Language>"
            "<ErrCount>1</ErrCount><errors><Err1>%s</Err1></errors>"
            "<ResponseCount>1</ResponseCount><responses><response>"
            "<ResponseNumber>%d</ResponseNumber><ResponseString>Validation "
            "error</ResponseString></response></responses><Done>true</Done>"
            "<debug><![CDATA[]]></debug></interface-response>"
            % (msg, number))


def _basic(value):
    """Decodes "Basic b64" into (user, password), or (None, None)."""
    if not value.startswith("Basic "):
        return None, None
    try:
        raw = base64.b64decode(value[6:], validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None, None
    user, sep, pw = raw.partition(":")
    return (user, pw) if sep else (None, None)


class _DynHandler(_Handler):
    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_PATCH(self):
        self._serve("PATCH")

    def _serve(self, method):
        srv = self.server
        u = urlsplit(self.path)
        body = self.read_body()
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        q = {k: v[-1] for k, v in parse_qs(u.query, keep_blank_values=True)
             .items()}
        user, pw = _basic(hdrs.get("authorization", ""))
        call = Call(method, u.path, q, u.query, user, pw, hdrs, body)
        with srv.lock:
            srv.calls.append(call)
            if srv.scripted:
                status, reply, extra = srv.scripted.pop(0)
            else:
                extra = {}
                status, reply = self._dispatch(call)
            call.status, call.reply = status, reply
        self.send(status, reply, "text/plain; charset=utf-8", extra)

    def _dispatch(self, call):
        srv = self.server
        if call.method != "GET" and call.path != "/hook":
            return 405, "method not allowed"
        if call.path in ("/nic/update", "/v3/update"):
            return srv.dyn_update(call)
        if call.path == "/he/nic/update":
            return srv.dyn_update(call, he=True)
        if call.path == "/duck/update":
            return srv.duck_update(call)
        if call.path == "/nc/update":
            return srv.nc_update(call)
        if call.path == "/hook":
            return srv.hook_reply
        return 404, "not found"


class World:
    """One test's files, emulator and runs of the binary, for one account
    [label] whose keys default to account (a dict; None drops a key)."""

    def __init__(self, tmp, binary, pki, echo, emu, label, account, secrets):
        self.binary, self.pki, self.echo, self.emu = binary, pki, echo, emu
        self.label, self.account = label, dict(account)
        self.secrets = list(secrets)
        self.home = tmp / "home"
        self.home.mkdir()
        self.state_path = tmp / "var" / "state.ini"
        self.cfg_path = tmp / "ddns.ini"

    def config(self, general=None, **account):
        g = {"state_file": str(self.state_path), "timeout": "5",
             "ca_file": str(self.pki.ca), "ipv4": self.echo.url("/ip"),
             "ipv6": "off"}
        g.update(general or {})
        a = dict(self.account)
        a.update(account)
        lines = ["[general]"]
        lines += ["%s = %s" % kv for kv in g.items() if kv[1] is not None]
        lines += ["", "[%s]" % self.label]
        lines += ["%s = %s" % kv for kv in a.items() if kv[1] is not None]
        write_file(self.cfg_path, "\n".join(lines) + "\n")

    def run(self, *args):
        """Runs the binary; no secret may appear in what it prints."""
        r = run_binary(self.binary, ["-c", self.cfg_path, *args],
                       clean_env(self.home), RUN_TIMEOUT)
        for s in self.secrets:
            assert_no_secret(r.both, s)
        return r

    def state(self):
        if not self.state_path.exists():
            return {}
        return parse_state(self.state_path.read_text())

    def published(self, name, typ="A"):
        return self.state().get(rec_section(self.label, typ, name),
                                {}).get("address")

    def backoff(self):
        v = self.state().get(self.label, {}).get("retry_not_before")
        return int(v) if v is not None else None
