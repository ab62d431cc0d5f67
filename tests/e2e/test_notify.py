"""[notify]: a webhook called once per run that changed something (or
failed, with on = failure|both), and a command run per changed record with
the details in its environment. A failing notification never fails the
update and never makes it run again."""

import json
import threading

import pytest

from e2e_servers import TLSServer, _Handler
from e2e_util import ADDR4, ADDR4_B, assert_no_secret

HOME, NAS = "home.example.com", "nas.example.com"
HOOK_PATH = "/hooks/T0SECRETPATH/B0SECRET"


class _HookHandler(_Handler):
    def _any(self):
        body = self.read_body()
        with self.server.lock:
            self.server.calls.append({
                "method": self.command, "path": self.path,
                "headers": dict(self.headers.items()), "body": body})
        self.send(self.server.status, "ok\n")

    do_GET = do_POST = do_PUT = do_PATCH = _any


class HookServer(TLSServer):
    def __init__(self, ctx):
        self.calls = []
        self.status = 200
        self.lock = threading.Lock()
        super().__init__("127.0.0.1", _HookHandler, ctx)


@pytest.fixture
def hook(server_ctx):
    s = HookServer(server_ctx).start()
    yield s
    s.stop()


def notify_cfg(world, **keys):
    lines = ["", "[notify]"] + ["%s = %s" % kv for kv in keys.items()]
    world.config(extra="\n".join(lines) + "\n")


def test_webhook_once_per_change(world, hook):
    notify_cfg(world, url=hook.url(HOOK_PATH + "?ip={ip}"),
               body='{"text": "{changes}", "status": "{status}"}',
               headers="Content-Type: application/json")
    r = world.run("-v")
    assert r.code == 0, r
    assert len(hook.calls) == 1, hook.calls
    call = hook.calls[0]
    assert call["method"] == "POST"
    assert call["path"] == HOOK_PATH + "?ip=" + ADDR4
    assert call["headers"]["Content-Type"] == "application/json"
    doc = json.loads(call["body"])
    assert doc["status"] == "ok"
    for name in (HOME, NAS):
        assert "%s A (none) -> %s" % (name, ADDR4) in doc["text"], doc
    # the webhook path is a bearer secret: never printed
    assert_no_secret(r.out + r.err, "T0SECRETPATH/B0SECRET")
    # nothing changed: no call
    r = world.run()
    assert r.code == 0 and len(hook.calls) == 1, (r, hook.calls)
    # an address change: one more call, naming the old address
    world.echo.address = ADDR4_B
    r = world.run()
    assert r.code == 0 and len(hook.calls) == 2, (r, hook.calls)
    assert ("%s A %s -> %s" % (HOME, ADDR4, ADDR4_B)).encode() in \
        hook.calls[1]["body"]


def test_failing_webhook_keeps_the_update(world, hook):
    hook.status = 500
    notify_cfg(world, url=hook.url("/h"), body="{changes}")
    r = world.run()
    assert r.code == 0, r
    assert "notify" in r.err and "500" in r.err, r
    assert len(hook.calls) == 1
    assert world.published(HOME) == ADDR4
    # the update is not redone because the notification failed
    world.cf.reset_log()
    r = world.run()
    assert r.code == 0 and world.cf.requests == [], (r, world.cf.requests)
    assert len(hook.calls) == 1


def test_on_failure_only(world, hook):
    notify_cfg(world, url=hook.url("/h?s={status}&f={failures}"),
               on="failure")
    r = world.run()                     # a change: not reported
    assert r.code == 0 and hook.calls == [], (r, hook.calls)
    world.echo.address = ADDR4_B
    world.cf.fault(status=403, times=100)
    r = world.run()
    assert r.code == 1, r
    assert len(hook.calls) == 1, hook.calls
    assert hook.calls[0]["path"].startswith("/h?s=failed&f=")
    assert "authentication" in hook.calls[0]["path"]


def test_command_per_changed_record(world, tmp_path):
    out = tmp_path / "hook.log"
    script = tmp_path / "hook.sh"
    script.write_text('#!/bin/sh\necho "$DDNS_RECORD $DDNS_TYPE '
                      '[$DDNS_OLD_IP] $DDNS_NEW_IP $DDNS_PROVIDER" >> %s\n'
                      % out)
    script.chmod(0o755)
    notify_cfg(world, command=str(script))
    r = world.run()
    assert r.code == 0, r
    lines = sorted(out.read_text().splitlines())
    assert lines == sorted(["%s A [] %s cloudflare" % (n, ADDR4)
                            for n in (HOME, NAS)]), lines
    world.run()                         # no change: not run again
    assert len(out.read_text().splitlines()) == 2
    world.echo.address = ADDR4_B
    world.run()
    assert ("%s A [%s] %s cloudflare" % (HOME, ADDR4, ADDR4_B)) in \
        out.read_text()


def test_command_values_never_reach_a_shell(world, tmp_path):
    # a hostile value in the environment stays data
    out = tmp_path / "argv.log"
    script = tmp_path / "hook.sh"
    script.write_text('#!/bin/sh\nprintf "%%s\\n" "$DDNS_PROVIDER" >> %s\n'
                      % out)
    script.chmod(0o755)
    notify_cfg(world, command=str(script))
    assert world.run().code == 0
    assert out.read_text().splitlines() == ["cloudflare", "cloudflare"]


def test_failing_command_keeps_the_update(world, tmp_path):
    notify_cfg(world, command="exit 3")
    r = world.run()
    assert r.code == 0, r
    assert "status 3" in r.err, r
    assert world.published(HOME) == ADDR4


@pytest.mark.parametrize("keys,needle", [
    ({"url": "https://x.example/{nope}"}, "unknown placeholder {nope}"),
    ({"url": "http://x.example/h"}, "must be https://"),
    ({"url": "https://x.example/h", "on": "sometimes"}, "on:"),
    ({"url": "https://x.example/h", "method": "DELETE"}, "method:"),
    ({"on": "change"}, "needs url or command"),
])
def test_bad_notify_config(world, keys, needle):
    notify_cfg(world, **keys)
    r = world.run("--check")
    assert r.code == 2, r
    assert needle in r.err and ":" in r.err, r
