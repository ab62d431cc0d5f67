"""Concurrency: racing sources, overlapping runs, SIGKILL at any time."""

import fcntl
import os
import random
import signal
import subprocess
import time

import pytest

from e2e_util import (ADDR4, ADDR4_B, ADDR4_C, RUN_TIMEOUT, parse_state,
                      rec_section)

HOME, NAS, WWW = "home.example.com", "nas.example.com", "www.example.com"


@pytest.mark.parametrize("order", ["dead_first", "healthy_first"])
def test_dead_source_does_not_delay_healthy_one(world, closed_port, order):
    e = world.echo
    bad = [e.url("/dead"), e.url("/slow"),
           "https://127.0.0.1:%d/ip" % closed_port]
    srcs = bad + [e.url("/ip")] if order == "dead_first" else \
        [e.url("/ip")] + bad
    world.config(general={"timeout": "8", "ipv4": " ".join(srcs)})
    r = world.run(timeout=40)
    assert r.code == 0, r
    assert r.elapsed < 8, r
    assert world.cf.content(HOME) == ADDR4
    assert world.published(HOME) == ADDR4


@pytest.mark.parametrize("changed", [False, True])
def test_published_address_needs_no_second_opinion(world, changed):
    # every record already holds what the healthy source says: taken at
    # once; a changed address waits for the dead source until it gives up
    e = world.echo
    world.config(general={"timeout": "8",
                          "ipv4": e.url("/dead") + " " + e.url("/ip")},
                 account={"records": HOME})
    assert world.run().code == 0
    if changed:
        e.address = ADDR4_B
    r = world.run("-v", timeout=40)
    assert r.code == 0, r
    assert ("not confirmed by another source" in r.both) == changed, r
    assert world.published(HOME) == (ADDR4_B if changed else ADDR4)


def test_dead_ipv6_source_does_not_delay_ipv4(world, echo6):
    world.config(general={"timeout": "8", "ipv6": echo6.url("/dead")},
                 account={"type": "A", "records": HOME})
    # an A-only account: the IPv6 source is configured but not needed
    r = world.run(timeout=40)
    assert r.code == 0, r
    assert r.elapsed < 8, r
    assert echo6.total() == 0
    assert world.cf.content(HOME) == ADDR4


def _start(world, *args):
    return subprocess.Popen([world.binary, "-c", str(world.cfg_path),
                             *args], env=world.env(),
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_runs_at_once(world):
    cf = world.cf
    cf.add_record(HOME, ADDR4_B)
    world.config()
    assert world.run().code == 0
    cf.reset_log()
    world.echo.address = ADDR4_C
    cf.latency = 0.4
    procs = [_start(world), _start(world)]
    outs = [p.communicate(timeout=RUN_TIMEOUT) for p in procs]
    for p, (o, e) in zip(procs, outs):
        assert p.returncode == 0, (p.returncode, o, e)
    for name in (HOME, NAS):
        assert cf.content(name) == ADDR4_C
        assert world.published(name) == ADDR4_C
        # needed once; at most once more
        assert len(cf.ops_for(name)) <= 2, cf.ops
    assert world.state()  # parses


def test_two_first_runs_at_once_create_once(world):
    cf = world.cf
    world.config()
    cf.latency = 0.4
    procs = [_start(world), _start(world)]
    outs = [p.communicate(timeout=RUN_TIMEOUT) for p in procs]
    for p, (o, e) in zip(procs, outs):
        assert p.returncode == 0, (p.returncode, o, e)
    for name in (HOME, NAS):
        # serialised runs: never two records for one name
        assert len(cf.find(name)) == 1, cf.find(name)
        assert world.published(name) == ADDR4


def _hold_lock(world):
    """Takes the documented run lock (STATE_FILE.lock, a POSIX record
    lock) the way another run would; returns the open file."""
    path = str(world.state_path) + ".lock"
    world.state_path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a+b")
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return f


def test_run_waits_for_the_lock(world):
    world.config(general={"timeout": "2"})
    f = _hold_lock(world)
    try:
        p = _start(world)
        time.sleep(1.5)
        assert p.poll() is None, "the run did not wait for the lock"
        assert world.cf.requests == [] and world.state_bytes() is None
    finally:
        f.close()       # released: the run goes on
    out, err = p.communicate(timeout=RUN_TIMEOUT)
    assert p.returncode == 0, (out, err)
    assert world.published(HOME) == ADDR4


def test_lock_held_too_long_gives_up(world):
    world.config(general={"timeout": "1"})
    f = _hold_lock(world)
    try:
        t0 = time.monotonic()
        r = world.run(timeout=60)
        elapsed = time.monotonic() - t0
    finally:
        f.close()
    assert r.code == 1, r
    assert r.err.strip(), r
    assert elapsed < 30, r
    assert world.cf.requests == [] and world.state_bytes() is None


def _check_state(data, prev, addrs_before, new, names, cf):
    """After a kill, the state file must be absent (only if it was), the
    old one, or a valid one whose records hold old or new addresses; and
    every address it claims is the one the provider holds (a record the
    run may have changed mid-way is forgotten, for the next run to check)."""
    cf.wait_idle()
    if data is None:
        assert prev is None, "state file vanished"
        return
    st = parse_state(data.decode())
    for name in names:
        sec = st.get(rec_section("home", "A", name))
        if sec is None:
            continue
        if data != prev:
            assert sec.get("address") in (addrs_before.get(name), new), \
                (name, sec, addrs_before, new)
        assert sec.get("address") == cf.content(name), \
            (name, "state claims what the provider does not hold", data)


def test_sigkill_never_corrupts_state(world):
    seed = int(os.environ.get("E2E_SEED", time.time()))
    rng = random.Random(seed)
    cf = world.cf
    names = (HOME, NAS, WWW)
    world.config(account={"records": " ".join(names)})
    cf.latency = 0.05
    # how long a full run takes: half the kills land anywhere in it, half
    # close to its end, where the state is written. The first run (zone
    # lookup, creates) is only a first guess: a run that ends before its
    # kill gives the new length, so a loaded machine cannot make every
    # kill land after the run.
    t0 = time.monotonic()
    r = world.run()
    full = time.monotonic() - t0
    assert r.code == 0, r
    addrs = [ADDR4_B, ADDR4_C, ADDR4]
    completed = killed = 0
    for i in range(20):
        prev = world.state_bytes()
        st = parse_state(prev.decode())
        before = {n: st.get(rec_section("home", "A", n), {}).get("address")
                  for n in names}
        new = addrs[i % 3]
        world.echo.address = new
        if i % 2:
            delay = rng.uniform(0.0, full)
        else:
            delay = rng.uniform(0.8 * full, 1.1 * full)
        t0 = time.monotonic()
        p = _start(world)
        try:
            p.wait(timeout=delay)
            full = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
        p.communicate(timeout=RUN_TIMEOUT)
        if p.returncode == -signal.SIGKILL:
            killed += 1
        else:
            completed += 1
        _check_state(world.state_bytes(), prev, before, new, names, cf)
    # no stale lock, no poison: a clean run finishes the job
    cf.latency = 0
    r = world.run(timeout=30)
    assert r.code == 0, (r, "seed %d" % seed)
    for n in names:
        assert cf.content(n) == world.echo.address
        assert len(cf.find(n)) == 1, (n, cf.find(n), "seed %d" % seed)
        assert world.published(n) == world.echo.address
    assert killed > 0, "seed %d: every run finished before the kill" % seed
