"""Fixtures for the fault-injection tests of the real binary.

They reuse the end-to-end fixtures (tests/e2e/conftest.py: the binary from
$DDNS_UPDATE, the test CA, the address echo, the Cloudflare emulator and the
World that writes configs and runs the binary), and add:

  faultfs     the LD_PRELOAD shim from $DDNS_FAULTFS (tests/faults/faultfs.c),
              skipped when unset
  evil        an HTTPS server that misbehaves on purpose (fault_servers.py)
  plain_echo  an address echo over plain HTTP, for redirects to http://
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parents[1] / "e2e"
sys.path.insert(0, str(E2E))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# tests/e2e/conftest.py under another name, so both directories can be
# collected in one session; its fixtures are re-exported from here.
_spec = importlib.util.spec_from_file_location("e2e_conftest",
                                               E2E / "conftest.py")
e2e_conftest = importlib.util.module_from_spec(_spec)
sys.modules["e2e_conftest"] = e2e_conftest
_spec.loader.exec_module(e2e_conftest)

from e2e_conftest import (HAVE_IPV6, World, binary, cf, closed_port,  # noqa
                          echo, echo6, make_cf, make_echo, pki, server_ctx,
                          world)
from e2e_util import ADDR4  # noqa: E402
from fault_servers import EvilServer  # noqa: E402


@pytest.fixture(scope="session")
def faultfs():
    lib = os.environ.get("DDNS_FAULTFS")
    if not lib:
        pytest.skip("DDNS_FAULTFS is not set (make check-faults builds it)")
    if not os.path.isfile(lib):
        pytest.fail("DDNS_FAULTFS=%s does not exist" % lib, pytrace=False)
    return os.path.abspath(lib)


@pytest.fixture
def evil(server_ctx):
    srv = EvilServer("127.0.0.1", server_ctx, ADDR4).start()
    yield srv
    srv.stop()


@pytest.fixture
def plain_echo(make_echo):
    return make_echo("127.0.0.1", ADDR4, tls=False)
