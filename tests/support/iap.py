"""Identity-Aware Proxy assertions for tests: a local EC P-256 key signs them (ES256, as
IAP does), and a local server publishes its public key the way IAP's key endpoint does
(key id -> PEM public key). No network, and google-auth does the verifying."""

from __future__ import annotations

import time
from typing import Any

import google.auth.crypt
import google.auth.crypt.es256
import google.auth.jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from shared.adapters.iap_assertions import IAP_ISSUER

AUDIENCE = "/projects/123456789012/global/backendServices/987654321"


class IapKey:
    """One of IAP's signing keys, as tests hold it."""

    def __init__(self, kid: str) -> None:
        self.kid = kid
        key = ec.generate_private_key(ec.SECP256R1())
        self.private_pem = key.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        self.public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def sign(self, payload: dict[str, Any], *, kid: str | None = "same") -> str:
        signer = google.auth.crypt.es256.ES256Signer.from_string(
            self.private_pem, key_id=self.kid if kid == "same" else kid)
        token: bytes = google.auth.jwt.encode(signer, payload)  # type: ignore[no-untyped-call]
        return token.decode()

    def assertion(self, email: str, *, audience: str = AUDIENCE, **claims: Any) -> str:
        """An assertion as IAP makes one for a signed-in Google account."""
        now = int(time.time())
        body = {"iss": IAP_ISSUER, "aud": audience, "sub": "accounts.google.com:1" + "2" * 20,
                "email": email, "hd": email.rpartition("@")[2], "iat": now, "exp": now + 600}
        body.update(claims)
        return self.sign(body)


def publish(server: Any, *keys: IapKey) -> None:
    """Publish the keys on a ``tests.support.tokens.CertServer`` as IAP publishes its own."""
    server.certs = {key.kid: key.public_pem for key in keys}
