from __future__ import annotations

import re

import pytest

from shared.domain.references import (
    encode_crockford,
    hash_receipt,
    new_reference,
    parse_reference,
    receipt_code,
    verify_receipt,
)


def test_references_are_random_prefixed_and_readable() -> None:
    references = {new_reference("ADV") for _ in range(2000)}
    assert len(references) == 2000
    assert all(re.fullmatch(r"ETH-ADV-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", r)
               for r in references)


def test_a_reference_is_the_crockford_encoding_of_its_bytes() -> None:
    assert new_reference("MIS", bytes(8)) == "ETH-MIS-00000-00000"
    assert new_reference("MIS", b"\xff" * 8) == "ETH-MIS-ZZZZZ-ZZZZZ"
    assert encode_crockford(b"\x08\x42", 3) == "111"  # top 15 bits: 00001 x 3


@pytest.mark.parametrize(("typed", "canonical"), [
    ("ETH-ADV-7K3MQ-9TZ4X", "ETH-ADV-7K3MQ-9TZ4X"),
    ("eth-adv-7k3mq-9tz4x", "ETH-ADV-7K3MQ-9TZ4X"),
    (" ETH ADV 7K3MQ 9TZ4X ", "ETH-ADV-7K3MQ-9TZ4X"),
    ("ETHADV7K3MQ9TZ4X", "ETH-ADV-7K3MQ-9TZ4X"),
    ("ETH-RET-O0ILI-00000", "ETH-RET-00111-00000"),
])
def test_typed_references_are_normalised(typed: str, canonical: str) -> None:
    assert parse_reference(typed) == canonical


@pytest.mark.parametrize("typed", ["", "ETH-ADV-7K3MQ", "XYZ-ADV-7K3MQ-9TZ4X",
                                   "ETH-ADV-7K3MQ-9TZ4U", "ETH-ADV-7K3MQ-9TZ4X-1",
                                   "ETH-AD1-7K3MQ-9TZ4X"])
def test_malformed_references_are_refused(typed: str) -> None:
    assert parse_reference(typed) is None


def test_receipts_verify_only_themselves_and_forgive_formatting() -> None:
    code = receipt_code(bytes(range(32)))
    assert re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", code)
    stored = hash_receipt(code)
    assert stored.startswith("scrypt$16384$8$1$")
    assert code not in stored
    assert verify_receipt(code, stored)
    assert verify_receipt(code.lower().replace("-", " "), stored)
    assert not verify_receipt(receipt_code(bytes(range(1, 33))), stored)
    assert not verify_receipt(code, "scrypt$garbage")
    assert not verify_receipt(code, "bcrypt$1$2$3$aa$bb")


def test_the_same_receipt_hashes_differently_each_time() -> None:
    code = receipt_code(bytes(16))
    assert hash_receipt(code) != hash_receipt(code)
