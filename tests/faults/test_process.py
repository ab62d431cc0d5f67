"""Process faults: SIGKILL at chosen points of a run (seeded, so a failure
can be replayed with FAULTS_SEED), SIGTERM in the middle of a run, and ten
runs at once. tests/e2e/test_concurrency.py already kills at random times
and runs two at once; these stop the run exactly where it is most fragile.

After any of them the state file is whole and claims only what the
provider confirmed, the lock is free, and the next run converges with one
record per name upstream."""

import os
import random
import signal
import subprocess
import time

import pytest

from e2e_util import ADDR4, ADDR4_B, ADDR4_C, RUN_TIMEOUT, parse_state
from fault_servers import evil_cf

HOME, NAS = "home.example.com", "nas.example.com"
NAMES = (HOME, NAS)
SEED = int(os.environ.get("FAULTS_SEED", "20261203"))


def start(world, *args):
    return subprocess.Popen([world.binary, "-c", str(world.cfg_path), *args],
                            env=world.env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(cond, what, limit=20.0):
    """Polls cond until true (bounded); fails naming what."""
    end = time.monotonic() + limit
    while not cond():
        assert time.monotonic() < end, "never happened: " + what
        time.sleep(0.01)


def leftovers(world):
    d = world.state_path.parent
    return sorted(p for p in os.listdir(d) if ".tmp" in p)


def check_state(world, before, old, new):
    """The state is the previous file, or a whole one whose records hold
    the old or the new address; never a mix of bytes, never another. And
    whatever address it claims, the provider holds: a record the killed
    run may have changed is forgotten, never left claiming the old one
    (the next run would trust it if the address came back)."""
    world.cf.wait_idle()    # a request the run sent may still be applied
    data = world.state_bytes()
    assert data is not None, "the state file vanished"
    st = parse_state(data.decode())
    for name in NAMES:
        sec = st.get("home A " + name)
        addr = sec.get("address") if sec else None
        if data != before:
            assert addr in (old, new, None), (name, addr, data)
        if addr is not None:
            assert world.cf.content(name) == addr, \
                (name, "the state claims what the provider does not hold",
                 data)


def converge(world, seed):
    """A healthy run after the fault: exit 0, one record per name, state
    and provider agree."""
    world.cf.latency = 0
    world.cf.clear_faults()
    world.cf.evil = None
    world.config()
    r = world.run(timeout=30)
    assert r.code == 0, (r, "seed %d" % seed)
    for name in NAMES:
        assert len(world.cf.find(name)) == 1, (name, world.cf.find(name))
        assert world.published(name) == world.echo.address == \
            world.cf.content(name), "seed %d" % seed


# --- SIGKILL at chosen points ---------------------------------------------
#
# Each point arms a trap in the servers and returns a function that says
# when the run has reached it; the run is then killed after a short random
# delay (0-30 ms), so the neighbourhood of the point is covered too.

def point_source(world, marker):
    world.echo.slow_delay = 5
    world.config(general={"ipv4": world.echo.url("/slow")})
    return lambda: world.echo.counts["/slow"] > 0


def point_lookup(world, marker):
    world.cf.fault(method="GET", delay=5, passthrough=True)
    return lambda: world.cf.count("GET") > 0


def point_write_sent(world, marker):
    world.cf.fault(method="POST", delay=2, passthrough=True)
    return lambda: world.cf.count("POST") > 0


def point_write_done(world, marker):
    # the provider has made the change; its reply is still on the way
    cf = world.cf
    cf.evil = ("POST", "trickle")
    return lambda: cf.evil_hits > 0


def point_state_saved(world, marker):
    # [notify] command runs after the state was saved
    world.config(extra="\n[notify]\ncommand = touch %s; sleep 5\n" % marker)
    return lambda: os.path.exists(marker)


POINTS = [point_source, point_lookup, point_write_sent, point_write_done,
          point_state_saved]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.__name__[6:])
