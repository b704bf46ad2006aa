"""The declaration form's fields, read and written: a filer's answers as the browser sends
them (one field a value) to the JSON shape of ``shared.domain.disclosure.parse_content``,
and back. Pure: what a field means and what is wrong with it, in messages the page
translates; the programme's own checks still run on what this builds.

Field names are flat (``SEP`` joins their parts, so the forms' body reader takes them as
they are): ``spouse`` (yes/no), ``children`` (0 to ``MAX_CHILDREN``), ``ad_hoc_reason``;
per section and household member ``<section>__<member>__answer`` (``nothing`` or
``items``), ``<section>__<member>__rows`` (how many item rows the page shows) and, per row
``n``, ``<section>__<member>__<n>__description``, ``__counterpart``, ``__value`` (whole US
dollars).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.domain.disclosure import (
    ITEM_FIELDS,
    MAX_CHILDREN,
    MAX_ITEMS,
    MAX_TEXT,
    SECTIONS,
    Thresholds,
    members_of,
)
from shared.web.formdefs import N_

SEP: Final = "__"
NOTHING: Final = "nothing"
ITEMS: Final = "items"
MAX_COUNTERPART: Final = 200
# The most fields the form can send: for each section and member of the largest household,
# its answer, its number of rows and every field of the most rows; then the form's own.
MAX_FIELDS: Final = (len(SECTIONS) * (2 + MAX_CHILDREN)
                     * (2 + MAX_ITEMS * len(ITEM_FIELDS)) + 32)
_DIGITS = re.compile(r"[0-9]{1,13}")
_GROUPING = re.compile(r"[\s,.'\u00a0\u202f\u066c]")  # thousands separators people type

SECTION_TITLES: Final = {
    "assets": N_("Assets and investments"),
    "outside_income": N_("Income from outside the organisation"),
    "gifts": N_("Gifts and hospitality"),
    "liabilities": N_("Liabilities"),
    "stock_options": N_("Stock options"),
    "outside_activities": N_("Outside activities and board roles"),
    "relationships": N_("Relationships with partners, vendors or contractors"),
}


@dataclass(frozen=True)
class Message:
    """A problem with a field: a message id of the catalogue and its values."""

    text: str
    values: Mapping[str, Any] | None = None


def threshold(section: str, t: Thresholds) -> Message:
    """What a section asks for, under the configured thresholds (USD)."""
    if section == "assets":
        return Message(N_("Declare each asset or investment worth USD %(amount)s or more."),
                       {"amount": t.assets_at_least})
    if section == "outside_income":
        return Message(N_("Declare income from outside the organisation over "
                          "USD %(amount)s in the year."), {"amount": t.outside_income_over})
    if section == "gifts":
        return Message(N_("Declare gifts and hospitality totalling USD %(amount)s or more "
                          "from one source."), {"amount": t.gifts_at_least_per_source})
    if section == "liabilities":
        return Message(N_("Declare debts of USD %(amount)s or more owed to one creditor."),
                       {"amount": t.liabilities_at_least_per_creditor})
    if section == "stock_options":
        if t.stock_options_at_least is None:
            return Message(N_("Declare every stock option, whatever its value."))
        return Message(N_("Declare stock options worth USD %(amount)s or more."),
                       {"amount": t.stock_options_at_least})
    if section == "outside_activities":
        if t.outside_activities_always:
            return Message(N_("Declare every outside activity and board role, paid or "
                              "not."))
        return Message(N_("Declare paid outside activities and board roles."))
    return Message(N_("Declare every close relative who works for, or owns part of, a "
                      "partner, vendor or contractor of the organisation."))


def household(values: Mapping[str, str]) -> tuple[bool, int]:
    """Spouse and number of children as typed, read leniently (the page asks again)."""
    spouse = values.get("spouse") == "yes"
    children = values.get("children", "").strip()
    count = int(children) if _DIGITS.fullmatch(children) else 0
    return spouse, min(count, MAX_CHILDREN)


def key(*parts: object) -> str:
    """A field's name from its parts."""
    return SEP.join(str(p) for p in parts)


def rows_of(values: Mapping[str, str], section: str, member: str) -> int:
    """How many item rows to show for a section and member (at least one)."""
    raw = values.get(f"{section}{SEP}{member}{SEP}rows", "")
    shown = int(raw) if _DIGITS.fullmatch(raw) else 1
    filled = 0
    for n in range(MAX_ITEMS):
        if any(values.get(f"{section}{SEP}{member}{SEP}{n}{SEP}{f}", "").strip()
               for f in ("description", "counterpart", "value")):
            filled = n + 1
    return max(1, min(MAX_ITEMS, max(shown, filled)))


