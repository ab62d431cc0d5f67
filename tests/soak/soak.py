#!/usr/bin/env python3
"""Soak test: many runs of the real binary against chaotic providers.

    soak.py --binary PATH [--runs N] [--seed S] [--json FILE]
            [--providers LIST] [--budget SECONDS] [--run-timeout SECONDS]
            [--keep] [-v]

One config holds an account for each provider soaked (by default all that
have an emulator in tests/e2e: Cloudflare and dyndns2 with two records,
alidns, dnspod and huaweicloud with one), over HTTPS on 127.0.0.1 with a
CA made for the soak. Before each run the public address (the e2e address
echo) moves, one time in two, to another address of a small pool, so
addresses also come back to earlier values. Every request to a provider
draws a fault from a seeded generator:

  latency      a delay, usually short, sometimes past the client's timeout
               (the request is then still carried out: its reply is lost)
  5xx          500/502/503/504 before anything is done
  disconnect   the connection closed without a reply, nothing done
  reset        the connection reset (RST), nothing done
  lost-reply   the request carried out, then the connection closed
  mid-reply    the request carried out, half of the reply sent, then closed
  late-5xx     the request carried out, then answered 502

After every run (once the providers have finished every request, even
those the client gave up on): the exit status is 0 or 1 (no crash, no
hang), no record has a duplicate at the provider, every address the state
file claims is what the provider holds, and exit 0 means every record
holds the current address. At the end the chaos stops, one calm run
follows, and state, provider and the current address must agree. Prints
every violation; exits 0 when there is none, 1 when there are, 2 when the
time budget ran out before all runs were done, 3 on a set-up error.
"""

import argparse
import json
import os
import random
import shutil
import socket
import ssl
import struct
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))

from e2e_pki import make_pki                                # noqa: E402
from e2e_servers import (CloudflareEmulator, EchoServer,    # noqa: E402
                         _CFHandler)
from e2e_util import (clean_env, parse_state, rec_section,  # noqa: E402
                      run_binary)
from emu_alidns import AlidnsEmulator, _AliHandler         # noqa: E402
from emu_dnspod import DnspodEmulator, _DnspodHandler       # noqa: E402
from emu_dyndns2 import DynEmulator, _DynHandler            # noqa: E402
from emu_huaweicloud import HuaweiDnsEmulator, _HWHandler   # noqa: E402

POOL = ["93.184.216.34", "93.184.216.35", "93.184.216.36", "93.184.216.37"]
SECRET = "soak+S3cret/Key=0123456789abcdefXYZ"
SANITIZERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
              "runtime error:")
TIMEOUT = 1                 # the config's timeout (s): the smallest allowed
PRE = ("5xx", "disconnect", "reset")
POST = ("lost-reply", "mid-reply", "late-5xx")


class Chaos:
    """Draws a fault per request from a seeded generator (thread-safe)."""

    # (kind, weight); the weights need not add up to anything.
    TABLE = [("none", 600), ("latency", 150), ("slow", 4), ("5xx", 80),
             ("disconnect", 40), ("reset", 30), ("lost-reply", 40),
             ("mid-reply", 40), ("late-5xx", 16)]

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)
        self.inflight = 0           # requests being handled
        self.on = True
        self.counts = Counter()
        kinds, weights = zip(*self.TABLE)
        self.kinds, self.weights = list(kinds), list(weights)

    def enter(self):
        with self.lock:
            self.inflight += 1

    def leave(self):
        with self.lock:
            self.inflight -= 1
            self.idle.notify_all()

    def settle(self, timeout):
        """Waits until no request is being handled (a request the client
        gave up on may still be carried out); False on timeout."""
        with self.lock:
            return self.idle.wait_for(lambda: self.inflight == 0, timeout)

    def pick(self):
        """Returns (kind, delay in seconds, 5xx status)."""
        with self.lock:
            if not self.on:
                return "none", 0.0, 0
            kind = self.rng.choices(self.kinds, self.weights)[0]
            delay = 0.0
            if kind == "latency":
                delay = self.rng.uniform(0.0, 0.15)
            elif kind == "slow":
                delay = TIMEOUT + 0.3   # past the client's timeout
            code = self.rng.choice((500, 502, 503, 504))
            self.counts[kind] += 1
            return kind, delay, code


