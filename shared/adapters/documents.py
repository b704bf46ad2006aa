"""Records as documents, shared by the store adapters so they cannot drift apart.

Timestamps stay ``datetime`` here; the SQLite adapter writes them as ISO strings and the
Firestore adapter as native timestamps. ``*_from_doc`` accepts either.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.domain.records import (
    JSON,
    MISCONDUCT_MATTER,
    Case,
    CaseEvent,
    Forwarding,
    PendingTask,
    ProtectiveMeasure,
    Submission,
    Supplement,
    Triage,
    feedback_due,
    next_deadline,
    referral_status,
)
from shared.domain.recusal import NamedEntry, NamedIndex
from shared.domain.retention import purge_due, rekey_needed


def timestamp(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"not a timestamp: {type(value).__name__}")
    # Firestore returns its own datetime subclass; keep plain datetimes in records.
    return datetime(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                    moment.second, moment.microsecond, tzinfo=UTC)


def submission_doc(s: Submission) -> JSON:
    return {"id": s.id, "form": s.form, "reference": s.reference, "received_at": s.received_at,
            "clear": s.clear, "sealed": s.sealed, "anonymous": s.anonymous,
            "request_digest": s.request_digest, "receipt_hash": s.receipt_hash,
            "proof": s.proof, "entered_at": s.entered_at,
            **({"replay_until": s.replay_until} if s.replay_until is not None else {})}


def submission_from_doc(d: JSON) -> Submission:
    return Submission(id=d["id"], form=d["form"], reference=d["reference"],
                      received_at=timestamp(d["received_at"]), clear=dict(d["clear"]),
                      sealed=dict(d["sealed"]), anonymous=bool(d["anonymous"]),
                      request_digest=d["request_digest"], receipt_hash=d.get("receipt_hash"),
                      proof=d.get("proof"), entered_at=_maybe(d.get("entered_at")),
                      replay_until=(timestamp(d["replay_until"]) if d.get("replay_until")
                                    else None))


def triage_doc(t: Triage) -> JSON:
    return {"priority": t.priority, "route": t.route, "category": t.category,
            "triaged_at": t.triaged_at, "deadlines": dict(t.deadlines), "flags": list(t.flags),
            "forward_to_investigations": t.forward_to_investigations}


def triage_from_doc(d: JSON) -> Triage:
    return Triage(priority=d["priority"], route=d["route"], category=d["category"],
                  triaged_at=timestamp(d["triaged_at"]),
                  deadlines={k: timestamp(v) for k, v in d["deadlines"].items()},
                  flags=tuple(d["flags"]),
                  forward_to_investigations=bool(d["forward_to_investigations"]))


def _maybe(value: Any) -> datetime | None:
    return None if value is None else timestamp(value)


def supplement_doc(s: Supplement) -> JSON:
    return {"supplement_id": s.supplement_id, "message_id": s.message_id,
            "attempts": s.attempts, "last_attempt_at": s.last_attempt_at,
            "delivered_at": s.delivered_at, "failure": s.failure}


def supplement_from_doc(d: JSON) -> Supplement:
    return Supplement(supplement_id=d["supplement_id"], message_id=d["message_id"],
                      attempts=int(d["attempts"]), last_attempt_at=_maybe(d["last_attempt_at"]),
                      delivered_at=_maybe(d.get("delivered_at")), failure=d.get("failure"))


def forwarding_doc(f: Forwarding) -> JSON:
    return {"referral_id": f.referral_id, "urgent": f.urgent, "attempts": f.attempts,
            "last_attempt_at": f.last_attempt_at,
            "investigations_case_id": f.investigations_case_id,
            "forwarded_at": f.forwarded_at, "failure": f.failure, "matter": f.matter,
            "allegation_type": f.allegation_type,
            "supplements": [supplement_doc(s) for s in f.supplements]}


def forwarding_from_doc(d: JSON) -> Forwarding:
    return Forwarding(referral_id=d["referral_id"], urgent=bool(d["urgent"]),
                      attempts=int(d["attempts"]), last_attempt_at=_maybe(d["last_attempt_at"]),
                      investigations_case_id=d.get("investigations_case_id"),
                      forwarded_at=_maybe(d.get("forwarded_at")), failure=d.get("failure"),
                      matter=d.get("matter") or MISCONDUCT_MATTER,
                      allegation_type=d.get("allegation_type"),
                      supplements=tuple(supplement_from_doc(s)
                                        for s in d.get("supplements") or ()))


def case_doc(c: Case) -> JSON:
    return {"reference": c.reference, "submission_id": c.submission_id, "form": c.form,
            "state": c.state, "received_at": c.received_at, "updated_at": c.updated_at,
            "event_count": c.event_count,
            "triage": triage_doc(c.triage) if c.triage else None,
            "deadlines": dict(c.deadlines), "assignee": c.assignee,
            "forwarding": forwarding_doc(c.forwarding) if c.forwarding else None,
            "notifications_sent": list(c.notifications_sent),
            "alerts_sent": list(c.alerts_sent),
            "measures": [vars(m) for m in c.measures],
            "named_index": named_index_doc(c.named_index) if c.named_index else None,
            "purge_after": c.purge_after, "held": c.held, "extended": c.extended,
            "purged_at": c.purged_at, "sealed_for": c.sealed_for,
            "sealed_through": c.sealed_through,
            "channel": c.channel, "record_review": c.record_review,
            "state_mail": c.state_mail,
            "recused": list(c.recused),
            # derived, stored so that a store can filter on them
            "next_deadline": next_deadline(c), "referral_status": referral_status(c),
            "purge_due": purge_due(c), "rekey_needed": rekey_needed(c),
            "feedback_due": feedback_due(c)}


def case_from_doc(d: JSON) -> Case:
    return Case(reference=d["reference"], submission_id=d["submission_id"], form=d["form"],
                state=d["state"], received_at=timestamp(d["received_at"]),
                updated_at=timestamp(d["updated_at"]), event_count=int(d["event_count"]),
                triage=triage_from_doc(d["triage"]) if d.get("triage") else None,
                deadlines={k: timestamp(v) for k, v in (d.get("deadlines") or {}).items()},
                assignee=d.get("assignee"),
                forwarding=forwarding_from_doc(d["forwarding"]) if d.get("forwarding") else None,
                notifications_sent=tuple(d.get("notifications_sent") or ()),
                alerts_sent=tuple(d.get("alerts_sent") or ()),
                measures=tuple(ProtectiveMeasure(**m) for m in d.get("measures") or ()),
                named_index=named_index_from_doc(d["named_index"])
                if d.get("named_index") else None,
                purge_after=_maybe(d.get("purge_after")), held=bool(d.get("held")),
                extended=bool(d.get("extended")), purged_at=_maybe(d.get("purged_at")),
                sealed_for=d.get("sealed_for"),
                sealed_through=int(d.get("sealed_through") or 0),
                channel=d.get("channel") or "web", record_review=d.get("record_review"),
                state_mail=bool(d.get("state_mail")),
                recused=tuple(d.get("recused") or ()))


def named_index_doc(index: NamedIndex) -> JSON:
    """Firestore holds no array directly in an array: each word's or mailbox's marks are
    one string, separated by spaces (marks are base64url)."""
    def entry(e: NamedEntry) -> JSON:
        return {"words": [" ".join(sorted(w)) for w in e.words],
                "mailboxes": [" ".join(sorted(m)) for m in e.mailboxes],
                "runs": [{"marks": " ".join(sorted(marks)), "words": list(words)}
                         for marks, words in e.runs]}

    return {"scheme": index.scheme, "entries": [entry(e) for e in index.entries],
            "organisations": [entry(e) for e in index.organisations]}


def named_index_from_doc(d: JSON) -> NamedIndex:
    def entry(e: JSON) -> NamedEntry:
        return NamedEntry(
            tuple(frozenset(w.split()) for w in e.get("words") or ()),
            tuple(frozenset(m.split()) for m in e.get("mailboxes") or ()),
            tuple((frozenset(r["marks"].split()), tuple(int(w) for w in r["words"]))
                  for r in e.get("runs") or ()))

    return NamedIndex(str(d["scheme"]), tuple(entry(e) for e in d.get("entries") or ()),
                      tuple(entry(e) for e in d.get("organisations") or ()))


def event_doc(e: CaseEvent) -> JSON:
    return {"seq": e.seq, "at": e.at, "kind": e.kind, "actor": e.actor,
            "from_state": e.from_state, "to_state": e.to_state, "details": e.details}


def event_from_doc(d: JSON) -> CaseEvent:
    return CaseEvent(seq=int(d["seq"]), at=timestamp(d["at"]), kind=d["kind"], actor=d["actor"],
                     from_state=d.get("from_state"), to_state=d.get("to_state"),
                     details=dict(d.get("details") or {}))


def event_id(seq: int) -> str:
    """Document id of a history event: zero-padded so ids sort like sequence numbers."""
    return f"{seq:08d}"


def pending_doc(p: PendingTask) -> JSON:
    return {"kind": p.kind, "submission_id": p.submission_id, "reference": p.reference,
            "created_at": p.created_at, "last_enqueued_at": p.last_enqueued_at,
            "generation": p.generation, "item": p.item, "urgent": p.urgent}


def pending_from_doc(d: JSON) -> PendingTask:
    return PendingTask(kind=d["kind"], submission_id=d["submission_id"],
                       reference=d["reference"], created_at=timestamp(d["created_at"]),
                       last_enqueued_at=timestamp(d["last_enqueued_at"]),
                       generation=int(d["generation"]), item=d.get("item", ""),
                       urgent=bool(d.get("urgent", False)))

