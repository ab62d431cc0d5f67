"""An in-memory Huawei Cloud DNS API (public zones, record sets v2.1) on
127.0.0.1 over HTTPS, for the end-to-end tests of provider huaweicloud.

Every request must carry a valid APIG AK/SK signature (SDK-HMAC-SHA256).
The signature is checked here from the published algorithm, with hmac and
hashlib only (nothing shared with the C code):

  CanonicalRequest = METHOD \\n URI \\n QUERY \\n HEADERS \\n SIGNED \\n HASH
    URI      the path, each segment URI-encoded, ending in '/'
    QUERY    parameters URI-encoded, sorted, joined with '&'
    HEADERS  "name:value\\n" for each signed header (lower-case, trimmed)
    SIGNED   the signed header names, sorted, joined with ';'
    HASH     hex SHA-256 of the body
  StringToSign = "SDK-HMAC-SHA256\\n" + X-Sdk-Date + "\\n" +
                 hex(SHA-256(CanonicalRequest))
  Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=
                 hex(HMAC-SHA256(SK, StringToSign))

Failures answer like the real service: the API gateway with
{"error_code": "APIGW.0301", "error_msg": ...}, DNS with
{"code": "DNS.xxxx", "message": ...}, using the codes of Huawei's error
code table (api-dns/ErrorCode.html): an unknown zone id is 400 DNS.0302,
an unknown record set 404 DNS.0313.
"""

import calendar
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from e2e_servers import TLSServer, _Handler

ALGO = "SDK-HMAC-SHA256"
DATE_FMT = "%Y%m%dT%H%M%SZ"
MAX_SKEW = 15 * 60          # seconds the APIG accepts between clocks
AUTH_RE = re.compile(r"^SDK-HMAC-SHA256 Access=([^,\s]+), "
                     r"SignedHeaders=([a-z0-9;_-]+), Signature=([0-9a-f]{64})$")
DEFAULT_LINE = "default_view"
RS_FIELDS = {"name", "type", "records", "ttl", "description", "line",
             "status", "tags", "weight"}
PUT_FIELDS = {"name", "type", "records", "ttl", "description", "weight"}


# --------------------------------------------------------------------------
# Signature, from the spec

def _enc(s):
    return quote(s, safe="-_.~")


def canonical_uri(raw_path):
    segs = [_enc(unquote(s)) for s in raw_path.split("/")]
    uri = "/".join(segs)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(raw_query):
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    return "&".join("%s=%s" % (_enc(k), _enc(v))
                    for k, v in sorted(pairs))


def canonical_request(method, raw_path, raw_query, headers, signed, body):
    lines = "".join("%s:%s\n" % (h, (headers.get(h) or "").strip())
                    for h in signed)
    return "\n".join([method, canonical_uri(raw_path),
                      canonical_query(raw_query), lines,
                      ";".join(signed), hashlib.sha256(body).hexdigest()])


def signature(sk, sdk_date, creq):
    sts = "%s\n%s\n%s" % (ALGO, sdk_date,
                          hashlib.sha256(creq.encode()).hexdigest())
    return hmac.new(sk.encode(), sts.encode(), hashlib.sha256).hexdigest()


def verify(ak, sk, method, raw_path, raw_query, headers, body, now=None,
           want_host=None):
    """Checks a request's signature. headers: lower-case name -> value.
    Returns None when it is good, else why not (for error_msg)."""
    m = AUTH_RE.match(headers.get("authorization", ""))
    if m is None:
        return "Authorization header missing or malformed"
    access, signed_s, sig = m.groups()
    signed = signed_s.split(";")
    if access != ak:
        return "unknown access key"
    if signed != sorted(set(signed)):
        return "SignedHeaders not sorted or repeated"
    for h in ("host", "x-sdk-date"):
        if h not in signed:
            return "%s is not signed" % h
    for h in signed:
        if h not in headers:
            return "signed header %s is absent" % h
    if want_host is not None and headers["host"] != want_host:
        return "Host %r is not this server" % headers["host"]
    date = headers["x-sdk-date"]
    try:
        t = calendar.timegm(time.strptime(date, DATE_FMT))
    except ValueError:
        return "X-Sdk-Date %r malformed" % date
    if abs((now if now is not None else time.time()) - t) > MAX_SKEW:
        return "X-Sdk-Date %s too far from now" % date
    creq = canonical_request(method, raw_path, raw_query, headers, signed,
                             body)
    if not hmac.compare_digest(signature(sk, date, creq), sig):
        return "verify aksk signature fail"
    return None


