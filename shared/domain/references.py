"""Case references and anonymous receipt codes.

References are random (Crockford base32), never sequential, so no counter document exists
and a reference reveals nothing about volume or order. A receipt code is the secret an
anonymous submitter keeps; only its slow hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: c for c in CROCKFORD} | {"O": "0", "I": "1", "L": "1"}

REFERENCE_PREFIX = "ETH"
REFERENCE_GROUPS = (5, 5)  # 50 random bits
RECEIPT_GROUPS = (4, 4, 4, 4)  # 80 bits

_REFERENCE_RE = re.compile(r"^ETH-([A-Z]{3})-([0-9A-Z]{5})-([0-9A-Z]{5})$")

# scrypt: about 16 MiB and tens of milliseconds per hash, so an offline guess costs as much.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def encode_crockford(raw: bytes, length: int) -> str:
    """The first ``length`` base32 symbols of ``raw`` (5 bits each)."""
    number = int.from_bytes(raw, "big")
    available = len(raw) * 8 // 5
    if length > available:
        raise ValueError("not enough bytes for the requested length")
    number >>= len(raw) * 8 - 5 * length
    symbols = []
    for _ in range(length):
        symbols.append(CROCKFORD[number & 31])
        number >>= 5
    return "".join(reversed(symbols))


def _grouped(symbols: str, groups: tuple[int, ...]) -> str:
    parts, start = [], 0
    for size in groups:
        parts.append(symbols[start:start + size])
        start += size
    return "-".join(parts)


def new_reference(form_prefix: str, random_bytes: bytes | None = None) -> str:
    """A fresh reference such as ``ETH-ADV-7K3MQ-9TZ4X``."""
    raw = random_bytes if random_bytes is not None else secrets.token_bytes(8)
    return f"{REFERENCE_PREFIX}-{form_prefix}-" + _grouped(
        encode_crockford(raw, sum(REFERENCE_GROUPS)), REFERENCE_GROUPS)


def normalise_symbols(text: str) -> str:
    """Upper-case, drop spaces and hyphens, read O as 0 and I/L as 1 (Crockford)."""
    cleaned = re.sub(r"[\s-]", "", text).upper()
    return "".join(_DECODE.get(c, "?") for c in cleaned)


def parse_reference(text: str) -> str | None:
    """The canonical form of a reference typed by a person, or None if it cannot be one."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if len(compact) != 3 + 3 + sum(REFERENCE_GROUPS) or not compact.startswith(REFERENCE_PREFIX):
        return None
    prefix = compact[3:6]
    symbols = normalise_symbols(compact[6:])
    candidate = f"{REFERENCE_PREFIX}-{prefix}-" + _grouped(symbols, REFERENCE_GROUPS)
    return candidate if _REFERENCE_RE.match(candidate) and "?" not in symbols else None


def receipt_code(secret: bytes) -> str:
    """A receipt code such as ``7K3M-Q9TZ-4XAB-CD12`` from at least 10 secret bytes."""
    return _grouped(encode_crockford(secret, sum(RECEIPT_GROUPS)), RECEIPT_GROUPS)


def hash_receipt(code: str, salt: bytes | None = None) -> str:
    """Slow, salted hash of a receipt code, as stored: ``scrypt$n$r$p$salt$hash`` (hex)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(normalise_symbols(code).encode(), salt=salt,
                            n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_receipt(code: str, stored: str) -> bool:
    """Whether ``code`` matches a stored receipt hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(normalise_symbols(code).encode(), salt=bytes.fromhex(salt_hex),
                                n=int(n), r=int(r), p=int(p), dklen=32)
    except ValueError:
        return False
    return hmac.compare_digest(digest, bytes.fromhex(digest_hex))
