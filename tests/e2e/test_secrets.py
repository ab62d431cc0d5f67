"""Secrets never appear in any output, -v included."""

import pytest

from e2e_util import ADDR4, ADDR4_B, ADDR4_C, ODD_TOKEN, TOKEN, \
    assert_no_secret, write_file

HOME = "home.example.com"


def leaks(world, r, token):
    text = r.both
    assert_no_secret(text, token)
    assert "Bearer " + token not in text
    for q in world.cf.requests:
        assert token not in q.path and token not in str(q.query)


@pytest.mark.parametrize("token", [TOKEN, ODD_TOKEN])
def test_verbose_run_hides_token(world, token):
    world.cf.token = token
    world.secrets.append(token)
    world.cf.add_record(HOME, ADDR4_B)
    world.config(account={"token": token})
    r = world.run("-v")
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4
    assert r.err.strip(), "-v said nothing: %s" % r
    leaks(world, r, token)
    assert "Authorization" not in r.both, r
    # again with a change (PATCH by cached ID) and with nothing to do
    world.echo.address = ADDR4_C
    for _ in range(2):
        r = world.run("-v")
        assert r.code == 0, r
        leaks(world, r, token)
        assert "Authorization" not in r.both, r
    assert token not in world.state_bytes().decode(errors="replace")


def test_verbose_check_hides_token(world):
    world.config()
    r = world.run("-v", "--check")
    assert r.code == 0, r
    leaks(world, r, TOKEN)


def test_verbose_auth_failure_hides_token(world):
    world.cf.token = "SomethingElse_0123456789abcdefghijklmnopq"
    world.config()
    r = world.run("-v")
    assert r.code == 1, r
    leaks(world, r, TOKEN)


def test_server_echoing_the_token_is_masked(world):
    # a server that puts the token in its error message: logging the
    # response must not reveal it
    world.cf.fault(status=400, body={"success": False, "errors": [
        {"code": 6003, "message": "Invalid request headers: Authorization: "
         "Bearer " + TOKEN}], "messages": [], "result": None})
    world.config()
    r = world.run("-v")
    assert r.code == 1, r
    leaks(world, r, TOKEN)


@pytest.mark.parametrize("token", [TOKEN, ODD_TOKEN])
def test_token_file_verbose(world, token):
    world.cf.token = token
    world.secrets.append(token)
    f = write_file(world.dir / "tok", token + "\n")
    world.config(account={"token": None, "token_file": str(f)})
    r = world.run("-v")
    assert r.code == 0, r
    assert world.cf.content(HOME) == ADDR4
    leaks(world, r, token)


def test_config_error_does_not_print_token(world):
    f = write_file(world.dir / "tok", TOKEN + "\n")
    world.config(account={"token_file": str(f)})    # token and token_file
    r = world.run("-v", "--check")
    assert r.code == 2, r
    leaks(world, r, TOKEN)


def test_bad_token_line_does_not_print_token(world):
    # a value the config rejects (two words) must not be echoed either
    world.config(account={"token": TOKEN + " " + TOKEN[::-1]})
    world.secrets.append(TOKEN[::-1])
    r = world.run("-v")
    leaks(world, r, TOKEN)
