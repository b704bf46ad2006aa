"""Ethics officers: who they are, what they may do, and when they must stand aside.

Pure Python, so services can check roles and recusal without knowing how a caller was
authenticated (``shared.auth`` does that).

- Roles are exact: ``ethics_admin`` does not imply ``ethics_officer``. An administrator of
  the system is not thereby entitled to read cases. ``ethics_auditor`` reads histories
  (who did and read what, when) and case summaries, never a submission, note or reply,
  and acts on nothing.
- The directory comes from configuration as JSON, keyed by e-mail address::

      {"alice@example.org": {"name": "Alice Example", "roles": ["ethics_officer"]}}

  Addresses are compared case-insensitively (as Google accounts are). An empty directory is
  valid and authorises nobody.
- Recusal: an officer named in a case (subject of a report, alleged retaliator, supervisor
  named) must not see it. ``is_named`` errs towards recusal: a wrongly recused officer
  hands the case to a colleague, a missed recusal hands a complaint to the person it is
  about. ``shared.domain.recusal`` says exactly what matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from shared.domain import recusal
from shared.domain.text_input import forbidden_character, is_email

ETHICS_OFFICER: Final = "ethics_officer"
ETHICS_ADMIN: Final = "ethics_admin"
ETHICS_AUDITOR: Final = "ethics_auditor"
ROLES: Final = (ETHICS_OFFICER, ETHICS_ADMIN, ETHICS_AUDITOR)
# Who reads case summaries (the case list, the day's workload): officers and auditors.
SUMMARY_READERS: Final = (ETHICS_OFFICER, ETHICS_AUDITOR)

_ENTRY_KEYS = frozenset({"name", "roles"})
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Officer:
    email: str  # normalised: see normalise_email
    name: str
    roles: frozenset[str]

    def has_role(self, role: str) -> bool:
        return role in self.roles


class DirectoryError(ValueError):
    """The officers directory in the configuration cannot be used; the message says why."""


class Forbidden(Exception):
    """The caller is authenticated but may not do this (an API's 403).

    ``reason`` is a code for the logs and the history: ``not_an_officer``, ``missing_role``
    or ``recused``. The message names no person.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def normalise_email(address: str) -> str:
    return address.strip().lower()


def parse_directory(text: str) -> Mapping[str, Officer]:
    """The officers directory from its JSON text, keyed by normalised e-mail address."""
    try:
        raw = json.loads(text, object_pairs_hook=_refuse_duplicates)
    except _DuplicateKey as duplicate:
        raise DirectoryError(f"officers directory: {duplicate} appears twice") from None
    except json.JSONDecodeError as error:
        raise DirectoryError(f"officers directory is not valid JSON: {error.msg} (line "
                             f"{error.lineno}, column {error.colno})") from None
    if not isinstance(raw, dict):
        raise DirectoryError("officers directory must be a JSON object keyed by e-mail "
                             "address")
    officers: dict[str, Officer] = {}
    for key, entry in raw.items():
        officer = _officer(key, entry)
        if officer.email in officers:
            raise DirectoryError(f"officers directory: {key!r} appears twice (addresses are "
                                 "compared without regard to case)")
        officers[officer.email] = officer
    return MappingProxyType(officers)


class _DuplicateKey(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(repr(key))
        result[key] = value
    return result


def _officer(key: str, entry: Any) -> Officer:
    where = f"officers directory, entry {key!r}"
    if not is_email(key):
        raise DirectoryError(f"{where}: the key must be an e-mail address such as "
                             "name@example.org")
    if not isinstance(entry, dict):
        raise DirectoryError(f'{where}: must be an object {{"name": ..., "roles": [...]}}')
    if set(entry) != _ENTRY_KEYS:
        missing, extra = sorted(_ENTRY_KEYS - set(entry)), sorted(set(entry) - _ENTRY_KEYS)
        raise DirectoryError(f"{where}: needs exactly the keys name and roles"
                             + (f"; missing {', '.join(missing)}" if missing else "")
                             + (f"; unknown {', '.join(extra)}" if extra else ""))
    name, roles = entry["name"], entry["roles"]
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise DirectoryError(f"{where}: name must be a non-empty line of text of at most "
                             f"{MAX_NAME_LENGTH} characters")
    refusal = forbidden_character(name)
    if refusal is not None:
        raise DirectoryError(f"{where}: name must be text without control, invisible formatting or "
                             f"non-text characters (found U+{refusal.code or 0:04X})")
    if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
        raise DirectoryError(f"{where}: roles must be a non-empty list of "
                             f"{' and/or '.join(ROLES)}")
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise DirectoryError(f"{where}: unknown role {', '.join(map(repr, unknown))}; "
                             f"roles are {', '.join(ROLES)}")
    return Officer(email=normalise_email(key), name=" ".join(name.split()),
                   roles=frozenset(roles))


def officer_for(directory: Mapping[str, Officer], email: str) -> Officer:
    """The directory's officer with this address; Forbidden if there is none."""
    officer = directory.get(normalise_email(email))
    if officer is None:
        raise Forbidden("not_an_officer",
                        "This account is not in the Ethics Office's directory of officers.")
    return officer


def require_role(officer: Officer, role: str, *others: str) -> None:
    """Forbidden unless the officer holds ``role`` or one of ``others`` (exactly; roles do
    not imply others)."""
    wanted = (role, *others)
    unknown = [r for r in wanted if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role {unknown[0]!r}")
    if not any(officer.has_role(r) for r in wanted):
        raise Forbidden("missing_role", f"This needs the {' or '.join(wanted)} role.")


# Recusal: is the officer one of the people a case is about?

def is_named(officer: Officer, named: Iterable[str]) -> bool:
    """Whether the officer is one of the people ``named`` (names or e-mail addresses, as a
    submitter wrote them: "Alice Example", "EXAMPLE, Alice", "Dr A. M. Example",
    "alice@example.org", "Alice Example <alice+x@example.org>"). ``shared.domain.recusal``
    says exactly what matches; a lone first or last name never does."""
    return recusal.is_named(officer.name, officer.email, named)