# --------------------------------------------------------------------------
# The service

@dataclass
class Request:
    method: str
    path: str
    query: dict             # name -> value (last wins)
    body: object            # parsed JSON, raw bytes when not JSON
    auth_ok: bool
    auth_error: Optional[str]
    headers: dict
    status: int = 0


@dataclass
class Op:
    kind: str               # put, post
    zone: str
    rid: Optional[str]
    name: Optional[str]
    type: Optional[str]
    body: object
    ok: bool = False


@dataclass
class Fault:
    """Makes matching requests fail: status, body (dict/list -> JSON,
    str/bytes -> raw, None -> a gateway error with code/message), headers.
    method and path (a regex searched in the path) select; times counts
    how many more it applies to (None: always)."""
    status: int = 500
    body: object = None
    headers: dict = field(default_factory=dict)
    method: Optional[str] = None
    path: Optional[str] = None
    times: Optional[int] = None
    code: str = "APIGW.0101"
    message: str = "Internal error"

    def matches(self, method, path):
        if self.times is not None and self.times <= 0:
            return False
        if self.method and self.method != method:
            return False
        return not self.path or re.search(self.path, path) is not None


class ApiError(Exception):
    def __init__(self, status, code, message, gateway=False):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.gateway = gateway

    def body(self):
        if self.gateway:
            return {"error_code": self.code, "error_msg": self.message,
                    "request_id": secrets.token_hex(16)}
        return {"code": self.code, "message": self.message}


def _new_id():
    return secrets.token_hex(16)


def _fqdn(n):
    return n.lower().rstrip(".") + "."


def _stamp():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000", time.gmtime())


class HuaweiDnsEmulator(TLSServer):
    def __init__(self, host, ctx, ak, sk):
        self.ak, self.sk = ak, sk
        self.zones = {}             # "example.com." -> id
        self.recordsets = {}        # id -> record set (API shape)
        self.requests = []
        self.ops = []
        self.faults = []
        self.lock = threading.RLock()
        super().__init__(host, _HWHandler, ctx)

    # --- set-up and inspection ------------------------------------------

    @property
    def base(self):
        return self.url("")

    @property
    def hostport(self):
        return "%s:%d" % (self.host, self.port)

    def add_zone(self, name):
        with self.lock:
            z = _fqdn(name)
            self.zones.setdefault(z, _new_id())
            return self.zones[z]

    def zone_name(self, zid):
        for n, i in self.zones.items():
            if i == zid:
                return n
        return None

    def _zone_for(self, fqdn):
        best = None
        for z in self.zones:
            if fqdn == z or fqdn.endswith("." + z):
                if best is None or len(z) > len(best):
                    best = z
        return best

    def add_rs(self, name, records, type="A", ttl=300, line=DEFAULT_LINE):
        with self.lock:
            n = _fqdn(name)
            zname = self._zone_for(n)
            rid = _new_id()
            self.recordsets[rid] = self._new_rs(rid, self.zones[zname],
                                                zname, n, type, records, ttl,
                                                line)
            return rid

    def _new_rs(self, rid, zid, zname, name, type, records, ttl, line):
        return {"id": rid, "name": name, "type": type, "ttl": ttl,
                "records": list(records), "line": line, "zone_id": zid,
                "zone_name": zname, "status": "ACTIVE", "default": False,
                "description": None, "weight": None,
                "project_id": "e2e", "created_at": _stamp(),
                "updated_at": _stamp()}

    def find(self, name, type="A", line=DEFAULT_LINE):
        with self.lock:
            return [dict(r) for r in self.recordsets.values()
                    if r["name"] == _fqdn(name) and r["type"] == type and
                    r["line"] == line]

    def records(self, name, type="A"):
        """The single default-line record set's values, None when absent."""
        rs = self.find(name, type)
        assert len(rs) <= 1, "duplicate record sets: %r" % rs
        return rs[0]["records"] if rs else None

    def delete(self, rid):
        with self.lock:
            del self.recordsets[rid]

    def fault(self, **kw):
        f = Fault(**kw)
        with self.lock:
            self.faults.append(f)
        return f

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def reset_log(self):
        with self.lock:
            self.requests.clear()
            self.ops.clear()

    def count(self, method=None, path=None):
        with self.lock:
            return sum(1 for r in self.requests
                       if (method is None or r.method == method) and
                       (path is None or re.search(path, r.path)))

    def take_fault(self, method, path):
        with self.lock:
            for f in self.faults:
                if f.matches(method, path):
                    if f.times is not None:
                        f.times -= 1
                    return f
        return None


