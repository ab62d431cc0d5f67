"""The whole pipeline against the Cloudflare emulator: create, update,
cache, re-lookup, --force, --dry-run, IPv6, both families."""

import calendar
import time

import pytest

from e2e_util import (ADDR4, ADDR4_B, ADDR4_C, ADDR6, ADDR6_B, ISO_UTC,
                      rec_section)

HOME, NAS = "home.example.com", "nas.example.com"


def prime(world, **config):
    """home exists upstream with an old address, nas is missing; one run
    brings both to ADDR4. Returns home's record ID."""
    rid = world.cf.add_record(HOME, ADDR4_B, proxied=True, ttl=1,
                              comment="keep me")
    world.config(**config)
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4 and world.published(NAS) == ADDR4
    return rid


def assert_updated_iso(value):
    assert ISO_UTC.match(value), value
    t = calendar.timegm(time.strptime(value[:19], "%Y-%m-%dT%H:%M:%S"))
    assert abs(t - time.time()) < 600, value


def test_first_run_creates_and_updates(world):
    cf = world.cf
    home_id = prime(world)
    # home: one PATCH with a string content; nas: one POST
    patches = cf.ops_for(HOME, "patch")
    assert len(patches) == 1 and patches[0].ok, cf.ops
    assert patches[0].rid == home_id
    assert patches[0].body.get("content") == ADDR4
    posts = cf.ops_for(NAS, "post")
    assert len(posts) == 1 and posts[0].ok, cf.ops
    assert posts[0].body["type"] == "A"
    assert posts[0].body["content"] == ADDR4
    assert [o.kind for o in cf.ops if o.kind not in ("patch", "post")] == []
    assert cf.content(HOME) == ADDR4 and cf.content(NAS) == ADDR4
    # proxied = keep (default): nothing else about home changed
    home = cf.find(HOME)[0]
    assert home["proxied"] is True and home["ttl"] == 1, home
    assert home["comment"] == "keep me", home
    assert all(q.auth_ok for q in cf.requests)
    for q in cf.requests:
        assert q.headers.get("User-Agent", "").startswith("ddns-update"), q
        if q.method in ("POST", "PATCH", "PUT"):
            assert q.headers.get("Content-Type", "").startswith(
                "application/json"), q
    # state: address, when, IDs
    st = world.state()
    nas_id = cf.find(NAS)[0]["id"]
    for name, rid in ((HOME, home_id), (NAS, nas_id)):
        sec = st[rec_section("home", "A", name)]
        assert sec["address"] == ADDR4, sec
        assert_updated_iso(sec["updated"])
        assert sec.get("record_id") == rid, sec
    assert any(world.zone_id in v.values() for v in st.values()), st


def test_second_run_makes_no_provider_request(world):
    prime(world)
    before = world.state()
    world.cf.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.requests == []
    assert world.echo.counts["/ip"] == 2
    after = world.state()
    for name in (HOME, NAS):
        sec = rec_section("home", "A", name)
        assert after[sec]["address"] == before[sec]["address"] == ADDR4


def test_address_change_costs_one_patch_per_record(world):
    home_id = prime(world)
    nas_id = world.cf.find(NAS)[0]["id"]
    world.cf.reset_log()
    world.echo.address = ADDR4_C
    r = world.run()
    assert r.code == 0, r
    cf = world.cf
    assert cf.lookups() == [], [(q.method, q.path) for q in cf.requests]
    for name, rid in ((HOME, home_id), (NAS, nas_id)):
        ops = cf.ops_for(name)
        assert len(ops) == 1 and ops[0].kind == "patch" and ops[0].ok, ops
        assert ops[0].rid == rid
        assert cf.content(name) == ADDR4_C
        assert world.published(name) == ADDR4_C
    assert len(cf.requests) <= 2


def test_record_deleted_upstream_is_looked_up_and_created(world):
    home_id = prime(world)
    world.cf.delete(home_id)
    world.cf.reset_log()
    world.echo.address = ADDR4_C
    r = world.run()
    assert r.code == 0, r
    cf = world.cf
    assert cf.content(HOME) == ADDR4_C
    new_id = cf.find(HOME)[0]["id"]
    assert new_id != home_id
    reqs = cf.requests
    # a lookup: by name, or a listing of the zone's records of that type
    look = [i for i, q in enumerate(reqs) if q.method == "GET" and
            q.path.endswith("/dns_records") and
            q.query.get("name", q.query.get("name.exact", HOME)) == HOME]
    post = [i for i, q in enumerate(reqs) if q.method == "POST" and
            "/dns_records" in q.path]
    assert look and post and min(look) < max(post), \
        [(q.method, q.path, q.query, q.status) for q in reqs]
    posts = cf.ops_for(HOME, "post")
    assert len(posts) == 1 and posts[0].ok, cf.ops
    assert world.rec(HOME)["record_id"] == new_id
    assert world.published(HOME) == ADDR4_C
    # nas was not disturbed: one PATCH
    assert [o.kind for o in cf.ops_for(NAS)] == ["patch"]


