"""HTTPS servers the end-to-end tests run on the loopback interface.

TLSServer    a threaded HTTPS server (TLS handshake in the request thread,
             so a client that never speaks cannot stall accept()); stop()
             wakes every handler that is sleeping and returns quickly.
EchoServer   the address sources: /ip, /slow, /dead, /trace, /ipip, /json,
             /html, /garbage, /big; counts requests per path.
CloudflareEmulator
             an in-memory Cloudflare API v4 (zones, DNS records, batch)
             that checks the token, paths, methods and JSON bodies,
             records every request and can be told to misbehave.
"""

import ipaddress
import json
import re
import secrets
import socket
import socketserver
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qs, urlsplit

MAX_BODY = 1 << 20


class TLSServer(ThreadingHTTPServer):
    """ThreadingHTTPServer speaking TLS (plain HTTP when ctx is None),
    bound to host:0."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host, handler, ctx):
        self.address_family = socket.AF_INET6 if ":" in host else \
            socket.AF_INET
        self.ssl_ctx = ctx
        self.stopping = threading.Event()
        self.host = host
        self._thread = None
        super().__init__((host, 0), handler)

    def server_bind(self):
        # HTTPServer.server_bind() calls getfqdn(), which may hit DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.server_address[1]

    @property
    def port(self):
        return self.server_address[1]

    def url(self, path=""):
        h = "[%s]" % self.host if ":" in self.host else self.host
        scheme = "https" if self.ssl_ctx is not None else "http"
        return "%s://%s:%d%s" % (scheme, h, self.port, path)

    def finish_request(self, request, client_address):
        request.settimeout(10)
        if self.ssl_ctx is None:        # plain HTTP
            self.RequestHandlerClass(request, client_address, self)
            return
        try:
            conn = self.ssl_ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            self.on_tls_failure()
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def on_tls_failure(self):
        """Called when a client failed the TLS handshake."""
        self.tls_failures = getattr(self, "tls_failures", 0) + 1

    def handle_error(self, request, client_address):
        pass    # clients killed or timed out on purpose: stay quiet

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def pause(self, seconds):
        """Sleeps up to seconds, less if the server is stopping."""
        if seconds > 0:
            self.stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15
    server_version = "e2e"

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if te.lower() == "chunked":
            out = b""
            while len(out) <= MAX_BODY:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                out += self.rfile.read(size)
                self.rfile.readline()
            return out
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(n, MAX_BODY)) if n > 0 else b""

    def send(self, status, body, ctype="text/plain", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


# --------------------------------------------------------------------------
# Address echo

TRACE = ("fl=467f42\nh=1.1.1.1\nip={addr}\nts=1717000000.123\n"
         "visit_scheme=https\nuag=curl/8\ncolo=AMS\nsliver=none\n"
         "http=http/1.1\nloc=NL\ntls=TLSv1.3\nsni=plaintext\nwarp=off\n"
         "gateway=off\nrbi=off\nkex=X25519\n")
IPIP = "当前 IP：{addr}  来自于：美国 加利福尼亚州 洛杉矶  edgecast.com\n"
HTML = ("<html><head><title>502 Bad Gateway</title></head><body>"
        "<h1>Bad Gateway</h1><p>Your router 192.168.1.1 could not reach "
        "the upstream server.</p><hr><address>{addr}</address>"
        "</body></html>\n")
# Address-shaped tokens that are not addresses, among bytes that are not
# text: nothing here may be published.
GARBAGE = (b"\x00\xff\xfe garbage 999.1.2.3 1.2.3.4.5 256.256.256.256 "
           b"93.184.216.034 v=1.2.3 ::g \x01\x02 fe80::1%eth0 \xc3\x28\n")


class EchoServer(TLSServer):
    """Answers GET /ip and friends with self.address."""

    def __init__(self, host, ctx, address):
        self.address = address      # what /ip says; settable per test
        self.html_private = "10.20.30.40"
        self.slow_delay = 30.0      # /slow waits this long
        self.big_size = 8 << 20     # /big sends this much before the addr
        self.overrides = {}         # path -> (status, body)
        self.counts = Counter()     # path -> requests
        self.lock = threading.Lock()
        super().__init__(host, _EchoHandler, ctx)

    def total(self):
        with self.lock:
            return sum(self.counts.values())


class _EchoHandler(_Handler):
    def do_GET(self):
        srv = self.server
        path = urlsplit(self.path).path
        with srv.lock:
            srv.counts[path] += 1
        addr = srv.address
        if path in srv.overrides:
            status, body = srv.overrides[path]
            self.send(status, body)
        elif path == "/ip":
            self.send(200, addr + "\n")
        elif path == "/slow":
            srv.pause(srv.slow_delay)
            self.send(200, addr + "\n")
        elif path.startswith("/dead"):
            srv.stopping.wait()     # accept, read, never answer
            self.close_connection = True
        elif path == "/trace":
            self.send(200, TRACE.format(addr=addr))
        elif path == "/ipip":
            self.send(200, IPIP.format(addr=addr), "text/plain; charset=utf-8")
        elif path == "/json":
            self.send(200, json.dumps({"ip": addr}), "application/json")
        elif path == "/html":
            self.send(200, HTML.format(addr=srv.html_private), "text/html")
        elif path == "/garbage":
            self.send(200, GARBAGE, "application/octet-stream")
        elif path == "/big":
            self._big(addr)
        else:
            self.send(404, "not found\n")

    def _big(self, addr):
        tail = ("\n" + self.server.address + "\n").encode()
        size = self.server.big_size
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(size + len(tail)))
        self.end_headers()
        chunk = b"x" * 65536
        try:
            for _ in range(size // len(chunk)):
                self.wfile.write(chunk)
            self.wfile.write(b"x" * (size % len(chunk)) + tail)
        except OSError:
            pass
        self.close_connection = True


# --------------------------------------------------------------------------
# Cloudflare API v4

API = "/client/v4"
RECORD_FIELDS = {"type", "name", "content", "ttl", "proxied", "comment",
                 "tags", "settings", "id"}


@dataclass
class Request:
    method: str
    path: str                   # without the /client/v4 prefix
    query: dict                 # name -> first value
    body: object                # parsed JSON, the raw bytes when not JSON
    auth_ok: bool
    headers: dict
    status: int = 0             # what we answered (0: no answer)


@dataclass
class Op:
    """One record write, from a single request or from a batch."""
    kind: str                   # patch, put, post, delete
    zone: str
    rid: Optional[str]          # record ID (None for post)
    name: Optional[str]         # record name (resolved for patch/put)
    type: Optional[str]
    body: dict
    ok: bool = False
    batch: bool = False


@dataclass
class Fault:
    """Makes matching requests misbehave.

    status/body/headers replace the answer (body: dict or list -> JSON,
    str/bytes -> raw, None -> an error envelope). delay sleeps first;
    with passthrough the request is then handled normally (a slow server).
    method/path (a regex searched in the path without /client/v4) select
    requests; times counts how many more it applies to (None: always)."""
    status: int = 500
    body: object = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    passthrough: bool = False
    method: Optional[str] = None
    path: Optional[str] = None
    times: Optional[int] = None
    code: int = 10000
    message: str = "Internal error"

    def matches(self, method, path):
        if self.times is not None and self.times <= 0:
            return False
        if self.method and self.method != method:
            return False
        return not self.path or re.search(self.path, path) is not None


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _new_id():
    return secrets.token_hex(16)


def _now():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())


class CloudflareEmulator(TLSServer):
    def __init__(self, host, ctx, token):
        self.token = token
        self.zones = {}             # name -> id
        self.shadows = {}           # id -> (name, status): other zones of
                                    # a name, listed before the real one
        self.records = {}           # id -> record dict (API shape)
        self.requests = []          # every Request, in order
        self.ops = []               # every record write attempted, in order
        self.faults = []            # Fault, first match wins
        self.latency = 0.0          # seconds added to every answer
        self.refused = {}           # record ID or name -> HTTP status
        self.lock = threading.RLock()
        self.unknown_zone_403 = False   # answer a zone ID it does not
                                        # know with 403/10000, not 404
        self.busy = 0               # requests being served
        self.idle = threading.Condition(self.lock)
        super().__init__(host, _CFHandler, ctx)

    def wait_idle(self, timeout=10):
        """Waits until no request is being served (a killed client's
        request may still be applied after the client is gone)."""
        with self.idle:
            assert self.idle.wait_for(lambda: self.busy == 0, timeout), \
                "emulator still busy after %s s" % timeout

    # --- set-up and inspection, for tests -------------------------------

    @property
    def base(self):
        return self.url(API)

    def add_zone(self, name):
        with self.lock:
            zid = self.zones.get(name) or _new_id()
            self.zones[name] = zid
            return zid

    def zone_name(self, zid):
        for n, i in self.zones.items():
            if i == zid:
                return n
        if zid in self.shadows:
            return self.shadows[zid][0]
        return None

    def add_shadow_zone(self, name, status="pending"):
        """Adds another zone called name, not active, that zone lookups
        list before the real one (the same domain added again elsewhere,
        not yet moved). Returns its ID."""
        with self.lock:
            zid = _new_id()
            self.shadows[zid] = (name, status)
            return zid

    def add_record(self, name, content, type="A", ttl=1, proxied=False,
                   comment=None, zone=None):
        with self.lock:
            zname = zone or self._zone_for(name)
            rid = _new_id()
            self.records[rid] = {
                "id": rid, "zone_id": self.zones[zname], "zone_name": zname,
                "name": name, "type": type, "content": content,
                "proxiable": True, "proxied": proxied, "ttl": ttl,
                "settings": {}, "meta": {}, "comment": comment, "tags": [],
                "created_on": _now(), "modified_on": _now()}
            return rid

    def _zone_for(self, name):
        best = None
        for z in self.zones:
            if name == z or name.endswith("." + z):
                if best is None or len(z) > len(best):
                    best = z
        if best is None:
            raise KeyError("no zone for " + name)
        return best

    def find(self, name, type="A"):
        """Returns the records of that name and type (a list)."""
        with self.lock:
            return [dict(r) for r in self.records.values()
                    if r["name"] == name and r["type"] == type]

    def content(self, name, type="A"):
        """Returns the single record's content, None when absent."""
        recs = self.find(name, type)
        assert len(recs) <= 1, "duplicate records for %s %s: %r" % (
            type, name, recs)
        return recs[0]["content"] if recs else None

    def move_zone(self, name):
        """Gives zone name a new ID (deleted and added again); its records
        keep their IDs. Returns the new zone ID."""
        with self.lock:
            zid = _new_id()
            self.zones[name] = zid
            for r in self.records.values():
                if r["zone_name"] == name:
                    r["zone_id"] = zid
            return zid

    def delete(self, rid):
        with self.lock:
            del self.records[rid]

    def set_content(self, rid, content):
        with self.lock:
            self.records[rid]["content"] = content

    def rename(self, rid, name):
        """Renames a record, as done in the dashboard; its ID stays."""
        with self.lock:
            self.records[rid]["name"] = _norm_name(name)

    def fault(self, **kw):
        f = Fault(**kw)
        with self.lock:
            self.faults.append(f)
        return f

    def refuse(self, key, status=400):
        """Makes every write of one record (by ID or name) fail with
        status; a batch holding it is refused as a whole (400)."""
        with self.lock:
            self.refused[key] = status

    def refuse_auth_header(self, times=None):
        """Answers requests as Cloudflare does a malformed Authorization
        header: HTTP 400, code 6003 with a 6111 error_chain."""
        body = _envelope(None, False, [{
            "code": 6003, "message": "Invalid request headers",
            "error_chain": [{"code": 6111, "message": "Invalid format for "
                             "Authorization header"}]}])
        return self.fault(status=400, body=body, times=times)

    def clear_faults(self):
        with self.lock:
            self.faults.clear()
            self.refused.clear()

    def reset_log(self):
        with self.lock:
            self.requests.clear()
            self.ops.clear()

    def count(self, method=None, path=None):
        """Counts requests by method and path regex (None: any)."""
        with self.lock:
            return sum(1 for r in self.requests
                       if (method is None or r.method == method) and
                       (path is None or re.search(path, r.path)))

    def lookups(self):
        """Returns the GET requests (zone and record lookups)."""
        with self.lock:
            return [r for r in self.requests if r.method == "GET"]

    def ops_for(self, name, kind=None, type="A"):
        with self.lock:
            return [o for o in self.ops if o.name == name and
                    (o.type is None or o.type == type) and
                    (kind is None or o.kind == kind)]

    # --- request handling --------------------------------------------------

    def take_fault(self, method, path):
        with self.lock:
            for f in self.faults:
                if f.matches(method, path):
                    if f.times is not None:
                        f.times -= 1
                    return f
        return None


