"""Google-style ID tokens for tests: RSA signing keys with certificates, and a local
server publishing them the way Google's v1 certificate endpoint does; development tokens."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import google.auth.crypt
import google.auth.jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from shared.adapters.dev_tokens import DevTokenVerifier


class SigningKey:
    def __init__(self, kid: str) -> None:
        self.kid = kid
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test signer {kid}")])
        now = datetime.now(UTC)
        certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                       .public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(now - timedelta(days=1))
                       .not_valid_after(now + timedelta(days=2))
                       .sign(key, hashes.SHA256()))
        self.certificate_pem = certificate.public_bytes(serialization.Encoding.PEM).decode()

    def sign(self, payload: dict[str, Any], *, kid: str | None = "same",
             header: dict[str, Any] | None = None) -> str:
        signer = google.auth.crypt.RSASigner.from_string(  # type: ignore[no-untyped-call]
            self.private_pem, key_id=self.kid if kid == "same" else kid)
        token: bytes = google.auth.jwt.encode(signer, payload,  # type: ignore[no-untyped-call]
                                              header=header)
        return token.decode()


class CertServer:
    """Serves ``certs`` as Google's v1 certificate endpoint does; counts the fetches."""

    def __init__(self) -> None:
        self.certs: dict[str, str] = {}
        self.status = 200
        self.body: bytes | None = None
        self.cache_control = "public, max-age=3600, must-revalidate, no-transform"
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                body = server.body if server.body is not None else json.dumps(
                    server.certs).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", server.cache_control)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/oauth2/v1/certs"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def reset(self, *keys: SigningKey) -> None:
        self.publish(*keys)
        self.status, self.body, self.fetches = 200, None, 0
        self.cache_control = "public, max-age=3600, must-revalidate, no-transform"

    def publish(self, *keys: SigningKey) -> None:
        self.certs = {key.kid: key.certificate_pem for key in keys}

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# Development tokens (local work): signed with a secret of the data folder.

DEV_SECRET = "development-token-secret-of-the-tests-0123456789"


def dev_verifier() -> DevTokenVerifier:
    """The development token verifier of the tests (no Google Cloud in sight)."""
    return DevTokenVerifier(DEV_SECRET, {})


def dev_token(email: str) -> str:
    return dev_verifier().mint(email)


def dev_bearer(email: str) -> dict[str, str]:
    """The Authorization header of a development token proving ``email``."""
    return {"Authorization": f"Bearer {dev_token(email)}"}
