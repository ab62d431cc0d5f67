"""Local servers for the benchmark (bench/run), on 127.0.0.1 only.

Echo        GET /ip answers the current address (an address source).
Blackhole   accepts connections, reads nothing, never answers (a dead source).
Dyndns2     GET /nic/update?hostname=a,b&myip=ADDR with HTTP Basic auth,
            answered one line per hostname (good/nochg/nohost/...), the
            protocol of Dyn's "Remote Access API".
Cloudflare  the part of the Cloudflare API v4 an updater uses: zones by
            name, DNS records listed (paginated), created, patched, and the
            batch endpoint (atomic, at most BATCH_MAX writes).

Every server counts the requests it answers and can add a fixed latency to
each (time.sleep before the answer), so a run's wall time shows how many
round trips it waited for. TLS is optional (an ssl.SSLContext).
"""

import base64
import hashlib
import ipaddress
import json
import os
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "e2e"))
from e2e_servers import TLSServer    # noqa: E402

MAX_BODY = 1 << 20
BATCH_MAX = 200            # Cloudflare: writes per batch on the Free plan
PER_PAGE_MAX = 5000000     # Cloudflare: documented per_page maximum


class Server(TLSServer):
    """The end-to-end tests' threaded HTTP(S) server on 127.0.0.1, with
    request and connection counters and an optional latency."""

    request_queue_size = 256

    def __init__(self, handler, ctx=None):
        self.latency = 0.0
        self.lock = threading.Lock()
        self.requests = 0
        self.connections = 0
        super().__init__("127.0.0.1", handler, ctx)

    def finish_request(self, request, client_address):
        # Without TCP_NODELAY, a reply's body waits for the ACK of its
        # headers, which a keep-alive client delays 40 ms: a server artefact.
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.lock:
            self.connections += 1
        super().finish_request(request, client_address)

    def count(self):
        with self.lock:
            self.requests += 1

    def reset_counts(self):
        with self.lock:
            self.requests = 0
            self.connections = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bench"
    timeout = 30

    def log_message(self, fmt, *args):
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(n, MAX_BODY)) if n > 0 else b""

    def reply(self, status, body, ctype="text/plain"):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        # one write for headers and body (end_headers() would send the
        # headers alone)
        self._headers_buffer.append(b"\r\n")
        self.wfile.write(b"".join(self._headers_buffer) + body)
        self._headers_buffer = []
        self.wfile.flush()

    def begin(self):
        """Counts the request and waits the server's latency."""
        self.server.count()
        if self.server.latency > 0:
            time.sleep(self.server.latency)


# --------------------------------------------------------------------------
# Address echo and a dead source

class Echo(Server):
    def __init__(self, address, ctx=None):
        self.address = address
        super().__init__(_EchoHandler, ctx)


class _EchoHandler(Handler):
    def do_GET(self):
        self.begin()
        if urlsplit(self.path).path == "/ip":
            self.reply(200, self.server.address + "\n")
        else:
            self.reply(404, "not found\n")


