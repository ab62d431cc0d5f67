"""An in-memory Tencent Cloud DNSPod (API 3.0, version 2021-03-23) on
127.0.0.1.

DnspodEmulator answers the actions ddns-update uses - DescribeRecordList,
CreateRecord, ModifyRecord (and ModifyDynamicDNS) - over HTTPS, keeps
domains and records in memory, records every call, and can be told to fail.

Every request must carry a valid TC3-HMAC-SHA256 signature. The check is
written here from Tencent Cloud's "Signature v3" document, independently of
the C signer: the canonical request is rebuilt from what arrived (method,
path, query, the headers named in SignedHeaders with lower-cased values,
the SHA-256 of the body), then signed with the key chain
HMAC("TC3" + SecretKey, date) -> service -> "tc3_request" and compared.
X-TC-Timestamp must be within five minutes and its UTC date must be the
Credential's; content-type and host must be signed. Like the real service,
every failure is HTTP 200 with {"Response": {"Error": {"Code", "Message"},
"RequestId"}}.
"""

import hashlib
import hmac
import ipaddress
import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from e2e_servers import TLSServer, _Handler

ALGO = "TC3-HMAC-SHA256"
SERVICE = "dnspod"
VERSION = "2021-03-23"
MAX_SKEW = 300                      # seconds, as the real API allows
LINES = {"默认": "0", "电信": "10=0", "联通": "10=1", "移动": "10=3",
         "境外": "3=0"}
AUTH_RE = re.compile(r"^TC3-HMAC-SHA256 Credential=([^/, ]+)/"
                     r"(\d{4}-\d\d-\d\d)/([a-z0-9]+)/tc3_request, "
                     r"SignedHeaders=([a-z0-9;-]+), "
                     r"Signature=([0-9a-f]{64})$")
# Parameters each action takes: (required, optional).
ACTIONS = {
    "DescribeRecordList": ({"Domain"}, {
        "DomainId", "Subdomain", "RecordType", "RecordLine", "RecordLineId",
        "GroupId", "Keyword", "SortField", "SortType", "Offset", "Limit"}),
    "CreateRecord": ({"Domain", "RecordType", "RecordLine", "Value"}, {
        "DomainId", "SubDomain", "RecordLineId", "MX", "TTL", "Weight",
        "Status", "Remark"}),
    "ModifyRecord": ({"Domain", "RecordType", "RecordLine", "Value",
                      "RecordId"}, {
        "DomainId", "SubDomain", "RecordLineId", "MX", "TTL", "Weight",
        "Status", "Remark"}),
    "ModifyDynamicDNS": ({"Domain", "RecordId", "RecordLine"}, {
        "DomainId", "SubDomain", "RecordLineId", "Value", "Ttl"}),
}
INT_PARAMS = {"RecordId", "TTL", "Ttl", "MX", "Weight", "DomainId",
              "Offset", "Limit", "GroupId"}
# Two-label public suffixes: a domain below one is still a main domain.
SUFFIXES2 = {"co.uk", "com.cn", "net.cn", "org.cn", "com.hk"}


# --------------------------------------------------------------------------
# TC3-HMAC-SHA256, from the spec

def utc_date(ts):
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


