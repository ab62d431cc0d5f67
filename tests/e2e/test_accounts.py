"""Several provider accounts in one config: independent outcomes."""

from e2e_util import ADDR4, ADDR4_C, rec_section

HOME, NAS, VPN = "home.example.com", "nas.example.com", "vpn.example.org"
TOKEN2 = "WorkTok_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"


def two_accounts(world, make_cf):
    cf2 = make_cf(TOKEN2)
    cf2.add_zone("example.org")
    world.secrets.append(TOKEN2)
    world.config(extra="\n[work]\nprovider = cloudflare\ntoken = %s\n"
                 "records = %s\ntype = A\nendpoint = %s\n" % (
                     TOKEN2, VPN, cf2.base))
    return cf2


def test_two_accounts(world, make_cf):
    cf2 = two_accounts(world, make_cf)
    r = world.run()
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4 and world.cf.content(NAS) == ADDR4
    assert cf2.content(VPN) == ADDR4
    assert all(q.auth_ok for q in world.cf.requests + cf2.requests)
    st = world.state()
    assert st[rec_section("work", "A", VPN)]["address"] == ADDR4
    world.cf.reset_log()
    cf2.reset_log()
    assert world.run().code == 0
    assert world.cf.requests == [] and cf2.requests == []
    world.echo.address = ADDR4_C
    assert world.run().code == 0
    assert cf2.content(VPN) == ADDR4_C and world.cf.content(HOME) == ADDR4_C
    assert cf2.lookups() == [] and world.cf.lookups() == []


def test_failing_account_does_not_hold_back_the_other(world, make_cf):
    cf2 = two_accounts(world, make_cf)
    cf2.fault(status=500)
    r = world.run()
    assert r.code == 1, r
    assert world.cf.content(HOME) == ADDR4 and world.cf.content(NAS) == ADDR4
    assert world.published(HOME) == ADDR4 and world.published(NAS) == ADDR4
    assert cf2.content(VPN) is None
    sec = world.state().get(rec_section("work", "A", VPN))
    assert sec is None or sec.get("address") is None, sec
    # fixed: only the failed account is called again
    cf2.clear_faults()
    world.cf.reset_log()
    r = world.run()
    assert r.code == 0, r
    assert world.cf.requests == []
    assert cf2.content(VPN) == ADDR4
    assert world.state()[rec_section("work", "A", VPN)]["address"] == ADDR4
