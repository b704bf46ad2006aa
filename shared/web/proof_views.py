"""The public pages of the proofs of submission: the published keys, and the page where a
proof is pasted and checked (no login, no JavaScript, nothing stored is read)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response

from shared.domain.proofs import MAX_PROOF_BYTES, PublishedKey
from shared.web import messages
from shared.web.formdefs import N_, Field
from shared.web.formview import Control, SummaryItem, field_id
from shared.web.requirements import OPTIONAL, REQUIRED
from shared.web.views import PageContext, when

# The most a pasted copy of what was sent may hold (the largest submission's JSON).
CONTENT_LIMIT = 200_000

PROOF = Field("proof", N_("Your proof of submission"), "textarea", rows=10,
              hint=N_("Paste the whole proof, from its first line to the line that starts "
                      "with \"signature:\"."),
              messages={"required": N_("Paste the proof you want to check")})
CONTENT = Field("content", N_("What you sent"), "textarea", rows=8,
                hint=N_("To check that a copy you kept is what was sent, paste it here "
                        "exactly as it was submitted (JSON)."))
LIMITS = {"proof": MAX_PROOF_BYTES, "content": CONTENT_LIMIT}

# What the page says for each outcome of ``shared.services.proofs.check_proof``.
OUTCOMES: Mapping[str, str] = {
    "valid": N_("This proof is valid. It was signed by the Ethics Office's key and nothing "
                "in it has been changed."),
    "malformed": N_("This is not a complete proof of submission. Paste the whole proof, "
                    "without changing any of its lines."),
    "unknown_key": N_("This proof was not signed by any of the Ethics Office's keys."),
    "bad_signature": N_("This proof is not valid: it was changed after it was signed, or "
                        "it was not signed by the Ethics Office."),
    "outside_key_period": N_("This proof is not valid: the key that signed it was not in "
                             "use on the date it states."),
    "content_mismatch": N_("The proof is valid, but what you pasted is not what was sent: "
                           "it differs from the submission the proof covers."),
    "content_unreadable": N_("The proof is valid, but what you pasted as what you sent is "
                             "not a copy of a submission (JSON)."),
}
CONTENT_MATCHES = N_("What you pasted is exactly what was sent.")


@dataclass(frozen=True)
class _Required:
    code: str = "required"


def _control(ctx: PageContext, spec: Field, value: str, problems: Sequence[Any], *,
             required: bool) -> Control:
    gettext = ctx.gettext
    limit = LIMITS[spec.name]
    return Control(
        name=spec.name, id=field_id(spec.name), label=gettext(spec.label), kind=spec.kind,
        value=value, hint=gettext(spec.hint) if spec.hint else None, rows=spec.rows,
        requirement=REQUIRED if required else OPTIONAL, max_length=limit,
        limit=ctx.number(limit),
        errors=[messages.say(spec, p.code, {}, gettext, ctx.number) for p in problems])


def keys_page(ctx: PageContext, keys: Sequence[PublishedKey]) -> Response:
    """The public keys that sign proofs, each with the period it signs for."""
    rows = [{"key_id": k.key_id, "algorithm": k.algorithm, "pem": k.public_key_pem,
             "valid_from": when(ctx, k.valid_from),
             "valid_until": when(ctx, k.valid_until) if k.valid_until else None}
            for k in keys]
    return ctx.respond(200, "proof_keys.html",
                       heading=ctx.gettext(N_("Keys that sign proofs of submission")),
                       keys=rows)


def verify_page(ctx: PageContext, *, values: Mapping[str, str] | None = None,
                missing_proof: bool = False, outcome: str | None = None,
                detail: Mapping[str, str] | None = None, content_matches: bool = False,
                status: int = 200, notice: str | None = None,
                headers: Mapping[str, str] | None = None) -> Response:
    """The page where a proof is pasted; with ``outcome``, what the check found."""
    values = dict(values or {})
    proof = _control(ctx, PROOF, values.get("proof", ""),
                     [_Required()] if missing_proof else [], required=True)
    content = _control(ctx, CONTENT, values.get("content", ""), [], required=False)
    summary = [*([SummaryItem(None, notice)] if notice else []),
               *(SummaryItem(proof.anchor, m) for m in proof.errors)]
    result = None
    if outcome is not None:
        result = {"valid": outcome == "valid"
                  or outcome in ("content_mismatch", "content_unreadable"),
                  "ok": outcome == "valid", "text": ctx.gettext(OUTCOMES[outcome]),
                  "matches": ctx.gettext(CONTENT_MATCHES) if content_matches else None,
                  **(detail or {})}
    return ctx.respond(status, "proof_verify.html", headers=headers,
                       heading=ctx.gettext(N_("Check a proof of submission")),
                       has_errors=bool(summary), summary=summary, proof=proof,
                       content=content, result=result)