def _envelope(result, success=True, errors=None, info=None):
    env = {"success": success, "errors": errors or [], "messages": [],
           "result": result}
    if info is not None:
        env["result_info"] = info
    return env


def _error_env(code, message):
    return _envelope(None, False, [{"code": code, "message": message}])


def _list_info(items):
    return {"page": 1, "per_page": 100, "count": len(items),
            "total_count": len(items), "total_pages": 1}


def _norm_name(n):
    return n.lower().rstrip(".")


class _CFHandler(_Handler):
    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PATCH(self):
        self._serve("PATCH")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def _serve(self, method):
        srv = self.server
        with srv.idle:
            srv.busy += 1
        try:
            self._serve_one(method)
        finally:
            with srv.idle:
                srv.busy -= 1
                srv.idle.notify_all()

    def _serve_one(self, method):
        srv = self.server
        u = urlsplit(self.path)
        path = u.path[len(API):] if u.path.startswith(API) else u.path
        query = {k: v[0] for k, v in parse_qs(u.query).items()}
        raw = self.read_body()
        body = raw
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        auth = self.headers.get("Authorization", "")
        req = Request(method, path, query, body,
                      auth == "Bearer " + srv.token, dict(self.headers))
        with srv.lock:
            srv.requests.append(req)
        srv.pause(srv.latency)
        fault = srv.take_fault(method, path)
        if fault is not None:
            srv.pause(fault.delay)
            if not fault.passthrough:
                self._fault_reply(req, fault)
                return
        status, env = self._dispatch(req, u.path)
        req.status = status
        self.send(status, json.dumps(env), "application/json")

    def _fault_reply(self, req, f):
        body = f.body
        if body is None:
            body = json.dumps(_error_env(f.code, f.message))
            ctype = "application/json"
        elif isinstance(body, (dict, list)):
            body = json.dumps(body)
            ctype = "application/json"
        else:
            ctype = "text/plain"
        req.status = f.status
        self.send(f.status, body, ctype, f.headers)

    def _dispatch(self, req, fullpath):
        if not fullpath.startswith(API + "/"):
            return 404, _error_env(7000, "No route for that URI")
        if not req.auth_ok:
            return 401, _error_env(10000, "Authentication error")
        try:
            with self.server.lock:
                return 200, self._route(req)
        except ApiError as e:
            return e.status, _error_env(e.code, e.message)

    def _route(self, req):
        m, p = req.method, req.path.rstrip("/")
        parts = p.split("/")[1:]
        if parts == ["zones"] and m == "GET":
            return self._list_zones(req)
        if len(parts) < 2 or parts[0] != "zones":
            raise self._noroute(req)
        zid = parts[1]
        if self.server.zone_name(zid) is None:
            if self.server.unknown_zone_403:
                raise ApiError(403, 10000, "Authentication error")
            raise ApiError(404, 7003, "Could not route to %s, perhaps your "
                           "object identifier is invalid?" % req.path)
        rest = parts[2:]
        if rest == [] and m == "GET":
            return self._zone(zid)
        if rest == ["dns_records"] and m == "GET":
            return self._list_records(zid, req)
        if rest == ["dns_records"] and m == "POST":
            return self._op(zid, "post", None, req.body, False)
        if rest == ["dns_records", "batch"] and m == "POST":
            return self._batch(zid, req.body)
        if len(rest) == 2 and rest[0] == "dns_records":
            if m == "GET":
                return self._get_record(zid, rest[1])
            if m in ("PATCH", "PUT", "DELETE"):
                return self._op(zid, m.lower(), rest[1], req.body, False)
        raise self._noroute(req)

    @staticmethod
    def _noroute(req):
        return ApiError(405 if req.path.startswith("/zones") else 404, 7000,
                        "No route for that URI: %s %s" % (req.method,
                                                          req.path))

    def _zone(self, zid):
        name = self.server.zone_name(zid)
        shadow = self.server.shadows.get(zid)
        return {"id": zid, "name": name,
                "status": shadow[1] if shadow else "active",
                "paused": False, "type": "full",
                "name_servers": ["ana.ns.cloudflare.com",
                                 "bob.ns.cloudflare.com"]}

    def _list_zones(self, req):
        want = req.query.get("name")
        ids = list(self.server.shadows) + list(self.server.zones.values())
        zs = [self._zone(i) for i in ids
              if want is None or _norm_name(want) == self.server.zone_name(i)]
        return _envelope(zs, info=_list_info(zs))

    def _list_records(self, zid, req):
        q = req.query
        name = q.get("name.exact", q.get("name"))
        typ = q.get("type")
        rs = [dict(r) for r in self.server.records.values()
              if r["zone_id"] == zid and
              (name is None or r["name"] == _norm_name(name)) and
              (typ is None or r["type"] == typ)]
        return _envelope(rs, info=_list_info(rs))

    def _get_record(self, zid, rid):
        r = self.server.records.get(rid)
        if r is None or r["zone_id"] != zid:
            raise ApiError(404, 81044, "Record does not exist.")
        return _envelope(dict(r))

    # --- writes -----------------------------------------------------------

    def _op(self, zid, kind, rid, body, batch):
        srv = self.server
        old = srv.records.get(rid) if rid else None
        name = old["name"] if old else None
        typ = old["type"] if old else None
        if isinstance(body, dict):
            name = _norm_name(body["name"]) if isinstance(
                body.get("name"), str) else name
            typ = body.get("type") if isinstance(body.get("type"),
                                                 str) else typ
        op = Op(kind, zid, rid, name, typ,
                body if isinstance(body, dict) else {"<raw>": body},
                batch=batch)
        srv.ops.append(op)
        status = srv.refused.get(rid) or srv.refused.get(name)
        if status:
            raise ApiError(400 if batch else status, 1004,
                           "DNS Validation Error: record %s refused"
                           % (rid or name))
        if rid is not None and (old is None or old["zone_id"] != zid):
            raise ApiError(404, 81044, "Record does not exist.")
        if kind == "delete":
            del srv.records[rid]
            op.ok = True
            return _envelope({"id": rid})
        rec = self._validate(zid, kind, old, body)
        srv.records[rec["id"]] = rec
        op.ok = True
        return _envelope(dict(rec))

    def _validate(self, zid, kind, old, body):
        if not isinstance(body, dict):
            raise ApiError(400, 9207, "Request body is invalid.")
        unknown = set(body) - RECORD_FIELDS
        if unknown:
            raise ApiError(400, 9207, "Unknown fields: " +
                           ", ".join(sorted(unknown)))
        if kind in ("post", "put"):
            for k in ("type", "name", "content"):
                if k not in body:
                    raise ApiError(400, 9005 if k == "content" else 9000,
                                   "DNS record %s is required" % k)
            rec = {"id": old["id"] if old else _new_id(), "zone_id": zid,
                   "zone_name": self.server.zone_name(zid),
                   "proxiable": True, "proxied": False, "ttl": 1,
                   "settings": {}, "meta": {}, "comment": None, "tags": [],
                   "created_on": old["created_on"] if old else _now()}
        else:
            rec = dict(old)
        for k, v in body.items():
            if k != "id":
                rec[k] = v
        self._check_record(rec, body)
        rec["name"] = _norm_name(rec["name"])
        rec["modified_on"] = _now()
        return rec

    def _check_record(self, rec, body):
        if "content" in body and not isinstance(body["content"], str):
            raise ApiError(400, 9005, "Content must be a string.")
        if "ttl" in body and (type(body["ttl"]) is not int or not (
                body["ttl"] == 1 or 30 <= body["ttl"] <= 86400)):
            raise ApiError(400, 9003, "Invalid 'ttl' setting.")
        if "proxied" in body and type(body["proxied"]) is not bool:
            raise ApiError(400, 9003, "Invalid 'proxied' setting.")
        if "comment" in body and not isinstance(body["comment"],
                                                (str, type(None))):
            raise ApiError(400, 9003, "Invalid 'comment'.")
        if not isinstance(rec.get("name"), str):
            raise ApiError(400, 9000, "DNS name is invalid.")
        zname = rec["zone_name"]
        name = _norm_name(rec["name"])
        if name != zname and not name.endswith("." + zname):
            raise ApiError(400, 9000, "DNS name is invalid (not in zone).")
        fam = {"A": ipaddress.IPv4Address,
               "AAAA": ipaddress.IPv6Address}.get(rec.get("type"))
        if fam is None:
            raise ApiError(400, 9004, "This record type is not supported "
                           "here: %r" % rec.get("type"))
        try:
            fam(rec["content"])
        except ValueError:
            raise ApiError(400, 9005, "Content for %s record is invalid."
                           % rec["type"]) from None

    def _batch(self, zid, body):
        if not isinstance(body, dict) or set(body) - {
                "deletes", "patches", "puts", "posts"}:
            raise ApiError(400, 9207, "Request body is invalid.")
        srv = self.server
        saved = dict(srv.records)
        out = {"deletes": [], "patches": [], "puts": [], "posts": []}
        try:
            for key, kind in (("deletes", "delete"), ("patches", "patch"),
                              ("puts", "put"), ("posts", "post")):
                items = body.get(key, [])
                if not isinstance(items, list):
                    raise ApiError(400, 9207, "%s must be a list" % key)
                for it in items:
                    rid = it.get("id") if isinstance(it, dict) else None
                    if kind != "post" and not isinstance(rid, str):
                        raise ApiError(400, 9000, "id is required")
                    env = self._op(zid, kind, rid if kind != "post" else
                                   None, it, True)
                    out[key].append(env["result"])
        except ApiError:
            srv.records.clear()
            srv.records.update(saved)   # all or nothing, like the API
            raise
        return _envelope(out)