class _HWHandler(_Handler):
    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def do_PATCH(self):
        self._serve("PATCH")

    def _serve(self, method):
        srv = self.server
        u = urlsplit(self.path)
        raw = self.read_body()
        hdrs = {k.lower(): v for k, v in self.headers.items()}
        why = verify(srv.ak, srv.sk, method, u.path, u.query, hdrs, raw,
                     want_host=srv.hostport)
        body = raw
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        req = Request(method, u.path, dict(parse_qsl(u.query, True)), body,
                      why is None, why, hdrs)
        with srv.lock:
            srv.requests.append(req)
        f = srv.take_fault(method, u.path)
        if f is not None:
            req.status = f.status
            return self._fault_reply(f)
        if why is not None:
            e = ApiError(401, "APIGW.0301", "Incorrect IAM authentication "
                         "information: " + why, gateway=True)
            status, out = e.status, e.body()
        else:
            status, out = self._dispatch(req)
        req.status = status
        self.send(status, json.dumps(out), "application/json")

    def _fault_reply(self, f):
        body = f.body
        if body is None:
            body = ApiError(f.status, f.code, f.message, True).body()
        if isinstance(body, (dict, list)):
            self.send(f.status, json.dumps(body), "application/json",
                      f.headers)
        else:
            self.send(f.status, body, "text/plain", f.headers)

    def _dispatch(self, req):
        try:
            with self.server.lock:
                return self._route(req)
        except ApiError as e:
            return e.status, e.body()

    def _route(self, req):
        m, parts = req.method, req.path.strip("/").split("/")
        if parts == ["v2", "zones"] and m == "GET":
            return 200, self._list_zones(req)
        if len(parts) >= 4 and parts[0] == "v2.1" and parts[1] == "zones" \
                and parts[3] == "recordsets":
            zid = parts[2]
            if self.server.zone_name(zid) is None:
                raise ApiError(400, "DNS.0302", "This zone does not exist.")
            if len(parts) == 4 and m == "GET":
                return 200, self._list_rs(zid, req)
            if len(parts) == 4 and m == "POST":
                return 202, self._create(zid, req.body)
            if len(parts) == 5 and m == "PUT":
                return 202, self._update(zid, parts[4], req.body)
        raise ApiError(404, "APIGW.0101", "The API does not exist or has "
                       "not been published in the environment", True)

    # --- reads ------------------------------------------------------------

    def _list_zones(self, req):
        want = req.query.get("name", "").lower().rstrip(".")
        zs = [{"id": i, "name": n, "zone_type": "public", "ttl": 300,
               "email": "hostmaster@" + n.rstrip("."), "serial": 1,
               "status": "ACTIVE", "record_num": 2, "pool_id": "p"}
              for n, i in sorted(self.server.zones.items())
              if want in n]     # name: fuzzy search
        return {"links": {"self": "https://%s/v2/zones" %
                          self.server.hostport},
                "zones": zs, "metadata": {"total_count": len(zs)}}

    def _list_rs(self, zid, req):
        want = req.query.get("name", "").lower().rstrip(".")
        typ = req.query.get("type")
        mode = req.query.get("search_mode", "like")
        if mode not in ("like", "equal"):
            raise ApiError(400, "DNS.0002", "Invalid request.")
        try:
            limit = int(req.query.get("limit", "500"))
            offset = int(req.query.get("offset", "0"))
        except ValueError:
            raise ApiError(400, "DNS.0006", "The limit parameter is "
                           "invalid.") from None
        if not 0 <= limit <= 500:
            raise ApiError(400, "DNS.0006", "The limit parameter is "
                           "invalid.")
        if offset < 0:
            raise ApiError(400, "DNS.0017", "The offset parameter is "
                           "invalid.")
        # name: fuzzy ("like", the default) or exact; type exact
        rs = [dict(r) for r in sorted(self.server.recordsets.values(),
                                      key=lambda r: r["id"])
              if r["zone_id"] == zid and
              (r["name"].rstrip(".") == want if mode == "equal"
               else want in r["name"]) and
              (typ is None or r["type"] == typ)]
        return {"links": {}, "recordsets": rs[offset:offset + limit],
                "metadata": {"total_count": len(rs)}}

    # --- writes -----------------------------------------------------------

    def _check_values(self, typ, records, ttl):
        fam = {"A": ipaddress.IPv4Address,
               "AAAA": ipaddress.IPv6Address}.get(typ)
        if fam is None:
            raise ApiError(400, "DNS.0307", "Unsupported type %r." % typ)
        if not isinstance(records, list) or not records or not all(
                isinstance(v, str) for v in records):
            raise ApiError(400, "DNS.0308", "records must be a non-empty "
                           "list of strings.")
        for v in records:
            try:
                fam(v)
            except ValueError:
                raise ApiError(400, "DNS.0308", "Invalid record value %r."
                               % v) from None
        if ttl is not None and (type(ttl) is not int or
                                not 1 <= ttl <= 2147483647):
            raise ApiError(400, "DNS.0319", "The TTL parameter has been "
                           "out of range.")

    def _create(self, zid, body):
        srv = self.server
        op = Op("post", zid, None, None, None, body)
        srv.ops.append(op)
        if not isinstance(body, dict) or set(body) - RS_FIELDS:
            raise ApiError(400, "DNS.0303", "Invalid request body.")
        name, typ = body.get("name"), body.get("type")
        if not isinstance(name, str) or not name.endswith("."):
            raise ApiError(400, "DNS.0303", "name must be an FQDN ending "
                           "with a dot.")
        op.name, op.type = name.lower().rstrip("."), typ
        zname = srv.zone_name(zid)
        if name.lower() != zname and not name.lower().endswith("." + zname):
            raise ApiError(400, "DNS.0304", "name is not in the zone.")
        self._check_values(typ, body.get("records"), body.get("ttl"))
        line = body.get("line", DEFAULT_LINE)
        if any(r["zone_id"] == zid and r["name"] == name.lower() and
               r["type"] == typ and r["line"] == line
               for r in srv.recordsets.values()):
            raise ApiError(400, "DNS.0312", "The record set already "
                           "exists.")
        rid = _new_id()
        rs = srv._new_rs(rid, zid, zname, name.lower(), typ,
                         body["records"], body.get("ttl", 300), line)
        rs["status"] = "PENDING_CREATE"
        srv.recordsets[rid] = rs
        op.rid, op.ok = rid, True
        return dict(rs)

    def _update(self, zid, rid, body):
        srv = self.server
        old = srv.recordsets.get(rid)
        op = Op("put", zid, rid, old and old["name"].rstrip("."),
                old and old["type"], body)
        srv.ops.append(op)
        if old is None or old["zone_id"] != zid:
            raise ApiError(404, "DNS.0313", "This record set does not "
                           "exist.")
        if not isinstance(body, dict) or set(body) - PUT_FIELDS:
            raise ApiError(400, "DNS.0303", "Invalid request body.")
        for k in ("name", "type"):          # required by UpdateRecordSets
            if k not in body:
                raise ApiError(400, "DNS.0303", "%s is required." % k)
        if _fqdn(body["name"]) != old["name"] or body["type"] != old["type"] \
                or not body["name"].endswith("."):
            raise ApiError(400, "DNS.0303", "name/type do not match the "
                           "record set.")
        recs = body.get("records", old["records"])
        self._check_values(old["type"], recs, body.get("ttl"))
        old["records"] = list(recs)
        if "ttl" in body:
            old["ttl"] = body["ttl"]
        old["status"] = "PENDING_UPDATE"
        old["updated_at"] = _stamp()
        op.ok = True
        return dict(old)
