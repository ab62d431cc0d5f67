"""Disk faults, through the LD_PRELOAD shim tests/faults/faultfs.c: a state
directory that is read-only, missing or on a full disk, a write cut short,
a failing fsync or rename. The run says what failed, exits 1, and the
previous state file is intact (no temporary file is left behind); the next
healthy run finishes the job."""

import os

import pytest

from e2e_util import ADDR4, ADDR4_B, ADDR4_C

HOME = "home.example.com"


def primed(world):
    """Publishes ADDR4 for home; the address then becomes ADDR4_C.
    Returns the state file's bytes."""
    world.cf.add_record(HOME, ADDR4_B)
    world.config(account={"records": HOME})
    r = world.run()
    assert r.code == 0, r
    world.cf.reset_log()
    world.echo.address = ADDR4_C
    return world.state_bytes()


def faulty_run(world, faultfs, **fault):
    """Runs with the shim preloaded and FAULTFS_<KEY> set from fault;
    returns (result, the faults the shim injected)."""
    log = world.dir / "faultfs.log"
    if log.exists():
        log.unlink()
    env = world.env(LD_PRELOAD=faultfs, FAULTFS_LOG=log,
                    **{"FAULTFS_" + k.upper(): v for k, v in fault.items()})
    r = world.run("-v", env=env)
    injected = log.read_text().splitlines() if log.exists() else []
    return r, injected


def leftovers(world):
    d = world.state_path.parent
    return sorted(p for p in os.listdir(d) if ".tmp" in p) if d.exists() \
        else []


def assert_failed_intact(world, r, injected, before, *words):
    """The run failed because of the injected fault, said so, and the
    state file is the previous one, byte for byte."""
    assert injected, "the shim injected nothing: %s" % r
    assert r.code == 1, r
    for w in words:
        assert w in r.err, (w, r)
    assert world.state_bytes() == before, r
    assert leftovers(world) == []


def assert_next_run_heals(world):
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4_C == world.cf.content(HOME)
    assert len(world.cf.find(HOME)) == 1


def test_state_dir_read_only(world, faultfs):
    before = primed(world)
    d = str(world.state_path.parent) + "/"
    r, inj = faulty_run(world, faultfs, op="create,rename", errno="EROFS",
                        path=d)
    # the lock beside the state cannot be opened: nothing is done at all
    assert_failed_intact(world, r, inj, before, "cannot open lock file",
                         "Read-only file system")
    assert world.cf.requests == []
    assert_next_run_heals(world)


def test_state_file_not_creatable_after_the_update(world, faultfs):
    before = primed(world)
    r, inj = faulty_run(world, faultfs, op="create", errno="EROFS",
                        path="state.ini.tmp")
    assert_failed_intact(world, r, inj, before, "Read-only file system",
                         "the state was not saved")
    # the provider was updated; only the state could not say so, and the
    # next run re-checks (the record is already right: no second write)
    assert world.cf.content(HOME) == ADDR4_C
    assert_next_run_heals(world)


def test_state_dir_missing_is_created(world):
    primed(world)
    for p in world.state_path.parent.iterdir():
        p.unlink()
    world.state_path.parent.rmdir()
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4_C


def test_state_dir_cannot_be_created(world):
    blocker = world.dir / "not-a-dir"
    blocker.write_text("a file where a directory should be\n")
    state = blocker / "sub" / "state.ini"
    world.config(general={"state_file": str(state)},
                 account={"records": HOME})
    r = world.run()
    assert r.code == 1, r
    assert str(blocker) in r.err and "Not a directory" in r.err, r
    assert world.cf.requests == []
    assert blocker.read_text() == "a file where a directory should be\n"


# Faults while the new state file is written: (fault, words of the message).
WRITE_FAULTS = {
    "full": (dict(op="write", errno="ENOSPC"),
             ["cannot write", "No space left on device"]),
    "quota": (dict(op="write", errno="EDQUOT"),
              ["cannot write", "quota exceeded"]),
    "write_eio": (dict(op="write", errno="EIO"),
                  ["cannot write", "Input/output error"]),
    "partial_then_full": (dict(op="write", partial="1"),
                          ["cannot write", "No space left on device"]),
    "fsync": (dict(op="fsync", errno="EIO"),
              ["cannot write", "Input/output error"]),
    "rename_eio": (dict(op="rename", errno="EIO"),
                   ["cannot rename", "Input/output error"]),
    "rename_eacces": (dict(op="rename", errno="EACCES"),
                      ["cannot rename", "Permission denied"]),
    "rename_erofs": (dict(op="rename", errno="EROFS"),
                     ["cannot rename", "Read-only file system"]),
}


@pytest.mark.parametrize("kind", sorted(WRITE_FAULTS))
def test_state_write_fails(world, faultfs, kind):
    fault, words = WRITE_FAULTS[kind]
    before = primed(world)
    r, inj = faulty_run(world, faultfs, path="state.ini.tmp", **fault)
    assert_failed_intact(world, r, inj, before, "the state was not saved",
                         *words)
    assert_next_run_heals(world)


def test_directory_fsync_fails_after_the_rename(world, faultfs):
    # the new file is in place but may not survive a crash: the run says
    # so and exits 1; the file is whole (old or new, never a mix). The
    # fsyncs under the directory: the temp file's and the directory's for
    # the write that forgets the record before the update, then the same
    # two for the final write; the fourth fails
    primed(world)
    r, inj = faulty_run(world, faultfs, op="fsync", errno="EIO",
                        path=str(world.state_path.parent), after="3")
    assert inj and inj[0].startswith("fsync"), (inj, r)
    assert r.code == 1, r
    assert "cannot flush directory" in r.err, r
    assert world.published(HOME) == ADDR4_C
    assert leftovers(world) == []
    assert_next_run_heals(world)


def test_state_is_not_written_when_nothing_changed(world, faultfs):
    # a full disk does not matter to a run with nothing to save
    primed(world)
    world.echo.address = ADDR4
    r, inj = faulty_run(world, faultfs, op="write,fsync,rename,create",
                        path="state.ini.tmp")
    assert r.code == 0, r
    assert inj == [], inj