def test_force_updates_even_when_current(world):
    home_id = prime(world)
    # someone changes the record behind our back; the state still says
    # current, so a normal run does not look...
    world.cf.set_content(home_id, ADDR4_C)
    world.cf.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.requests == []
    assert world.cf.content(HOME) == ADDR4_C
    # ... and --force repairs it
    r = world.run("--force")
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4 and world.cf.content(NAS) == ADDR4
    assert world.cf.requests
    assert world.published(HOME) == ADDR4


@pytest.mark.parametrize("flag", ["-n", "--dry-run"])
def test_dry_run_fresh_touches_nothing(world, flag):
    world.cf.add_record(HOME, ADDR4_B)
    world.config()
    r = world.run(flag)
    assert r.code == 0, r
    assert world.cf.requests == []
    assert world.state_bytes() is None
    assert not world.state_path.parent.exists() or \
        list(world.state_path.parent.iterdir()) == []
    for name in (HOME, NAS):
        assert any(name in l and "would" in l for l in r.out.splitlines()), r
    assert world.cf.content(HOME) == ADDR4_B and world.cf.content(NAS) is None


def test_dry_run_after_change_leaves_state_alone(world):
    prime(world)
    before = world.state_bytes()
    world.cf.reset_log()
    world.echo.address = ADDR4_C
    r = world.run("--dry-run")
    assert r.code == 0, r
    assert world.cf.requests == []
    assert world.state_bytes() == before
    lines = [l for l in r.out.splitlines() if "would update" in l]
    assert any(HOME in l and ADDR4_C in l for l in lines), r
    assert any(NAS in l and ADDR4_C in l for l in lines), r
    assert world.cf.content(HOME) == ADDR4


def test_dry_run_without_change_announces_nothing(world):
    prime(world)
    world.cf.reset_log()
    r = world.run("--dry-run")
    assert r.code == 0, r
    assert world.cf.requests == []
    assert "would" not in r.out, r


def test_aaaa_over_ipv6_source(world, echo6):
    world.config(general={"ipv4": "off", "ipv6": echo6.url("/ip")},
                 account={"type": "AAAA"})
    r = world.run()
    assert r.code == 0, r
    assert echo6.counts["/ip"] >= 1
    assert world.echo.total() == 0
    for name in (HOME, NAS):
        assert world.cf.content(name, "AAAA") == ADDR6
        assert world.cf.find(name, "A") == []
        assert world.published(name, "AAAA") == ADDR6


def test_a_and_aaaa_both(world, echo6):
    cf = world.cf
    cf.add_record(HOME, ADDR6_B, type="AAAA")
    world.config(general={"ipv6": echo6.url("/trace")},
                 account={"type": "A AAAA"})
    r = world.run()
    assert r.code == 0, r
    for name in (HOME, NAS):
        assert cf.content(name, "A") == ADDR4
        assert cf.content(name, "AAAA") == ADDR6
        assert world.published(name, "A") == ADDR4
        assert world.published(name, "AAAA") == ADDR6
    # nothing changed: nothing asked
    cf.reset_log()
    assert world.run().code == 0
    assert cf.requests == []
    # only the IPv6 address changes: only AAAA records are touched
    echo6.address = ADDR6_B
    r = world.run()
    assert r.code == 0, r
    assert all(o.type == "AAAA" and o.kind == "patch" for o in cf.ops), \
        cf.ops
    assert len(cf.ops) == 2
    for name in (HOME, NAS):
        assert cf.content(name, "AAAA") == ADDR6_B
        assert cf.content(name, "A") == ADDR4


@pytest.mark.parametrize("path", ["/ip", "/trace", "/ipip", "/json"])
def test_source_formats(world, path):
    world.echo.address = ADDR4_C
    world.config(general={"ipv4": world.echo.url(path)},
                 account={"records": HOME})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4_C
    assert world.published(HOME) == ADDR4_C


def test_upstream_already_current_needs_no_write(world):
    world.cf.add_record(HOME, ADDR4)
    world.cf.add_record(NAS, ADDR4)
    world.config()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.ops == []
    assert world.published(HOME) == ADDR4 and world.published(NAS) == ADDR4


def test_zone_id_skips_zone_lookup(world):
    world.config(account={"zone": None, "zone_id": world.zone_id})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.count("GET", r"^/zones/?$") == 0
    assert world.cf.content(HOME) == ADDR4 and world.cf.content(NAS) == ADDR4


def test_zone_found_by_walking_up_labels(world):
    cf = world.cf
    cf.add_zone("example.net")
    world.config(account={"zone": None, "records":
                          "deep.sub.example.com www.example.net"})
    r = world.run()
    assert r.code == 0, r
    assert cf.content("deep.sub.example.com") == ADDR4
    assert cf.content("www.example.net") == ADDR4
    assert cf.find("www.example.net")[0]["zone_name"] == "example.net"
    # the zone IDs were cached: a change costs one request per record
    cf.reset_log()
    world.echo.address = ADDR4_C
    assert world.run().code == 0
    assert cf.lookups() == [] and len(cf.ops) == 2