class ChaosHandler:
    """Mixed in before an emulator's handler: misbehaves around _serve."""

    fault = ("none", 0.0, 0)

    def _serve(self, method):
        chaos = self.server.chaos
        chaos.enter()
        try:
            self._chaos_serve(method)
        finally:
            chaos.leave()

    def _chaos_serve(self, method):
        srv = self.server
        self.fault = kind, delay, code = srv.chaos.pick()
        srv.pause(delay)
        if kind not in PRE:
            super()._serve(method)
            return
        self.read_body()
        if kind == "5xx":
            body = "<html><body><h1>%d</h1>upstream trouble</body></html>"
            super().send(code, body % code, "text/html",
                         {"Connection": "close"})
            self.close_connection = True
        else:
            self._drop(reset=kind == "reset")

    def send(self, status, body, ctype="text/plain", headers=None):
        kind = self.fault[0]
        if kind not in POST:
            super().send(status, body, ctype, headers)
            return
        if kind == "late-5xx":
            super().send(502, "bad gateway", "text/plain",
                         {"Connection": "close"})
            self.close_connection = True
            return
        if kind == "mid-reply":
            if isinstance(body, str):
                body = body.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
            except OSError:
                pass
        self._drop(reset=False)

    def _drop(self, reset):
        """Closes the connection at once (with an RST when reset)."""
        self.close_connection = True
        try:
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET,
                                           socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass


def chaotic(server_cls, handler_cls):
    """server_cls whose requests go through ChaosHandler first."""
    handler = type("Chaos" + handler_cls.__name__.lstrip("_"),
                   (ChaosHandler, handler_cls), {})

    class Chaotic(server_cls):
        def __init__(self, chaos, *args):
            self.chaos = chaos
            super().__init__(*args)
            self.RequestHandlerClass = handler
    return Chaotic


class Account:
    """One section of the config: its emulator, keys and records, and how
    to read what the emulator holds for a record (a list of addresses:
    more than one is a duplicate)."""

    def __init__(self, label, provider, server, keys, records, held):
        self.label, self.provider, self.server = label, provider, server
        self.keys, self.records, self.held = keys, records, held

    def section(self):
        return ["[%s]" % self.label, "provider = %s" % self.provider] + [
            "%s = %s" % kv for kv in self.keys.items()] + [
            "records = %s" % " ".join(self.records), "type = A", ""]


def cf_account(chaos, ctx):
    e = chaotic(CloudflareEmulator, _CFHandler)(chaos, "127.0.0.1", ctx,
                                                 SECRET).start()
    e.add_zone("example.com")

    def held(name):
        with e.lock:
            return [r["content"] for r in e.records.values()
                    if r["name"] == name and r["type"] == "A"]
    return Account("cf", "cloudflare", e, {
        "token": SECRET, "zone": "example.com", "endpoint": e.base},
        ["home.example.com", "nas.example.com"], held)


def dyn_account(chaos, ctx):
    e = chaotic(DynEmulator, _DynHandler)(chaos, "127.0.0.1", ctx).start()
    names = ["a.dyn.example.net", "b.dyn.example.net"]
    e.add_account("soak", SECRET, *names)

    def held(name):
        a = e.addr(name)
        return [a] if a is not None else []
    return Account("dyn", "dyndns2", e, {
        "server": e.url("/nic/update"), "username": "soak",
        "password": SECRET}, names, held)


def ali_account(chaos, ctx):
    e = chaotic(AlidnsEmulator, _AliHandler)(
        chaos, "127.0.0.1", ctx, "LTAI5tSoakKeyId0001", SECRET).start()
    e.add_domain("example.org")

    def held(name):
        return [r["Value"] for r in e.find("example.org", name.split(".")[0],
                                           "A")]
    return Account("ali", "alidns", e, {
        "access_key_id": "LTAI5tSoakKeyId0001", "access_key_secret": SECRET,
        "endpoint": e.base}, ["ali.example.org"], held)


def dp_account(chaos, ctx):
    e = chaotic(DnspodEmulator, _DnspodHandler)(
        chaos, "127.0.0.1", ctx, "AKIDsoak0123456789abcdef0123456789",
        SECRET).start()
    e.add_domain("example.org")

    def held(name):
        return [r["Value"] for r in e.find("example.org", name.split(".")[0],
                                           "A")]
    return Account("dp", "dnspod", e, {
        "secret_id": "AKIDsoak0123456789abcdef0123456789",
        "secret_key": SECRET, "endpoint": e.base}, ["dp.example.org"], held)


