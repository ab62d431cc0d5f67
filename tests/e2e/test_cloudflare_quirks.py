"""Cloudflare quirks: a record renamed upstream, duplicates, an auth
failure told with HTTP 400, zones that are not active, and what is never
sent to Cloudflare (a record outside zone =, a TTL it does not take)."""

from e2e_util import ADDR4, ADDR4_B, ADDR4_C

HOME, NAS = "home.example.com", "nas.example.com"


def primed(world, **account):
    """One good run publishes ADDR4 for home and nas (home existed with
    ADDR4_B); then the address changes to ADDR4_C. Returns home's ID."""
    rid = world.cf.add_record(HOME, ADDR4_B)
    world.config(account=account)
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4 and world.published(NAS) == ADDR4
    assert world.rec(HOME)["record_id"] == rid
    world.cf.reset_log()
    world.echo.address = ADDR4_C
    return rid


def test_record_renamed_upstream_is_found_again(world):
    rid = primed(world)
    world.cf.rename(rid, "renamed.example.com")
    r = world.run()
    assert r.code == 0, r
    # the batch by cached IDs wrote the renamed record (that cannot be
    # helped); home is then looked up in the same run and created
    assert world.cf.content(HOME) == ADDR4_C
    assert world.cf.content(NAS) == ADDR4_C
    new = world.rec(HOME)["record_id"]
    assert new != rid and world.cf.find(HOME)[0]["id"] == new
    assert world.cf.count("GET", r"/dns_records$") == 1
    assert "renamed" in r.err
    # the next change leaves the renamed record alone
    world.cf.reset_log()
    world.echo.address = ADDR4
    assert world.run().code == 0
    assert world.cf.content("renamed.example.com") == ADDR4_C
    assert world.cf.content(HOME) == ADDR4
    assert world.cf.lookups() == []


def test_duplicate_records_update_the_remembered_one(world):
    rid = primed(world)
    # a second home record appears, listed before the remembered one; the
    # state lost home's zone ID, so the next run looks the records up
    with world.cf.lock:
        dup = world.cf.add_record(HOME, ADDR4_B)
        recs = dict(world.cf.records)
        world.cf.records.clear()
        world.cf.records[dup] = recs.pop(dup)
        world.cf.records.update(recs)
    lines = world.state_path.read_text().splitlines(keepends=True)
    at = lines.index("[home A home.example.com]\n")
    for i in range(at + 1, len(lines)):
        if lines[i].startswith("zone_id = "):
            del lines[i]
            break
    world.state_path.write_text("".join(lines))
    r = world.run()
    assert r.code == 0, r
    recs = {x["id"]: x["content"] for x in world.cf.find(HOME)}
    assert recs == {rid: ADDR4_C, dup: ADDR4_B}
    assert world.rec(HOME)["record_id"] == rid
    assert "2 records" in r.err


def test_malformed_auth_header_is_auth_at_once(world):
    primed(world)
    before = world.state_bytes()
    world.cf.refuse_auth_header()
    r = world.run()
    assert r.code == 1, r
    assert "auth" in r.err.lower() or "token" in r.err.lower(), r
    assert "Invalid request headers" in r.err, r
    # one batch by the cached IDs, refused: no lookups, nothing sent alone
    assert len(world.cf.requests) == 1
    assert world.state_bytes() == before
    assert world.cf.content(HOME) == ADDR4


def test_active_zone_is_preferred(world):
    pending = world.cf.add_shadow_zone("example.com")
    world.config()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4
    assert world.rec(HOME)["zone_id"] == world.zone_id
    assert pending not in world.state_path.read_text()
    assert world.cf.count(path=pending) == 0
    assert "not active" not in r.err


def test_record_outside_zone_is_refused_unsent(world):
    world.config(account={"zone": "Example.COM.",
                          "records": "home.example.com home.other.org"})
    r = world.run()
    assert r.code == 1, r
    assert "home.other.org is not in zone example.com" in r.err, r
    assert world.cf.content(HOME) == ADDR4
    assert world.published(HOME) == ADDR4
    assert world.published("home.other.org") is None
    assert not any("other.org" in str(q.body) + q.path + str(q.query)
                   for q in world.cf.requests)


def test_ttl_cloudflare_refuses_is_not_sent(world):
    world.config(account={"ttl": "10"})
    r = world.run()
    assert r.code == 1, r
    assert "ttl 10" in r.err and "86400" in r.err, r
    assert world.cf.requests == []
    world.config(account={"ttl": "120"})
    assert world.run().code == 0
    assert world.cf.find(HOME)[0]["ttl"] == 120
