"""A throw-away certificate authority made with the openssl CLI at test time.

make_pki(dir) writes an EC P-256 CA and a server certificate for
127.0.0.1, ::1 and localhost signed by it, and returns their paths.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

OPENSSL_TIMEOUT = 30

_CNF = """\
[req]
distinguished_name = dn
prompt = no

[dn]
CN = ddns-update e2e test

[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[v3_srv]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = {san}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
"""


@dataclass
class PKI:
    dir: Path
    ca: Path        # the CA certificate (PEM), what ca_file points at
    cert: Path      # server certificate (PEM)
    key: Path       # server private key (PEM)
    ipv6: bool      # whether ::1 is in the certificate


def _openssl(args, cwd):
    r = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True,
                       timeout=OPENSSL_TIMEOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (args[0], r.stderr))


def _ec_key(path, cwd):
    _openssl(["genpkey", "-algorithm", "EC", "-pkeyopt",
              "ec_paramgen_curve:P-256", "-out", str(path)], cwd)


def make_pki(d: Path, ipv6: bool = True) -> PKI:
    """Creates the CA and the server certificate under d."""
    d.mkdir(parents=True, exist_ok=True)
    san = "IP:127.0.0.1,DNS:localhost" + (",IP:::1" if ipv6 else "")
    cnf = d / "openssl.cnf"
    cnf.write_text(_CNF.format(san=san))
    ca_key, ca = d / "ca.key", d / "ca.pem"
    key, csr, cert = d / "server.key", d / "server.csr", d / "server.pem"
    _ec_key(ca_key, d)
    _openssl(["req", "-x509", "-new", "-config", str(cnf), "-extensions",
              "v3_ca", "-key", str(ca_key), "-sha256", "-days", "3",
              "-subj", "/CN=ddns-update e2e test CA", "-out", str(ca)], d)
    _ec_key(key, d)
    _openssl(["req", "-new", "-config", str(cnf), "-key", str(key),
              "-subj", "/CN=localhost", "-out", str(csr)], d)
    _openssl(["x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey",
              str(ca_key), "-set_serial", "0x5eed", "-days", "2", "-sha256",
              "-extfile", str(cnf), "-extensions", "v3_srv", "-out",
              str(cert)], d)
    return PKI(dir=d, ca=ca, cert=cert, key=key, ipv6=ipv6)