def hw_account(chaos, ctx):
    e = chaotic(HuaweiDnsEmulator, _HWHandler)(
        chaos, "127.0.0.1", ctx, "HPUASOAKKEY000000001", SECRET).start()
    e.add_zone("example.org")

    def held(name):
        with e.lock:
            sets = [r for r in e.recordsets.values()
                    if r["name"] == name + "." and r["type"] == "A"]
        return [a for r in sets for a in r["records"]]
    return Account("hw", "huaweicloud", e, {
        "access_key": "HPUASOAKKEY000000001", "secret_key": SECRET,
        "endpoint": e.base}, ["hw.example.org"], held)


ACCOUNTS = {"cloudflare": cf_account, "dyndns2": dyn_account,
            "alidns": ali_account, "dnspod": dp_account,
            "huaweicloud": hw_account}


class Soak:
    def __init__(self, a, work):
        self.a = a
        self.work = work
        self.rng = random.Random(a.seed)           # addresses
        self.chaos = Chaos(a.seed + 1)             # faults
        self.violations = []
        self.final_violations = 0
        self.stats = Counter()
        self.pki = make_pki(work / "pki", ipv6=False)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(self.pki.cert), str(self.pki.key))
        self.address = self.rng.choice(POOL)
        self.echo = EchoServer("127.0.0.1", ctx, self.address).start()
        self.accts = [ACCOUNTS[p](self.chaos, ctx) for p in a.providers]
        self.home = work / "home"
        self.home.mkdir()
        self.state_path = work / "state.ini"
        self.cfg = work / "ddns.ini"
        lines = ["[general]", "state_file = %s" % self.state_path,
                 "timeout = %d" % TIMEOUT, "ca_file = %s" % self.pki.ca,
                 "ipv4 = %s" % self.echo.url("/ip"), "ipv6 = off", ""]
        for acct in self.accts:
            lines += acct.section()
        self.cfg.write_text("\n".join(lines))
        os.chmod(self.cfg, 0o600)

    def stop(self):
        self.echo.stop()
        for acct in self.accts:
            acct.server.stop()

    # --- what the provider holds -----------------------------------------

    def records(self):
        """Yields (label, name, the addresses the provider holds)."""
        for acct in self.accts:
            for name in acct.records:
                yield acct.label, name, acct.held(name)

    def state(self):
        try:
            return parse_state(self.state_path.read_text())
        except FileNotFoundError:
            return {}
        except Exception as e:      # a state file we cannot read is a bug
            self.violation("the state file does not parse: %s" % e)
            return {}

    # --- checks ----------------------------------------------------------

    def violation(self, what):
        self.final_violations += not self.chaos.on
        self.violations.append((self.stats["runs"], what))
        print("soak: VIOLATION after run %d: %s" % (self.stats["runs"], what),
              flush=True)

    def check(self, code, final=False):
        st = self.state()
        for label, name, held in self.records():
            self.stats["checks"] += 1
            claim = st.get(rec_section(label, "A", name), {}).get("address")
            where = "[%s] %s" % (label, name)
            if len(held) > 1:
                self.violation("%s: %d records at the provider: %s" % (
                    where, len(held), held))
            if claim is not None and claim not in held:
                self.violation("%s: the state claims %s, the provider "
                               "holds %s" % (where, claim, held or "nothing"))
            if code == 0 and (claim != self.address or
                              held != [self.address]):
                self.violation("%s: exit 0 but state %s, provider %s, "
                               "address %s" % (where, claim, held,
                                               self.address))
            if final and (claim != self.address or held != [self.address]):
                self.violation("%s: after the calm run: state %s, provider "
                               "%s, address %s" % (where, claim, held,
                                                   self.address))

    # --- runs ------------------------------------------------------------

    def run_once(self, final=False):
        self.stats["runs"] += 1
        try:
            r = run_binary(self.a.binary, ["-c", self.cfg],
                           clean_env(self.home), self.a.run_timeout)
        except AssertionError as e:         # run_binary's timeout
            self.stats["hangs"] += 1
            self.violation("the run did not end: %s" % str(e)[:300])
            return None
        except OSError as e:
            self.violation("cannot run %s: %s" % (self.a.binary, e))
            return None
        self.stats["exit%d" % r.code if r.code in (0, 1) else
                   "exit_other"] += 1
        if r.code not in (0, 1):
            self.violation("exit %d\n%s" % (r.code, r.err[-2000:]))
        if SECRET in r.both:
            self.violation("the secret in the output")
        for sign in SANITIZERS:         # a sanitizer build (--binary)
            if sign in r.err:
                self.violation("%s\n%s" % (sign, r.err[-3000:]))
                break
        if not self.chaos.settle(10):
            self.violation("a provider request still running 10 s later")
        if self.a.verbose:
            print("run %d: address %s, exit %d, %.2f s" % (
                self.stats["runs"], self.address, r.code, r.elapsed))
        self.check(r.code, final)
        return r.code

    def move_address(self):
        if self.rng.random() < 0.5:
            new = self.rng.choice([a for a in POOL if a != self.address])
            self.address = self.echo.address = new
            self.stats["address_changes"] += 1

    def soak(self):
        t0 = time.monotonic()
        out_of_time = False
        for i in range(self.a.runs):
            if time.monotonic() - t0 > self.a.budget:
                out_of_time = True
                break
            self.move_address()
            self.run_once()
            if (i + 1) % 100 == 0:
                print("soak: %d runs, %d violations, %.0f s" % (
                    i + 1, len(self.violations), time.monotonic() - t0),
                    flush=True)
        self.chaos.on = False
        code = self.run_once(final=True)
        return dict(
            when=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            seed=self.a.seed, seconds=round(time.monotonic() - t0),
            runs=self.stats["runs"] - 1, runs_wanted=self.a.runs,
            out_of_time=out_of_time, exit0=self.stats["exit0"],
            exit1=self.stats["exit1"], exit_other=self.stats["exit_other"],
            hangs=self.stats["hangs"],
            address_changes=self.stats["address_changes"],
            requests=sum(self.chaos.counts.values()),
            faults=sum(n for k, n in self.chaos.counts.items()
                       if k != "none"),
            fault_kinds=dict(sorted(self.chaos.counts.items())),
            checks=self.stats["checks"], providers=list(self.a.providers),
            records=sum(len(x.records) for x in self.accts),
            violations=len(self.violations),
            final_agree=code == 0 and self.final_violations == 0,
            first_violations=[w for _, w in self.violations[:20]])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=int,
                    default=int.from_bytes(os.urandom(4), "big"))
    ap.add_argument("--json")
    ap.add_argument("--budget", type=float, default=1200,
                    help="seconds for all runs (default 1200)")
    ap.add_argument("--run-timeout", type=float, default=30,
                    help="seconds one run may take (default 30)")
    ap.add_argument("--providers", default=",".join(ACCOUNTS),
                    help="comma-separated, of %s (default: all)" %
                    ", ".join(ACCOUNTS))
    ap.add_argument("--keep", action="store_true",
                    help="keep the work directory")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    a.providers = [p for p in a.providers.split(",") if p]
    if not a.providers or set(a.providers) - set(ACCOUNTS):
        print("soak: --providers: choose among %s" % ", ".join(ACCOUNTS),
              file=sys.stderr)
        return 3
    if not os.access(a.binary, os.X_OK):
        print("soak: %s is not an executable" % a.binary, file=sys.stderr)
        return 3
    work = Path(tempfile.mkdtemp(prefix="ddns-soak."))
    print("soak: %d runs, seed %d, budget %d s, work %s" % (
        a.runs, a.seed, a.budget, work), flush=True)
    try:
        s = Soak(a, work)
    except Exception as e:
        print("soak: set-up failed: %s" % e, file=sys.stderr)
        return 3
    try:
        d = s.soak()
    finally:
        s.stop()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(d, f, indent=1, sort_keys=True)
    print("soak: %d runs (exit 0: %d, exit 1: %d) in %d s, %d requests, "
          "%d faults %s, %d address changes, %d checks" % (
              d["runs"], d["exit0"], d["exit1"], d["seconds"], d["requests"],
              d["faults"], d["fault_kinds"], d["address_changes"],
              d["checks"]))
    print("soak: %d violations; state and provider agree at the end: %s" % (
        d["violations"], "yes" if d["final_agree"] else "NO"))
    if d["violations"]:
        return 1
    if d["out_of_time"]:
        print("soak: the budget ran out after %d of %d runs" % (
            d["runs"], d["runs_wanted"]), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