def test_sigkill_at_point(world, point):
    rng = random.Random("%d %s" % (SEED, point.__name__))
    cf = evil_cf(world.cf)
    cf.add_record(HOME, ADDR4_B)
    world.config()
    assert world.run().code == 0
    for i, new in enumerate([ADDR4_C, ADDR4, ADDR4_C]):
        before = world.state_bytes()
        old = world.published(HOME)
        cf.reset_log()
        cf.evil = None
        cf.evil_hits = 0
        world.echo.counts.clear()
        world.echo.address = new
        world.config()
        marker = str(world.dir / ("reached.%d" % i))
        reached = point(world, marker)
        if point is point_lookup:       # lookups only without cached IDs
            world.state_path.unlink()
            before, old = None, None
        p = start(world)
        try:
            wait_for(lambda: reached() or p.poll() is not None,
                     "%s (seed %d)" % (point.__name__, SEED))
            assert p.poll() is None, ("ended before the point",
                                      p.communicate())
            time.sleep(rng.uniform(0, 0.03))
            p.send_signal(signal.SIGKILL)
        finally:
            p.kill()
            p.communicate(timeout=RUN_TIMEOUT)
        if before is not None:
            check_state(world, before, old, new)
        assert leftovers(world) == [], leftovers(world)
        cf.clear_faults()
        converge(world, SEED)
    # the notify command of the last round may still be sleeping: harmless


def test_address_back_after_a_killed_update(world):
    # The run is killed while the provider applies its change (the reply is
    # lost with it). When the address then goes back to the one before, the
    # next run must put it back upstream: a state still claiming the old
    # address would call the record up to date while the provider holds
    # the other one (until the daily re-verification).
    cf = evil_cf(world.cf)
    cf.add_record(HOME, ADDR4_B)
    world.config()
    assert world.run().code == 0
    assert cf.content(HOME) == ADDR4
    world.echo.address = ADDR4_C
    cf.reset_log()
    cf.evil = ("POST", "trickle")
    p = start(world)
    try:
        wait_for(lambda: cf.evil_hits > 0 or p.poll() is not None,
                 "the provider's reply")
        assert p.poll() is None, p.communicate()
        p.send_signal(signal.SIGKILL)
    finally:
        p.kill()
        p.communicate(timeout=RUN_TIMEOUT)
    cf.evil = None
    cf.wait_idle()
    assert cf.content(HOME) == ADDR4_C      # the change was made upstream
    world.echo.address = ADDR4
    r = world.run("-v")
    assert r.code == 0, r
    for name in NAMES:
        assert cf.content(name) == ADDR4 == world.published(name), (name, r)


# --- SIGTERM ------------------------------------------------------------------

@pytest.mark.parametrize("where", ["source", "provider"])
def test_sigterm_mid_run(world, where):
    """SIGTERM has its default action: the run ends at once with the
    signal (no handler, nothing half-done to clean up: the state is only
    ever replaced whole), the state is the old one, the lock is free."""
    world.cf.add_record(HOME, ADDR4_B)
    world.config(general={"timeout": "10"})
    assert world.run().code == 0
    before = world.state_bytes()
    world.echo.address = ADDR4_C
    if where == "source":
        world.echo.slow_delay = 8
        world.config(general={"timeout": "10",
                              "ipv4": world.echo.url("/slow")})
        reached = lambda: world.echo.counts["/slow"] > 0      # noqa: E731
    else:
        world.cf.fault(method="POST", delay=8, passthrough=True)
        reached = lambda: world.cf.count("POST") > 0          # noqa: E731
    world.cf.reset_log()        # the first run's POST is not the point
    p = start(world)
    try:
        wait_for(lambda: reached() or p.poll() is not None, where)
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=RUN_TIMEOUT)
    finally:
        p.kill()
    assert p.returncode == -signal.SIGTERM, p.returncode
    if where == "source":
        assert world.state_bytes() == before
    else:
        # the records the provider was changing were forgotten first
        st = parse_state(world.state_bytes().decode())
        assert all("home A " + n not in st for n in NAMES), st
    assert leftovers(world) == []
    # the lock died with the process: the next run does not wait for it
    world.cf.clear_faults()
    world.config(general={"timeout": "10"})
    t0 = time.monotonic()
    r = world.run()
    assert r.code == 0, r
    assert time.monotonic() - t0 < 10, "the next run waited for the lock"
    assert world.published(HOME) == ADDR4_C == world.cf.content(HOME)