def canonical_request(method, path, query, headers, signed, body):
    """headers: {lower-case name: value}; signed: names in order."""
    lines = "".join("%s:%s\n" % (n, headers[n].strip().lower())
                    for n in signed)
    return "\n".join([method, path or "/", query, lines,
                      ";".join(signed), hashlib.sha256(body).hexdigest()])


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signature(secret_key, date, service, ts, creq):
    """The hex signature of a canonical request."""
    sts = "\n".join([ALGO, str(ts), "%s/%s/tc3_request" % (date, service),
                     hashlib.sha256(creq.encode("utf-8")).hexdigest()])
    k = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    k = _hmac(k, service)
    k = _hmac(k, "tc3_request")
    return hmac.new(k, sts.encode("utf-8"), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------
# The emulator

class ApiError(Exception):
    def __init__(self, code, message):
        super().__init__(code)
        self.code, self.message = code, message


@dataclass
class Call:
    action: str
    params: object              # the parsed body (raw bytes if not JSON)
    headers: dict               # lower-case name -> value
    signed_ok: bool = False
    signed: str = ""            # SignedHeaders as sent
    code: Optional[str] = None  # error code answered, None for success


@dataclass
class Fault:
    action: str                 # "*" for any
    code: Optional[str]         # error code, or None to send body raw
    message: str
    times: Optional[int]        # None: forever
    status: int = 200
    body: Optional[str] = None  # raw reply instead of an error


class DnspodEmulator(TLSServer):
    def __init__(self, host, ctx, secret_id, secret_key):
        self.secret_id, self.secret_key = secret_id, secret_key
        self.domains = set()
        self.records = {}           # RecordId -> record dict
        self.calls = []
        self.faults = []
        self.clock_skew = 0         # added to our clock when checking
        self.lock = threading.Lock()
        self._ids = itertools.count(1000001)
        super().__init__(host, _DnspodHandler, ctx)

    @property
    def base(self):
        return self.url("")

    # --- set-up -----------------------------------------------------------

    def add_domain(self, name):
        with self.lock:
            self.domains.add(name.lower())

    def add_record(self, domain, name, typ, value, ttl=600, line="默认"):
        with self.lock:
            return self._new_record(domain, name, typ, value, ttl, line)

    def _new_record(self, domain, name, typ, value, ttl, line):
        rid = next(self._ids)
        self.records[rid] = {
            "RecordId": rid, "Domain": domain, "Name": name, "Type": typ,
            "Line": line, "LineId": LINES.get(line, "0"), "Value": value,
            "TTL": ttl, "Status": "ENABLE", "MX": 0, "Weight": None,
            "Remark": "", "MonitorStatus": "",
            "UpdatedOn": time.strftime("%Y-%m-%d %H:%M:%S")}
        return rid

    def find(self, domain, name, typ=None, line=None):
        with self.lock:
            return [dict(r) for r in self.records.values()
                    if r["Domain"] == domain and r["Name"] == name and
                    (typ is None or r["Type"] == typ) and
                    (line is None or r["Line"] == line)]

    def drop(self, rid):
        with self.lock:
            del self.records[rid]

    def set_value(self, rid, value):
        with self.lock:
            self.records[rid]["Value"] = value

    def fail(self, action, code, message="injected", times=1, status=200,
             body=None):
        with self.lock:
            self.faults.append(Fault(action, code, message, times, status,
                                     body))

    # --- the log ----------------------------------------------------------

    def actions(self):
        with self.lock:
            return [c.action for c in self.calls]

    def reset_log(self):
        with self.lock:
            self.calls = []

    def take_fault(self, action):
        with self.lock:
            for f in self.faults:
                if f.action in ("*", action) and f.times != 0:
                    if f.times is not None:
                        f.times -= 1
                    return f
        return None


def _reply(inner):
    out = dict(inner)
    out["RequestId"] = str(uuid.uuid4())
    return {"Response": out}


def _error(code, message):
    return _reply({"Error": {"Code": code, "Message": message}})


def _is_main_domain(name):
    labels = name.split(".")
    if len(labels) == 2:
        return True
    return len(labels) == 3 and ".".join(labels[1:]) in SUFFIXES2


class _DnspodHandler(_Handler):
    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method):
        srv = self.server
        body = self.read_body()
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            params = body
        call = Call(hdrs.get("x-tc-action", ""), params, hdrs)
        with srv.lock:
            srv.calls.append(call)
        try:
            self._verify(call, method, body)
            call.signed_ok = True
            fault = srv.take_fault(call.action)
            if fault is not None:
                self._fault(call, fault)
                return
            with srv.lock:
                out = self._dispatch(call.action, params)
            self._send(200, _reply(out))
        except ApiError as e:
            call.code = e.code
            self._send(200, _error(e.code, e.message))

    def _send(self, status, obj):
        self.send(status, json.dumps(obj, ensure_ascii=False),
                  "application/json")

    def _fault(self, call, f):
        call.code = f.code or "raw"
        if f.body is not None:
            self.send(f.status, f.body, "text/html")
        else:
            self._send(f.status, _error(f.code, f.message))

    # --- signature ----------------------------------------------------------

    def _verify(self, call, method, body):
        srv, h = self.server, call.headers
        if method != "POST":
            raise ApiError("UnsupportedProtocol", "only POST here")
        m = AUTH_RE.match(h.get("authorization", ""))
        if m is None:
            raise ApiError("AuthFailure.InvalidAuthorization",
                           "Authorization is malformed.")
        sid, date, service, signed, sig = m.groups()
        call.signed = signed
        if sid != srv.secret_id:
            raise ApiError("AuthFailure.SecretIdNotFound",
                           "The SecretId is not found.")
        ts = self._fresh(h.get("x-tc-timestamp", ""))
        names = signed.split(";")
        if (service != SERVICE or date != utc_date(ts) or
                names != sorted(set(names)) or
                not {"content-type", "host"} <= set(names) or
                any(n not in h for n in names)):
            raise ApiError("AuthFailure.SignatureFailure",
                           "The provided credentials could not be "
                           "validated (credential scope or signed "
                           "headers).")
        u = urlsplit(self.path)
        creq = canonical_request(method, u.path, u.query, h, names, body)
        want = signature(srv.secret_key, date, service, ts, creq)
        if not hmac.compare_digest(want, sig):
            raise ApiError("AuthFailure.SignatureFailure",
                           "The provided credentials could not be "
                           "validated. Please check your signature is "
                           "correct.")
        if not h.get("content-type", "").startswith("application/json"):
            raise ApiError("InvalidParameter", "Content-Type must be "
                           "application/json.")
        if h.get("x-tc-version") != VERSION:
            raise ApiError("NoSuchVersion", "The API version does not "
                           "exist.")

    def _fresh(self, raw):
        if not re.fullmatch(r"\d{1,12}", raw):
            raise ApiError("MissingParameter", "X-TC-Timestamp is missing "
                           "or not a number.")
        ts = int(raw)
        if abs(time.time() + self.server.clock_skew - ts) > MAX_SKEW:
            raise ApiError("AuthFailure.SignatureExpire",
                           "Signature expired. Timestamp and server time "
                           "cannot differ by more than five minutes.")
        return ts

    # --- actions ------------------------------------------------------------

    def _dispatch(self, action, p):
        if action not in ACTIONS:
            raise ApiError("InvalidAction", "The action %r is not found."
                           % action)
        if not isinstance(p, dict):
            raise ApiError("InvalidParameter", "The body is not a JSON "
                           "object.")
        req, opt = ACTIONS[action]
        for k in sorted(set(p) - req - opt):
            raise ApiError("UnknownParameter", "The parameter `%s` is not "
                           "recognized." % k)
        for k in sorted(req - set(p)):
            raise ApiError("MissingParameter", "The request is missing a "
                           "required parameter `%s`." % k)
        for k, v in p.items():
            want = int if k in INT_PARAMS else str
            if type(v) is not want:
                raise ApiError("InvalidParameter", "The type of `%s` is "
                               "wrong (want %s)." % (k, want.__name__))
        return getattr(self, "_" + action)(p)

    def _domain(self, name):
        d = name.lower()
        if d in self.server.domains:
            return d
        if not _is_main_domain(d):
            raise ApiError("InvalidParameter.DomainInvalid", "The domain "
                           "is invalid: enter a main domain such as "
                           "dnspod.cn.")
        raise ApiError("InvalidParameterValue.DomainNotExists",
                       "The domain does not exist in this account.")

    def _DescribeRecordList(self, p):
        dom = self._domain(p["Domain"])
        rs = [dict(r) for r in self.server.records.values()
              if r["Domain"] == dom and
              ("Subdomain" not in p or
               r["Name"].lower() == p["Subdomain"].lower()) and
              ("RecordType" not in p or r["Type"] == p["RecordType"]) and
              ("RecordLine" not in p or r["Line"] == p["RecordLine"])]
        if not rs:
            raise ApiError("ResourceNotFound.NoDataOfRecord",
                           "No records on the list.")
        for r in rs:
            del r["Domain"]
        return {"RecordCountInfo": {"SubdomainCount": 1,
                                    "TotalCount": len(rs),
                                    "ListCount": len(rs)},
                "RecordList": rs}

    def _validate(self, p, dom):
        typ, value = p["RecordType"], p["Value"]
        fam = {"A": ipaddress.IPv4Address,
               "AAAA": ipaddress.IPv6Address}.get(typ)
        if fam is None:
            raise ApiError("InvalidParameter.RecordTypeInvalid",
                           "The record type is wrong.")
        try:
            fam(value)
        except ValueError:
            raise ApiError("InvalidParameter.RecordValueInvalid",
                           "The record value is wrong.") from None
        if p["RecordLine"] not in LINES:
            raise ApiError("InvalidParameter.RecordLineInvalid",
                           "The record line is wrong.")
        ttl = p.get("TTL", p.get("Ttl", 600))
        if not 1 <= ttl <= 604800:
            raise ApiError("LimitExceeded.RecordTtlLimit",
                           "The TTL is out of range.")
        name = p.get("SubDomain", "@")
        if not re.fullmatch(r"@|[a-z0-9*_-]+(\.[a-z0-9_-]+)*", name):
            raise ApiError("InvalidParameter.SubdomainInvalid",
                           "The subdomain is wrong.")
        return name, ttl

    def _duplicate(self, dom, name, p, skip=None):
        for r in self.server.records.values():
            if (r["RecordId"] != skip and r["Domain"] == dom and
                    r["Name"] == name and r["Type"] == p["RecordType"] and
                    r["Line"] == p["RecordLine"] and
                    r["Value"] == p["Value"]):
                raise ApiError("InvalidParameter.DomainRecordExist",
                               "The record already exists.")

    def _CreateRecord(self, p):
        dom = self._domain(p["Domain"])
        name, ttl = self._validate(p, dom)
        self._duplicate(dom, name, p)
        rid = self.server._new_record(dom, name, p["RecordType"],
                                      p["Value"], ttl, p["RecordLine"])
        return {"RecordId": rid}

    def _ModifyRecord(self, p):
        dom = self._domain(p["Domain"])
        r = self.server.records.get(p["RecordId"])
        if r is None or r["Domain"] != dom:
            raise ApiError("InvalidParameter.RecordIdInvalid",
                           "The record id is wrong.")
        name, ttl = self._validate(p, dom)
        self._duplicate(dom, name, p, skip=r["RecordId"])
        r.update(Name=name, Type=p["RecordType"], Line=p["RecordLine"],
                 LineId=LINES[p["RecordLine"]], Value=p["Value"], TTL=ttl,
                 UpdatedOn=time.strftime("%Y-%m-%d %H:%M:%S"))
        return {"RecordId": r["RecordId"]}

    def _ModifyDynamicDNS(self, p):
        r = self.server.records.get(p["RecordId"])
        if r is None or r["Domain"] != self._domain(p["Domain"]):
            raise ApiError("InvalidParameter.RecordIdInvalid",
                           "The record id is wrong.")
        q = dict(p, RecordType=r["Type"], Value=p.get("Value", r["Value"]))
        name, ttl = self._validate(q, r["Domain"])
        r.update(Name=name, Value=q["Value"], TTL=ttl)
        return {"RecordId": r["RecordId"]}