def test_ttl_and_proxied_from_config(world):
    world.cf.add_record(HOME, ADDR4_B, proxied=True, ttl=1)
    world.config(account={"ttl": "300", "proxied": "no"})
    r = world.run()
    assert r.code == 0, r
    for name in (HOME, NAS):
        rec = world.cf.find(name)[0]
        assert rec["content"] == ADDR4, rec
        assert rec["ttl"] == 300 and rec["proxied"] is False, rec


def test_proxied_yes(world):
    world.cf.add_record(HOME, ADDR4_B, proxied=False)
    world.config(account={"proxied": "yes"})
    assert world.run().code == 0
    for name in (HOME, NAS):
        assert world.cf.find(name)[0]["proxied"] is True


def test_state_directory_is_created(world):
    world.state_path = world.dir / "new" / "deeper" / "state.ini"
    world.config()
    r = world.run()
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4


def test_record_names_are_case_and_dot_insensitive(world):
    world.config(account={"records": "Home.Example.COM. nas.example.com"})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4
    assert world.published(HOME) == ADDR4


@pytest.mark.parametrize("status", [404, 403])
def test_zone_recreated_upstream(world, status):
    # the cached zone ID is gone (zone deleted and added again): the 404
    # (or a 403 "Authentication error", for a zone the token cannot see)
    # leads back to the lookups
    prime(world)
    world.cf.unknown_zone_403 = status == 403
    new_zid = world.cf.move_zone("example.com")
    world.cf.reset_log()
    world.echo.address = ADDR4_C
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4_C
    assert world.cf.content(NAS) == ADDR4_C
    assert world.published(HOME) == ADDR4_C
    assert new_zid in world.state_path.read_text()
    # and the new IDs are cached
    world.cf.reset_log()
    world.echo.address = ADDR4
    assert world.run().code == 0
    assert world.cf.lookups() == [] and len(world.cf.ops) == 2


ADDR6_X = "2a00:1450:4001:80b::200e"


def test_ipv6_is_published_in_canonical_form(world, echo6):
    echo6.address = "2A00:1450:4001:080B:0000:0000:0000:200E"
    world.config(general={"ipv4": "off", "ipv6": echo6.url("/ip")},
                 account={"type": "AAAA", "records": HOME})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME, "AAAA") == ADDR6_X
    assert world.published(HOME, "AAAA") == ADDR6_X
    # the same address written differently is no change
    world.cf.reset_log()
    echo6.address = "2a00:1450:4001:80b:0:0:0:200e"
    r = world.run()
    assert r.code == 0, r
    assert world.cf.requests == []


def test_dry_run_force_lists_every_record(world):
    prime(world)
    world.cf.reset_log()
    before = world.state_bytes()
    r = world.run("-n", "-f")
    assert r.code == 0, r
    assert world.cf.requests == []
    assert world.state_bytes() == before
    for name in (HOME, NAS):
        assert any(name in l and "would" in l for l in r.out.splitlines()), r


def test_dry_run_without_address_fails(world, closed_port):
    world.config(general={"ipv4": "https://127.0.0.1:%d/ip" % closed_port})
    r = world.run("--dry-run")
    assert r.code == 1, r
    assert world.cf.requests == [] and world.state_bytes() is None


def test_default_state_file_in_state_directory(world):
    sd = world.dir / "systemd-state"
    world.state_path = sd / "state.ini"
    world.config(general={"state_file": None})
    r = world.run(env=world.env(STATE_DIRECTORY=sd))
    assert r.code == 0, r
    assert world.published(HOME) == ADDR4


def test_one_family_missing_still_updates_the_other(world, echo6):
    world.config(general={"ipv6": echo6.url("/dead"), "timeout": "2"},
                 account={"type": "A AAAA"})
    r = world.run(timeout=40)
    assert r.code == 1, r
    for name in (HOME, NAS):
        assert world.cf.content(name, "A") == ADDR4
        assert world.published(name, "A") == ADDR4
        assert world.cf.content(name, "AAAA") is None
        assert world.published(name, "AAAA") is None
    # IPv6 comes back: only the AAAA records are done
    world.cf.reset_log()
    world.config(general={"ipv6": echo6.url("/ip")},
                 account={"type": "A AAAA"})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.ops and all(o.type == "AAAA" for o in world.cf.ops)
    for name in (HOME, NAS):
        assert world.cf.content(name, "AAAA") == ADDR6


def test_zone_apex_record(world):
    world.config(account={"zone": None, "records": "example.com"})
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content("example.com") == ADDR4
    assert world.published("example.com") == ADDR4