def _value(raw: str) -> int | Message | None:
    text = _GROUPING.sub("", raw.strip())
    if not text:
        return None
    if not _DIGITS.fullmatch(text) or int(text) > 10**12:
        return Message(N_("Enter the value as a whole number of US dollars, like 12000."))
    return int(text)


def parse(values: Mapping[str, str], *, ad_hoc: bool
          ) -> tuple[dict[str, Any], dict[str, Message]]:
    """The declaration's content (``parse_content``'s shape) and the problems, by field
    name (empty: none)."""
    errors: dict[str, Message] = {}
    if values.get("spouse") not in ("yes", "no"):
        errors["spouse"] = Message(N_("Say whether you have a spouse."))
    children_text = values.get("children", "").strip()
    if not _DIGITS.fullmatch(children_text) or int(children_text) > MAX_CHILDREN:
        errors["children"] = Message(N_("Enter the number of dependent children, from 0 to "
                                        "%(most)s."), {"most": MAX_CHILDREN})
    spouse, children = household(values)
    reason = values.get("ad_hoc_reason", "").strip()
    if ad_hoc and not reason:
        errors["ad_hoc_reason"] = Message(N_("Say why you are making this declaration."))
    elif len(reason) > MAX_TEXT:
        errors["ad_hoc_reason"] = Message(N_("Use at most %(count)s characters."),
                                          {"count": MAX_TEXT})
    sections: dict[str, dict[str, Any]] = {}
    for section in SECTIONS:
        sections[section] = {}
        for member in members_of(spouse, children):
            where = f"{section}{SEP}{member}"
            answer = values.get(f"{where}{SEP}answer")
            items = []
            for n in range(rows_of(values, section, member)):
                at = f"{where}{SEP}{n}"
                description = values.get(f"{at}{SEP}description", "").strip()
                counterpart = values.get(f"{at}{SEP}counterpart", "").strip()
                value_text = values.get(f"{at}{SEP}value", "")
                if not (description or counterpart or value_text.strip()):
                    continue
                if answer != ITEMS:
                    continue  # checked below, once for the answer
                if not description:
                    errors[f"{at}{SEP}description"] = Message(N_("Describe the item."))
                elif len(description) > MAX_TEXT:
                    errors[f"{at}{SEP}description"] = Message(
                        N_("Use at most %(count)s characters."), {"count": MAX_TEXT})
                if len(counterpart) > MAX_COUNTERPART:
                    errors[f"{at}{SEP}counterpart"] = Message(
                        N_("Use at most %(count)s characters."), {"count": MAX_COUNTERPART})
                value = _value(value_text)
                if isinstance(value, Message):
                    errors[f"{at}{SEP}value"] = value
                    value = None
                items.append({"description": description, "counterpart": counterpart,
                              "value_usd": value})
            if answer == NOTHING:
                sections[section][member] = {"nothing_to_declare": True, "items": []}
            elif answer == ITEMS:
                if not items:
                    errors[f"{where}{SEP}0{SEP}description"] = Message(
                        N_("Describe at least one item, or choose “Nothing to declare”."))
                sections[section][member] = {"nothing_to_declare": False, "items": items}
            else:
                errors[f"{where}{SEP}answer"] = Message(
                    N_("Choose “Nothing to declare” or “I have something to declare”."))
    content = {"spouse": spouse, "children": children, "sections": sections}
    if ad_hoc:
        content["ad_hoc_reason"] = reason
    return content, errors


def values_of(content: Mapping[str, Any]) -> dict[str, str]:
    """The form's fields for a stored declaration's content (to amend it)."""
    values = {"spouse": "yes" if content.get("spouse") else "no",
              "children": str(content.get("children", 0)),
              "ad_hoc_reason": str(content.get("ad_hoc_reason", ""))}
    for section, members in (content.get("sections") or {}).items():
        for member, answer in members.items():
            where = f"{section}{SEP}{member}"
            values[f"{where}{SEP}answer"] = NOTHING if answer.get("nothing_to_declare") else ITEMS
            items = answer.get("items") or []
            values[f"{where}{SEP}rows"] = str(max(1, len(items)))
            for n, item in enumerate(items):
                values[f"{where}{SEP}{n}{SEP}description"] = str(item.get("description", ""))
                values[f"{where}{SEP}{n}{SEP}counterpart"] = str(item.get("counterpart", ""))
                value = item.get("value_usd")
                values[f"{where}{SEP}{n}{SEP}value"] = "" if value is None else str(value)
    return values
