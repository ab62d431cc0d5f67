"""Servers that misbehave on purpose, for the fault-injection tests.

EvilServer   an HTTPS (or plain HTTP) server whose first path segment
             chooses the fault, so it serves address sources and provider
             endpoints alike (/reset/client/v4/zones?... resets too):
               /reset     headers and part of the body, then a TCP reset
               /cut       headers promising more than the body, then a
                          clean close
               /trickle   the whole reply at one byte per second
               /huge      200 with a 100 MB body (Content-Length), streamed
               /endless   200, chunked, endless: no length to refuse early
               /loop      302 to itself; /pingN bounces to /pongN and back
               /to-http   302 to self.redirect_to (an http:// URL)
               /raw/NAME  self.raw[NAME] = (status, bytes), as it is
             counts requests per first segment and the body bytes sent.
evil_cf(cf)  makes a CloudflareEmulator carry out each request and then
             mangle its reply (reset, cut, trickle, or bytes appended) while
             cf.evil = (METHOD or None, MODE) is set: the record is changed
             upstream but the client never gets a good answer.
"""

import socket
import struct
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from e2e_servers import TLSServer, _CFHandler, _Handler

HUGE = 100 << 20


def reset(sock):
    """Makes closing sock send a TCP reset (SO_LINGER 0), not a FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    except OSError:
        pass


class _Evil:
    """Replies that go wrong; mixed into a request handler."""

    def reply_bytes(self, status, body, ctype="application/json",
                    length=None):
        head = ("HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                "Connection: close\r\n\r\n" % (
                    status, ctype, len(body) if length is None else length))
        return head.encode() + body

    def send_reset(self, data):
        """Sends the headers and half the body, then resets."""
        self.close_connection = True
        try:
            self.wfile.write(data[:max(len(data) - 8, len(data) // 2)])
            self.wfile.flush()
            time.sleep(0.05)
        except OSError:
            return
        reset(self.connection)      # the close after this handler resets

    def send_cut(self, data):
        """Sends the reply cut short (Content-Length promises more)."""
        self.close_connection = True
        try:
            self.wfile.write(data[:len(data) - 5])
            self.wfile.flush()
        except OSError:
            pass

    def send_trickle(self, data):
        """Sends the reply one byte a second until done or stopped."""
        self.close_connection = True
        srv = self.server
        for i in range(len(data)):
            if srv.stopping.is_set():
                return
            try:
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
            except OSError:
                return
            with srv.lock:
                srv.trickled += 1
            srv.pause(1.0)

    def mangle(self, mode, data):
        {"reset": self.send_reset, "cut": self.send_cut,
         "trickle": self.send_trickle}[mode](data)


class EvilServer(TLSServer):
    def __init__(self, host, ctx, address):
        self.address = address
        self.redirect_to = None         # for /to-http
        self.raw = {}                   # /raw/NAME -> (status, bytes)
        self.counts = Counter()         # first path segment -> requests
        self.sent = 0                   # body bytes of /huge and /endless
        self.trickled = 0               # bytes of /trickle
        self.lock = threading.Lock()
        super().__init__(host, _EvilHandler, ctx)

    def count(self, what):
        with self.lock:
            return self.counts[what]


class _EvilHandler(_Evil, _Handler):
    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.read_body()
        self.serve()

    def do_PATCH(self):
        self.do_POST()

    def do_PUT(self):
        self.do_POST()

    def serve(self):
        srv = self.server
        parts = urlsplit(self.path).path.split("/")
        what = parts[1] if len(parts) > 1 else ""
        with srv.lock:
            srv.counts[what] += 1
        line = (srv.address + "\n").encode()
        if what in ("reset", "cut", "trickle"):
            pad = b" " * (64 if what == "trickle" else 0)
            self.mangle(what, self.reply_bytes(200, pad + line,
                                               "text/plain"))
        elif what == "huge":
            self.stream(HUGE)
        elif what == "endless":
            self.stream(None)
        elif what == "loop":
            self.redirect(self.path)
        elif what.startswith("ping"):
            self.redirect("/pong" + what[4:])
        elif what.startswith("pong"):
            self.redirect("/ping" + what[4:])
        elif what == "to-http":
            self.redirect(srv.redirect_to)
        elif what == "raw" and len(parts) > 2 and parts[2] in srv.raw:
            status, body = srv.raw[parts[2]]
            self.close_connection = True
            self.wfile.write(self.reply_bytes(status, body))
        else:
            self.send(404, "no such fault\n")

    def redirect(self, where):
        self.send(302, "", headers={"Location": where})

    def stream(self, size):
        """Streams x's: size bytes with a Content-Length, or chunked and
        endless (size None) until the client goes or 1 GB."""
        srv = self.server
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if size is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"x" * 65536
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk) if size is None \
            else chunk
        left = size if size is not None else 1 << 30
        try:
            while left > 0 and not srv.stopping.is_set():
                self.wfile.write(frame)
                with srv.lock:
                    srv.sent += len(chunk)
                left -= len(chunk)
        except OSError:
            pass


class _EvilCFHandler(_Evil, _CFHandler):
    def send(self, status, body, ctype="text/plain", headers=None):
        srv = self.server
        method, mode = getattr(srv, "evil", None) or (None, None)
        if mode is None or (method and method != self.command):
            return super().send(status, body, ctype, headers)
        if isinstance(body, str):
            body = body.encode()
        with srv.lock:
            srv.evil_hits = getattr(srv, "evil_hits", 0) + 1
        if isinstance(mode, bytes):     # bytes appended inside the JSON
            body = body[:-1] + mode + body[-1:]
            return super().send(status, body, ctype, headers)
        self.mangle(mode, self.reply_bytes(status, body, ctype))


def evil_cf(cf):
    """Lets cf mangle its replies while cf.evil is set; returns cf."""
    cf.evil = None
    cf.evil_hits = 0
    cf.trickled = 0
    cf.RequestHandlerClass = _EvilCFHandler
    return cf