class Blackhole:
    """Accepts TCP connections and never answers (until stop())."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.conns = []
        self.lock = threading.Lock()
        self.accepted = 0
        self._stop = False

    @property
    def port(self):
        return self.sock.getsockname()[1]

    def url(self, path="/ip"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def _loop(self):
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.conns.append(c)
                self.accepted += 1

    def start(self):
        threading.Thread(target=self._loop, daemon=True).start()
        return self

    def reset_counts(self):
        with self.lock:
            self.accepted = 0
            for c in self.conns:
                c.close()
            self.conns = []

    def stop(self):
        self._stop = True
        self.sock.close()
        self.reset_counts()


# --------------------------------------------------------------------------
# dyndns2

class Dyndns2(Server):
    """hosts: hostname -> published address; updates: (hostname, address)
    for every 'good' answered; max_hosts: None, or the cap past which a
    request is answered 'numhost'."""

    def __init__(self, user, password, ctx=None, max_hosts=None):
        self.auth = "Basic " + base64.b64encode(
            ("%s:%s" % (user, password)).encode()).decode()
        self.hosts = {}
        self.updates = []
        self.max_hosts = max_hosts
        super().__init__(_DynHandler, ctx)

    def reset(self, hosts, address):
        with self.lock:
            self.hosts = {h: address for h in hosts}
            self.updates = []


class _DynHandler(Handler):
    def do_GET(self):
        self.begin()
        srv = self.server
        u = urlsplit(self.path)
        if u.path != "/nic/update":
            self.reply(404, "not found\n")
            return
        if self.headers.get("Authorization") != srv.auth:
            self.reply(401, "badauth\n")
            return
        q = parse_qs(u.query)
        names = [h.strip().lower() for h in
                 ",".join(q.get("hostname", [])).split(",") if h.strip()]
        addr = (q.get("myip") or [self.client_address[0]])[0]
        self.reply(200, "".join(l + "\n" for l in self._answer(names, addr)))

    def _answer(self, names, addr):
        srv = self.server
        try:
            ipaddress.ip_address(addr)
        except ValueError:
            return ["dnserr"]
        if not names or (srv.max_hosts and len(names) > srv.max_hosts):
            return ["numhost"]
        out = []
        with srv.lock:
            for h in names:
                if h not in srv.hosts:
                    out.append("nohost")
                elif srv.hosts[h] == addr:
                    out.append("nochg " + addr)
                else:
                    srv.hosts[h] = addr
                    srv.updates.append((h, addr))
                    out.append("good " + addr)
        return out


# --------------------------------------------------------------------------
# Cloudflare API v4 (the part an updater uses)

API = "/client/v4"


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _rid(name, typ):
    """A stable record id per name and type (32 hex digits)."""
    return hashlib.md5(("%s/%s" % (typ, name)).encode()).hexdigest()


class Cloudflare(Server):
    """One zone; records: id -> record; writes: (kind, name, content) for
    every record write applied (batch items included)."""

    def __init__(self, token, zone, ctx=None):
        self.token = token
        self.zone = zone
        self.zone_id = _rid(zone, "zone")
        self.records = {}
        self.writes = []
        self.batches = 0
        super().__init__(_CFHandler, ctx)

    def reset(self, present, address, other=0):
        """present: names whose A record exists with address; other: that
        many unrelated A records in the zone besides."""
        with self.lock:
            self.records = {}
            for n in present:
                self._put(n, "A", address)
            for i in range(other):
                self._put("other%d.%s" % (i, self.zone), "A", "192.0.2.1")
            self.writes = []
            self.batches = 0

    def _put(self, name, typ, content):
        rec = new_record(self.zone_id, self.zone, name, typ, content)
        self.records[rec["id"]] = rec
        return rec

    def content(self, name, typ="A"):
        r = self.records.get(_rid(name, typ))
        return r["content"] if r else None


def new_record(zone_id, zone, name, typ, content):
    """A DNS record in the API's shape, with a stable id."""
    return {"id": _rid(name, typ), "zone_id": zone_id, "zone_name": zone,
            "name": name, "type": typ, "content": content,
            "proxiable": True, "proxied": False, "ttl": 1, "settings": {},
            "meta": {}, "comment": None, "tags": [],
            "created_on": "2026-01-01T00:00:00Z",
            "modified_on": "2026-01-01T00:00:00Z"}


def _env(result, info=None):
    e = {"success": True, "errors": [], "messages": [], "result": result}
    if info is not None:
        e["result_info"] = info
    return e


def _err(code, message):
    return {"success": False, "errors": [{"code": code, "message": message}],
            "messages": [], "result": None}


