"""An in-memory Alibaba Cloud DNS (Alidns API 2015-01-09) on 127.0.0.1.

AlidnsEmulator answers the RPC actions ddns-update uses -
GetMainDomainName, DescribeSubDomainRecords, UpdateDomainRecord,
AddDomainRecord - over HTTPS, keeps domains and records in memory, counts
requests, and can be told to fail.

Every request must carry a valid signature V3 (ACS3-HMAC-SHA256). The
check is written here from Alibaba's "V3 request structure and signature"
document, independently of the C signer: the canonical request is rebuilt
from what arrived (method, path, the query re-encoded per RFC 3986 and
sorted, the headers named in SignedHeaders, the SHA-256 of the body), then
hashed, HMACed with the secret and compared. x-acs-content-sha256 must be
the body's hash, x-acs-date recent, the nonce unused, every x-acs-* header
signed. Failures answer like the real service: a JSON body
{"RequestId", "HostId", "Code", "Message", "Recommend"} with a 4xx/5xx.
"""

import calendar
import hashlib
import hmac
import ipaddress
import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import quote, unquote, urlsplit

from e2e_servers import TLSServer, _Handler

ALGO = "ACS3-HMAC-SHA256"
VERSION = "2015-01-09"
MAX_SKEW = 15 * 60                  # seconds either side of our clock
REQUIRED_SIGNED = {"host", "x-acs-action", "x-acs-version", "x-acs-date",
                   "x-acs-signature-nonce", "x-acs-content-sha256"}
COMMON = {"Lang", "UserClientIp"}
ACTIONS = {
    "GetMainDomainName": ({"InputString"}, set()),
    "DescribeSubDomainRecords": ({"SubDomain"},
                                 {"DomainName", "Type", "Line",
                                  "PageNumber", "PageSize"}),
    "UpdateDomainRecord": ({"RecordId", "RR", "Type", "Value"},
                           {"TTL", "Line", "Priority"}),
    "AddDomainRecord": ({"DomainName", "RR", "Type", "Value"},
                        {"TTL", "Line", "Priority"}),
}
# Two-label public suffixes the emulator knows (GetMainDomainName).
SUFFIXES2 = {"co.uk", "com.cn", "net.cn", "org.cn", "com.hk"}
LINES = {"default", "telecom", "unicom", "mobile", "oversea", "edu"}
DATE_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
AUTH_RE = re.compile(r"^ACS3-HMAC-SHA256 Credential=([^,]*),"
                     r"SignedHeaders=([^,]*),Signature=([0-9a-f]{64})$")


# --------------------------------------------------------------------------
# Signature V3, from the spec

def pct(s):
    """RFC 3986 percent-encoding: unreserved kept, space as %20."""
    return quote(s, safe="-_.~")


def canonical_query(raw):
    """The canonical query of a raw query string: every name=value decoded,
    re-encoded, sorted by name then value, joined with '&'."""
    pairs = []
    for part in raw.split("&") if raw else []:
        name, _, value = part.partition("=")
        pairs.append((pct(unquote(name)), pct(unquote(value))))
    return "&".join("%s=%s" % p for p in sorted(pairs))


def canonical_request(method, path, raw_query, headers, signed, body_hash):
    """headers: {lower-case name: value}; signed: the names, in order."""
    lines = "".join("%s:%s\n" % (n, headers[n].strip()) for n in signed)
    return "\n".join([method, path or "/", canonical_query(raw_query),
                      lines, ";".join(signed), body_hash])


