"""Matching a case against what an officer declared: organisations compared as names
without their legal forms; people as names; case, accents, invisible characters and
confusables folded; the same answer from the blind index and from plain text."""

from __future__ import annotations

import pytest

from shared.domain.recusal import (
    Marker,
    index_names_interest,
    index_of,
    interest_marks,
    names_interest,
)

DECLARED = ("Acme Supplies Ltd", "Nordwind Logistik GmbH", "Société Générale SA",
            "Jean-Pierre Moreau", "Zeta")


@pytest.mark.parametrize("organisation", [
    "ACME SUPPLIES LIMITED", "acme supplies", "Acme Supplies Inc.", "Acme Supplies S.A.",
    "Acme Supplies (Geneva) Ltd", "NORDWIND LOGISTIK AG", "nordwind logistik b.v.",
    "Nordwind Logistik LLC", "SOCIETE GENERALE", "Société Générale SARL",
    "Socie\u0301te\u0301 Ge\u0301ne\u0301rale plc",  # combining accents
    "Soci\u200bété Générale",  # a zero-width space
    "S\u043eci\u0435t\u0435 G\u0435n\u0435rale",  # Cyrillic small o and ie
    "Zeta BV", "ZETA",
])
def test_a_declared_organisation_is_recognised_however_written(organisation: str) -> None:
    assert names_interest(DECLARED, [], [organisation])


@pytest.mark.parametrize("organisation", [
    "Acme", "Supplies Ltd", "Nordwind", "Générale Logistique SA", "Zetas Ltd",
    "Limited", "Moreau Ltd",
])
def test_other_organisations_or_a_part_of_a_name_do_not_recuse(organisation: str) -> None:
    assert not names_interest(DECLARED, [], [organisation])


def test_a_declared_person_is_recognised_among_the_people_named() -> None:
    assert names_interest(DECLARED, ["MOREAU, Jean Pierre"], [])
    assert names_interest(DECLARED, ["jean-pierre moreau"], [])
    assert not names_interest(DECLARED, ["Pierre Dupont"], [])
    assert not names_interest(DECLARED, ["Moreau"], [])  # a lone surname never recuses


def test_a_person_named_as_an_organisation_and_the_reverse() -> None:
    assert names_interest(["Acme Supplies Ltd"], ["Acme Supplies"], [])
    assert names_interest(["Jean-Pierre Moreau"], [], ["Jean Pierre Moreau"])


def test_nothing_declared_recuses_from_nothing() -> None:
    assert not names_interest([], ["Acme Supplies"], ["Acme Supplies Ltd"])
    assert not names_interest(["  "], ["Acme Supplies"], ["Acme Supplies Ltd"])


def test_the_blind_index_gives_the_same_answers() -> None:
    marker = Marker(b"k" * 32)
    interests = interest_marks(DECLARED, marker)
    for organisation, expected in (("ACME SUPPLIES PLC", True), ("Zeta AG", True),
                                   ("Acme", False), ("Nordwind", False)):
        index = index_of(["Someone Else"], marker, [organisation])
        assert index_names_interest(interests, index) is expected, organisation
    other = Marker(b"o" * 32)
    with pytest.raises(ValueError, match="different schemes"):
        index_names_interest(interest_marks(DECLARED, other), index_of([], marker, []))