class _CFHandler(Handler):
    def do_GET(self):
        self._serve(self.command)

    do_POST = do_PATCH = do_GET

    def _serve(self, method):
        self.begin()
        srv = self.server
        u = urlsplit(self.path)
        raw = self.body()
        try:
            if self.headers.get("Authorization") != "Bearer " + srv.token:
                raise ApiError(401, 10000, "Authentication error")
            if not u.path.startswith(API + "/"):
                raise ApiError(404, 7000, "No route for that URI")
            body = json.loads(raw) if raw else None
            q = {k: v[0] for k, v in parse_qs(u.query).items()}
            with srv.lock:
                out = self._route(method, u.path[len(API):].rstrip("/"), q,
                                  body)
            self.reply(200, json.dumps(out), "application/json")
        except ApiError as e:
            self.reply(e.status, json.dumps(_err(e.code, e.message)),
                       "application/json")
        except ValueError:
            self.reply(400, json.dumps(_err(9207, "Request body is invalid")),
                       "application/json")

    def _route(self, m, path, q, body):
        srv = self.server
        parts = path.split("/")[1:]
        if parts == ["zones"] and m == "GET":
            ok = q.get("name") in (None, srv.zone)
            return _env([{"id": srv.zone_id, "name": srv.zone,
                          "status": "active"}] if ok else [])
        if len(parts) < 3 or parts[0] != "zones" or parts[2] != "dns_records":
            raise ApiError(404, 7000, "No route for that URI")
        if parts[1] != srv.zone_id:
            raise ApiError(404, 7003, "Could not route to %s" % path)
        rest = parts[3:]
        if rest == [] and m == "GET":
            return self._list(q)
        if rest == [] and m == "POST":
            return _env(self._apply("post", self._write("post", None, body)))
        if rest == ["batch"] and m == "POST":
            return self._batch(body)
        if len(rest) == 1 and m == "PATCH":
            return _env(self._apply("patch", self._write("patch", rest[0],
                                                         body)))
        raise ApiError(405, 7001, "Method not allowed")

    def _list(self, q):
        srv = self.server
        name = q.get("name", q.get("name.exact"))
        rs = [dict(r) for r in srv.records.values()
              if (name is None or r["name"] == name.lower()) and
              (q.get("type") is None or r["type"] == q["type"])]
        per = max(1, min(int(q.get("per_page", 100)), PER_PAGE_MAX))
        page = max(1, int(q.get("page", 1)))
        total = max(1, (len(rs) + per - 1) // per)
        chunk = rs[(page - 1) * per:page * per]
        return _env(chunk, {"page": page, "per_page": per,
                            "count": len(chunk), "total_count": len(rs),
                            "total_pages": total})

    def _write(self, kind, rid, body):
        srv = self.server
        if not isinstance(body, dict):
            raise ApiError(400, 9207, "Request body is invalid")
        if kind == "patch":
            rec = srv.records.get(rid)
            if rec is None:
                raise ApiError(404, 81044, "Record does not exist.")
            rec = dict(rec)
        else:
            for k in ("type", "name", "content"):
                if k not in body:
                    raise ApiError(400, 9000, "DNS record %s is required" % k)
            rec = new_record(srv.zone_id, srv.zone, body["name"].lower(),
                             body["type"], "")
            if rec["id"] in srv.records:
                raise ApiError(400, 81057, "The record already exists.")
        for k in ("content", "ttl", "proxied"):
            if k in body:
                rec[k] = body[k]
        try:
            ipaddress.ip_address(rec["content"])
        except ValueError:
            raise ApiError(400, 9005, "Content is invalid") from None
        return rec

    def _apply(self, kind, rec):
        """Stores a written record and logs the write."""
        self.server.records[rec["id"]] = rec
        self.server.writes.append((kind, rec["name"], rec["content"]))
        return rec

    def _batch(self, body):
        srv = self.server
        if not isinstance(body, dict) or set(body) - {"deletes", "patches",
                                                      "puts", "posts"}:
            raise ApiError(400, 9207, "Request body is invalid")
        items = [("patch", it) for it in body.get("patches") or []] + \
                [("post", it) for it in body.get("posts") or []]
        if len(items) > BATCH_MAX:
            raise ApiError(400, 81058, "Too many changes in one batch")
        done = []       # all or nothing: applied only when every one is good
        for kind, it in items:
            rid = it.get("id") if isinstance(it, dict) else None
            done.append((kind, self._write(kind, rid, it)))
        for kind, rec in done:
            self._apply(kind, rec)
        srv.batches += 1
        return _env({"deletes": [], "puts": [],
                     "patches": [r for k, r in done if k == "patch"],
                     "posts": [r for k, r in done if k == "post"]})


def tls_context(cert, key):
    """A server-side TLS context for the certificate and key files."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    return ctx