# --- ten at once --------------------------------------------------------------

@pytest.mark.parametrize("first", [False, True], ids=["change", "first_run"])
def test_ten_runs_at_once(world, first):
    cf = world.cf
    if not first:
        cf.add_record(HOME, ADDR4_B)
        world.config()
        assert world.run().code == 0
        world.echo.address = ADDR4_C
    world.config()
    cf.reset_log()
    cf.latency = 0.1
    procs = [start(world) for _ in range(10)]
    outs = [p.communicate(timeout=RUN_TIMEOUT) for p in procs]
    for p, (o, e) in zip(procs, outs):
        assert p.returncode == 0, (p.returncode, o, e)
    want = world.echo.address
    for name in NAMES:
        # serialised by the lock: the first run changes the record, the
        # nine after it find the state up to date and ask nothing
        ops = cf.ops_for(name)
        assert len(ops) == 1, ops
        assert len(cf.find(name)) == 1, cf.find(name)
        assert cf.content(name) == want == world.published(name)
    writes = [q for q in cf.requests if q.method != "GET"]
    assert len(writes) == 1, writes     # one batch for both records
    assert leftovers(world) == []


def alive(pid):
    """Whether pid is a live process (a zombie counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_during_a_command_ends_the_command_too(world, sig):
    # a cmd: source is bounded by the run's timeout; a run ended by a
    # signal must not leave it running unbounded
    pidfile = world.dir / "cmd.pid"
    world.config(general={"timeout": "20",
                          "ipv4": "cmd:echo $$ > %s; exec sleep 30"
                          % pidfile})
    p = start(world)
    child = None
    try:
        wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(),
                 "the command started")
        child = int(pidfile.read_text())
        assert alive(child)
        p.send_signal(sig)
        p.wait(timeout=RUN_TIMEOUT)
        assert p.returncode == -sig, p.returncode
        wait_for(lambda: not alive(child), "the command ended", limit=5)
    finally:
        p.kill()
        if child is not None and alive(child):
            os.kill(child, signal.SIGKILL)
        p.communicate(timeout=RUN_TIMEOUT)
    assert world.cf.requests == []


@pytest.mark.parametrize("which", ["ahead", "final"])
@pytest.mark.parametrize("op", ["write", "fsync", "rename"])
def test_sigkill_while_the_state_is_written(world, faultfs, op, which):
    # faultfs holds the run inside one step of a state write (the temp
    # file's write or fsync, or just before the rename) for 5 s: the write
    # that forgets the records about to change ("ahead"), or the one that
    # records the change ("final"). Killed there, the state file is whole,
    # and the next run is not confused by the temp file left behind and
    # removes it
    world.cf.add_record(HOME, ADDR4_B)
    world.config()
    assert world.run().code == 0
    before = world.state_bytes()
    world.echo.address = ADDR4_C
    log = world.dir / "faultfs.log"
    env = world.env(LD_PRELOAD=faultfs, FAULTFS_OP=op, FAULTFS_STALL="5000",
                    FAULTFS_PATH="state.ini.tmp", FAULTFS_LOG=log,
                    FAULTFS_AFTER="0" if which == "ahead" else "1")
    p = subprocess.Popen([world.binary, "-c", str(world.cfg_path)], env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        wait_for(lambda: log.exists() and log.read_text().startswith(op)
                 or p.poll() is not None, "the %s stall" % op)
        assert p.poll() is None, p.communicate()
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=RUN_TIMEOUT)
    finally:
        p.kill()
        p.communicate(timeout=RUN_TIMEOUT)
    if which == "ahead":        # the provider was not asked yet
        assert world.state_bytes() == before
        assert world.cf.content(HOME) == ADDR4
    else:                       # only the state lags, knowing it does
        assert world.cf.content(HOME) == ADDR4_C
        st = parse_state(world.state_bytes().decode())
        assert all("home A " + n not in st for n in NAMES), st
    assert len(leftovers(world)) == 1, leftovers(world)
    converge(world, SEED)
    assert leftovers(world) == []       # the next write cleans it up
