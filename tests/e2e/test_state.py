"""The state file: corrupt input is reported and repaired; format."""

import pytest

from e2e_util import ADDR4, ADDR4_B, rec_section

HOME, NAS = "home.example.com", "nas.example.com"

CORRUPT = {
    "binary": bytes(range(256)) * 4,
    "brackets": b"[[[[\n]]]]\n==== = =\n[",
    "not_ini": b"this is not an ini file\nat all\n",
    "truncated": b"[home A home.example.com]\naddress = 93.18",
}


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_corrupt_state_is_reported_and_repaired(world, kind):
    world.cf.add_record(HOME, ADDR4_B)
    world.state_path.parent.mkdir(parents=True)
    world.state_path.write_bytes(CORRUPT[kind])
    world.config()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4 and world.cf.content(NAS) == ADDR4
    assert world.published(HOME) == ADDR4
    assert world.published(NAS) == ADDR4
    # a second run is quiet towards the provider again
    world.cf.reset_log()
    assert world.run().code == 0
    assert world.cf.requests == []


@pytest.mark.parametrize("kind", ["binary", "brackets", "not_ini"])
def test_corrupt_state_warns(world, kind):
    world.state_path.parent.mkdir(parents=True)
    world.state_path.write_bytes(CORRUPT[kind])
    world.config()
    r = world.run()
    assert r.code == 0, r
    low = r.err.lower()
    assert "state" in low or str(world.state_path) in r.err, r


def test_corrupt_state_with_current_upstream_writes_nothing(world):
    world.cf.add_record(HOME, ADDR4)
    world.cf.add_record(NAS, ADDR4)
    world.state_path.parent.mkdir(parents=True)
    world.state_path.write_bytes(CORRUPT["binary"])
    world.config()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.ops == []       # re-checked, nothing to change
    assert world.published(HOME) == ADDR4


def test_state_sections_are_human_readable(world):
    world.config(account={"records": HOME})
    assert world.run().code == 0
    text = world.state_path.read_text()
    assert "[%s]" % rec_section("home", "A", HOME) in text
    assert "address = " + ADDR4 in text or "address=" + ADDR4 in text


def test_state_file_in_unwritable_place_fails(world):
    # the state path is a directory: nothing can be saved, the run says so
    world.state_path.mkdir(parents=True)
    world.config()
    r = world.run()
    assert r.code == 1, r
    assert r.err.strip(), r


def test_removed_record_is_dropped_from_state(world):
    world.config()
    assert world.run().code == 0
    assert world.rec(NAS) is not None
    # nas leaves the config; the next state write forgets it
    world.config(account={"records": HOME})
    world.echo.address = ADDR4_B
    world.cf.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.ops_for(NAS) == []
    assert world.rec(NAS) is None and world.published(HOME) == ADDR4_B