def signature(secret, creq):
    h = hashlib.sha256(creq.encode()).hexdigest()
    sts = "%s\n%s" % (ALGO, h)
    return hmac.new(secret.encode(), sts.encode(), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------
# The emulator

class AliError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Call:
    """One request as the emulator saw it."""
    action: str
    params: dict
    signed_ok: bool
    status: int = 0
    code: Optional[str] = None
    headers: dict = field(default_factory=dict)


@dataclass
class Fault:
    action: Optional[str]           # None: any action
    status: int
    code: Optional[str]
    message: str = "injected"
    body: Optional[str] = None      # raw body instead of the error JSON
    times: Optional[int] = 1        # None: forever
    headers: dict = field(default_factory=dict)


class AlidnsEmulator(TLSServer):

    def __init__(self, host, ctx, key_id, secret):
        self.key_id = key_id
        self.secret = secret
        self.domains = set()
        self.records = {}           # RecordId -> record dict
        self.calls = []             # every Call, in order
        self.faults = []
        self.nonces = set()
        self.lock = threading.Lock()
        self._ids = itertools.count(8000000000000001)
        super().__init__(host, _AliHandler, ctx)

    @property
    def base(self):
        return self.url("")

    # --- set-up and inspection -------------------------------------------

    def add_domain(self, name):
        with self.lock:
            self.domains.add(name)

    def add_record(self, domain, rr, typ, value, ttl=600, line="default"):
        with self.lock:
            return self._new_record(domain, rr, typ, value, ttl, line)

    def _new_record(self, domain, rr, typ, value, ttl, line):
        rid = str(next(self._ids))
        self.records[rid] = {"RecordId": rid, "DomainName": domain,
                             "RR": rr, "Type": typ, "Value": value,
                             "TTL": ttl, "Line": line, "Status": "ENABLE",
                             "Locked": False, "Weight": 1}
        return rid

    def find(self, domain, rr, typ=None):
        with self.lock:
            return [dict(r) for r in self.records.values()
                    if r["DomainName"] == domain and r["RR"] == rr and
                    (typ is None or r["Type"] == typ)]

    def fail(self, action, status, code, message="injected", times=1,
             body=None, headers=None):
        with self.lock:
            self.faults.append(Fault(action, status, code, message, body,
                                     times, headers or {}))

    def count(self, action=None):
        with self.lock:
            return sum(1 for c in self.calls
                       if action is None or c.action == action)

    def actions(self):
        with self.lock:
            return [c.action for c in self.calls]

    def reset_log(self):
        with self.lock:
            self.calls.clear()

    def take_fault(self, action):
        with self.lock:
            for f in self.faults:
                if f.action in (None, action) and f.times != 0:
                    if f.times is not None:
                        f.times -= 1
                    return f
        return None


def _rid():
    return str(uuid.uuid4()).upper()


def _error_body(code, message, host):
    return json.dumps({"RequestId": _rid(), "HostId": host, "Code": code,
                       "Message": message,
                       "Recommend": "https://api.aliyun.com/troubleshoot"})


def _main_domain(name):
    labels = name.lower().rstrip(".").split(".")
    n = 3 if ".".join(labels[-2:]) in SUFFIXES2 else 2
    if len(labels) < n:
        raise AliError(400, "InvalidDomainName.Format",
                       "The format of domain is error.")
    return ".".join(labels[-n:]), ".".join(labels[:-n]) or "@"


class _AliHandler(_Handler):
    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method):
        srv = self.server
        u = urlsplit(self.path)
        body = self.read_body()
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        action = hdrs.get("x-acs-action", "")
        params = {unquote(k): unquote(v) for k, _, v in
                  (p.partition("=") for p in u.query.split("&") if p)}
        call = Call(action, params, False, headers=hdrs)
        with srv.lock:
            srv.calls.append(call)
        try:
            self._verify(method, u.path, u.query, hdrs, body)
            call.signed_ok = True
            fault = srv.take_fault(action)
            if fault is not None:
                self._fault(call, fault)
                return
            with srv.lock:
                reply = self._dispatch(action, params)
            reply["RequestId"] = _rid()
            call.status = 200
            self.send(200, json.dumps(reply), "application/json")
        except AliError as e:
            call.status, call.code = e.status, e.code
            self.send(e.status, _error_body(e.code, e.message,
                                            hdrs.get("host", "")),
                      "application/json")

    def _fault(self, call, f):
        call.status, call.code = f.status, f.code
        body = f.body if f.body is not None else _error_body(
            f.code, f.message, "alidns.aliyuncs.com")
        self.send(f.status, body, "application/json", f.headers)

    # --- authentication ---------------------------------------------------

    def _verify(self, method, path, raw_query, hdrs, body):
        srv = self.server
        m = AUTH_RE.match(hdrs.get("authorization", ""))
        if m is None:
            raise AliError(400, "IncompleteSignature",
                           "The request signature does not conform to "
                           "Aliyun standards.")
        key_id, signed_s, sig = m.groups()
        if key_id != srv.key_id:
            raise AliError(404, "InvalidAccessKeyId.NotFound",
                           "Specified access key is not found.")
        signed = signed_s.split(";")
        acs = {n for n in hdrs if n.startswith("x-acs-")}
        if signed != sorted(set(signed)) or \
                not REQUIRED_SIGNED <= set(signed) or not acs <= set(signed) \
                or any(n not in hdrs for n in signed):
            raise AliError(400, "IncompleteSignature",
                           "SignedHeaders must list host and every x-acs-* "
                           "header, lower case and sorted: %s" % signed_s)
        body_hash = hashlib.sha256(body).hexdigest()
        if hdrs["x-acs-content-sha256"] != body_hash:
            raise AliError(400, "InvalidParameter.ContentSHA256",
                           "x-acs-content-sha256 is not the SHA-256 of "
                           "the body.")
        creq = canonical_request(method, path, raw_query, hdrs, signed,
                                 body_hash)
        if not hmac.compare_digest(signature(srv.secret, creq), sig):
            raise AliError(400, "SignatureDoesNotMatch",
                           "Specified signature is not matched with our "
                           "calculation.")
        self._check_fresh(hdrs)

    def _check_fresh(self, hdrs):
        srv = self.server
        date = hdrs["x-acs-date"]
        if not DATE_RE.match(date):
            raise AliError(400, "InvalidTimeStamp.Format",
                           "x-acs-date %r is not ISO 8601 UTC." % date)
        t = calendar.timegm(time.strptime(date, "%Y-%m-%dT%H:%M:%SZ"))
        if abs(t - time.time()) > MAX_SKEW:
            raise AliError(400, "InvalidTimeStamp.Expired",
                           "Specified time stamp or date value is expired.")
        nonce = hdrs["x-acs-signature-nonce"]
        with srv.lock:
            if nonce in srv.nonces:
                raise AliError(400, "SignatureNonceUsed",
                               "Specified signature nonce was used "
                               "already.")
            srv.nonces.add(nonce)
        if hdrs["x-acs-version"] != VERSION:
            raise AliError(400, "InvalidVersion",
                           "Specified parameter Version is not valid.")

    # --- actions ------------------------------------------------------------

    def _dispatch(self, action, p):
        if action not in ACTIONS:
            raise AliError(404, "InvalidAction.NotFound",
                           "Specified api is not found.")
        need, may = ACTIONS[action]
        missing = sorted(need - set(p))
        if missing:
            raise AliError(400, "MissingParameter",
                           "%s is mandatory for this action." % missing[0])
        unknown = sorted(set(p) - need - may - COMMON)
        if unknown:
            raise AliError(400, "InvalidParameter",
                           "Unknown parameter %s." % unknown[0])
        return getattr(self, "_" + action)(p)

    def _domain(self, name):
        name = name.lower()
        if name not in self.server.domains:
            raise AliError(400, "InvalidDomainName.NoExist",
                           "The specified domain name does not exist.")
        return name

    def _GetMainDomainName(self, p):
        dom, rr = _main_domain(p["InputString"])
        return {"DomainName": dom, "RR": rr,
                "DomainLevel": p["InputString"].rstrip(".").count(".") + 1}

    def _DescribeSubDomainRecords(self, p):
        sub = p["SubDomain"].lower().rstrip(".")
        if "DomainName" in p:
            dom = self._domain(p["DomainName"])
            if sub == dom:
                rr = "@"
            elif sub.endswith("." + dom):
                rr = sub[:-len(dom) - 1]
            else:
                raise AliError(400, "InvalidParameter",
                               "SubDomain is not under DomainName.")
        else:
            dom, rr = _main_domain(sub)
            self._domain(dom)
        recs = [dict(r) for r in self.server.records.values()
                if r["DomainName"] == dom and r["RR"] == rr and
                ("Type" not in p or r["Type"] == p["Type"].upper()) and
                ("Line" not in p or r["Line"] == p["Line"])]
        return {"TotalCount": len(recs), "PageNumber": 1,
                "PageSize": len(recs), "DomainRecords": {"Record": recs}}

    def _validate(self, p):
        typ = p["Type"]
        fam = {"A": ipaddress.IPv4Address,
               "AAAA": ipaddress.IPv6Address}.get(typ)
        if fam is None:
            raise AliError(400, "InvalidParameter",
                           "Type %s is not supported here." % typ)
        try:
            fam(p["Value"])
        except ValueError:
            raise AliError(400, "InvalidValue",
                           "The value of %s record is invalid." % typ) \
                from None
        ttl = 600
        if "TTL" in p:
            if not p["TTL"].isdigit() or not 1 <= int(p["TTL"]) <= 86400:
                raise AliError(400, "InvalidTTL", "TTL is invalid.")
            ttl = int(p["TTL"])
        line = p.get("Line", "default")
        if line not in LINES:
            raise AliError(400, "InvalidLine", "Line is invalid.")
        if not re.match(r"^(@|[a-z0-9*_-]+(\.[a-z0-9_-]+)*)$",
                        p["RR"].lower()):
            raise AliError(400, "InvalidRR.Format", "RR is invalid.")
        return ttl, line

    def _duplicate(self, dom, p, line, skip=None):
        for r in self.server.records.values():
            if r["RecordId"] != skip and r["DomainName"] == dom and \
                    r["RR"] == p["RR"] and r["Type"] == p["Type"] and \
                    r["Value"] == p["Value"] and r["Line"] == line:
                return True
        return False

    def _UpdateDomainRecord(self, p):
        r = self.server.records.get(p["RecordId"])
        if r is None:
            raise AliError(400, "DomainRecordNotBelongToUser",
                           "The DNS record does not belong to you.")
        ttl, line = self._validate(p)
        same = (r["RR"], r["Type"], r["Value"], r["Line"]) == (
            p["RR"], p["Type"], p["Value"], line)
        if same or self._duplicate(r["DomainName"], p, line, r["RecordId"]):
            raise AliError(400, "DomainRecordDuplicate",
                           "The DNS record already exists.")
        r.update(RR=p["RR"], Type=p["Type"], Value=p["Value"], TTL=ttl,
                 Line=line)
        return {"RecordId": r["RecordId"]}

    def _AddDomainRecord(self, p):
        dom = p["DomainName"].lower()
        if dom not in self.server.domains:
            raise AliError(400, "IncorrectDomainUser",
                           "The domain name does not belong to you.")
        ttl, line = self._validate(p)
        if self._duplicate(dom, p, line):
            raise AliError(400, "DomainRecordDuplicate",
                           "The DNS record already exists.")
        rid = self.server._new_record(dom, p["RR"], p["Type"], p["Value"],
                                      ttl, line)
        return {"RecordId": rid}
