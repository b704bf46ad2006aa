"""The disclosure programme's records on Firestore, beside the intake store's collections.

- ``disclosure_filers/{staff_id}``; ``disclosure_campaigns/{year}``;
  ``disclosure_obligations/{year}:{staff_id}`` (queried by year, and by year and state:
  equality filters only, which Firestore answers from its single-field indexes);
- ``disclosure_declarations/{id}`` with the versions in ``.../versions/{n}`` (created, never
  replaced); a new version and a review are transactions on the declaration;
- ``disclosure_reminders/{key}``: a claim, then the mark that it went out;
- ``disclosure_draws/{year}:{number}``: the verification draws, created, then at most once
  marked voided (a transaction); queried by year;
- ``disclosure_history``: entries created, never updated (the service account's rules and
  the code only ever ``create`` them).

Batch writes go in chunks of at most 500 writes (Firestore's limit).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from google.api_core import exceptions as api_exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.disclosure_documents import (
    campaign_doc,
    campaign_from_doc,
    declaration_doc,
    declaration_from_doc,
    draw_doc,
    draw_from_doc,
    filer_doc,
    filer_from_doc,
    history_doc,
    history_from_doc,
    obligation_doc,
    obligation_from_doc,
    pick_by_email,
    version_doc,
    version_from_doc,
)
from shared.adapters.firestore_database import TRANSACTION_ATTEMPTS, FirestoreDatabase, case_lock
from shared.domain.disclosure import (
    PENDING,
    Campaign,
    Declaration,
    DeclarationVersion,
    Filer,
    HistoryEntry,
    Obligation,
    Review,
    obligation_key,
)
from shared.domain.verification import Draw
from shared.ports.disclosure import DeclarationConflict, DisclosureStore

FILERS = "disclosure_filers"
CAMPAIGNS = "disclosure_campaigns"
OBLIGATIONS = "disclosure_obligations"
DECLARATIONS = "disclosure_declarations"
VERSIONS = "versions"
REMINDERS = "disclosure_reminders"
HISTORY = "disclosure_history"
DRAWS = "disclosure_draws"
BATCH_LIMIT = 500


class FirestoreDisclosureStore(DisclosureStore):
    def __init__(self, database: FirestoreDatabase) -> None:
        self._database = database
        self._db = database.client

    def _docs(self, query: Any) -> list[dict[str, Any]]:
        return [s.to_dict() or {} for s in self._database.stream(query)]

    def _commit(self, batch: Any) -> None:
        self._database.call(batch.commit)

    # --- Filers ---

    def put_filers(self, filers: Sequence[Filer]) -> None:
        for start in range(0, len(filers), BATCH_LIMIT):
            batch = self._db.batch()
            for f in filers[start:start + BATCH_LIMIT]:
                batch.set(self._db.collection(FILERS).document(f.staff_id), filer_doc(f))
            self._commit(batch)

    def filers(self) -> list[Filer]:
        found = [filer_from_doc(d) for d in self._docs(self._db.collection(FILERS))]
        return sorted(found, key=lambda f: f.staff_id)

    def filer(self, staff_id: str) -> Filer | None:
        doc = self._database.get(f"{FILERS}/{staff_id}")
        return filer_from_doc(doc) if doc else None

    def filer_by_email(self, email: str) -> Filer | None:
        query = self._db.collection(FILERS).where(filter=FieldFilter("email", "==", email))
        return pick_by_email([filer_from_doc(d) for d in self._docs(query)])

    # --- Campaigns and obligations ---

    def create_campaign(self, campaign: Campaign) -> tuple[Campaign, bool]:
        ref = self._db.collection(CAMPAIGNS).document(str(campaign.year))
        try:
            self._database.call(lambda **kw: ref.create(campaign_doc(campaign), **kw))
        except api_exceptions.AlreadyExists:
            stored = self.campaign(campaign.year)
            assert stored is not None
            return stored, False
        return campaign, True

    def campaign(self, year: int) -> Campaign | None:
        doc = self._database.get(f"{CAMPAIGNS}/{year}")
        return campaign_from_doc(doc) if doc else None

    def campaigns(self) -> list[Campaign]:
        found = [campaign_from_doc(d) for d in self._docs(self._db.collection(CAMPAIGNS))]
        return sorted(found, key=lambda c: c.year)

    def add_obligations(self, obligations: Sequence[Obligation]) -> int:
        # Which exist already: one read of the year's keys, then create the others.
        years = {o.year for o in obligations}
        existing = {o.key for year in years for o in self.obligations(year)}
        new = [o for o in obligations if o.key not in existing]
        for start in range(0, len(new), BATCH_LIMIT):
            batch = self._db.batch()
            for o in new[start:start + BATCH_LIMIT]:
                batch.set(self._obligation_ref(o.year, o.staff_id), obligation_doc(o))
            self._commit(batch)
        return len(new)

    def _obligation_ref(self, year: int, staff_id: str) -> Any:
        return self._db.collection(OBLIGATIONS).document(obligation_key(year, staff_id))

    def put_obligation(self, obligation: Obligation) -> None:
        ref = self._obligation_ref(obligation.year, obligation.staff_id)
        self._database.call(lambda **kw: ref.set(obligation_doc(obligation), **kw))

    def obligation(self, year: int, staff_id: str) -> Obligation | None:
        doc = self._database.get(f"{OBLIGATIONS}/{obligation_key(year, staff_id)}")
        return obligation_from_doc(doc) if doc else None

    def obligations(self, year: int) -> list[Obligation]:
        query = self._db.collection(OBLIGATIONS).where(filter=FieldFilter("year", "==", year))
        return sorted((obligation_from_doc(d) for d in self._docs(query)),
                      key=lambda o: o.staff_id)

    def pending_obligations(self, year: int) -> list[Obligation]:
        query = (self._db.collection(OBLIGATIONS)
                 .where(filter=FieldFilter("year", "==", year))
                 .where(filter=FieldFilter("state", "==", PENDING)))
        return sorted((obligation_from_doc(d) for d in self._docs(query)),
                      key=lambda o: o.staff_id)

    # --- Declarations ---

    def _declaration_ref(self, declaration_id: str) -> Any:
        return self._db.collection(DECLARATIONS).document(declaration_id)

    def add_declaration(self, declaration: Declaration, version: DeclarationVersion,
                        obligation: Obligation | None) -> None:
        ref = self._declaration_ref(declaration.id)
        batch = self._db.batch()
        batch.create(ref, declaration_doc(declaration))
        batch.create(ref.collection(VERSIONS).document(str(version.version)),
                     version_doc(version))
        if obligation is not None:
            batch.set(self._obligation_ref(obligation.year, obligation.staff_id),
                      obligation_doc(obligation))
        try:
            self._commit(batch)
        except api_exceptions.AlreadyExists:
            raise DeclarationConflict("exists") from None

    def _transact(self, declaration_id: str, change: Any) -> Any:
        ref = self._declaration_ref(declaration_id)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> Any:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                raise KeyError(declaration_id)
            return change(transaction, ref, declaration_from_doc(snapshot.to_dict() or {}))

        with case_lock(declaration_id), self._database.guard():
            return apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))

    def amend_declaration(self, declaration: Declaration, version: DeclarationVersion
                          ) -> None:
        def change(transaction: Any, ref: Any, stored: Declaration) -> None:
            if stored.review is not None:
                raise DeclarationConflict("reviewed")
            if stored.version != version.version - 1:
                raise DeclarationConflict("version")
            transaction.create(ref.collection(VERSIONS).document(str(version.version)),
                               version_doc(version))
            transaction.set(ref, declaration_doc(declaration))

        self._transact(declaration.id, change)

    def review_declaration(self, declaration_id: str, review: Review,
                           guidance: dict[str, object] | None) -> Declaration:
        def change(transaction: Any, ref: Any, stored: Declaration) -> Declaration:
            if stored.review is not None:
                raise DeclarationConflict("reviewed")
            done = replace(stored, review=review, guidance=guidance)
            transaction.set(ref, declaration_doc(done))
            return done

        result: Declaration = self._transact(declaration_id, change)
        return result

    def declaration(self, declaration_id: str) -> Declaration | None:
        doc = self._database.get(f"{DECLARATIONS}/{declaration_id}")
        return declaration_from_doc(doc) if doc else None

    def declarations_of(self, staff_id: str) -> list[Declaration]:
        query = self._db.collection(DECLARATIONS).where(
            filter=FieldFilter("staff_id", "==", staff_id))
        return sorted((declaration_from_doc(d) for d in self._docs(query)),
                      key=lambda d: (d.filed_at, d.id))

    def declarations(self, year: int) -> list[Declaration]:
        query = self._db.collection(DECLARATIONS).where(filter=FieldFilter("year", "==", year))
        return sorted((declaration_from_doc(d) for d in self._docs(query)), key=lambda d: d.id)

    def versions(self, declaration_id: str) -> list[DeclarationVersion]:
        query = self._declaration_ref(declaration_id).collection(VERSIONS)
        return sorted((version_from_doc(d) for d in self._docs(query)),
                      key=lambda v: v.version)

    # --- Reminders ---

    def claim_reminder(self, key: str, at: datetime, lease: timedelta) -> bool:
        ref = self._db.collection(REMINDERS).document(key)
        year = int(key.split(":", 1)[0])

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> bool:
            snapshot = ref.get(transaction=transaction)
            if snapshot.exists:
                doc = snapshot.to_dict() or {}
                if doc.get("sent_at") is not None:
                    return False
                claimed = doc.get("claimed_at")
                if claimed is not None and claimed > at - lease:
                    return False
            transaction.set(ref, {"year": year, "claimed_at": at, "sent_at": None})
            return True

        with case_lock(key), self._database.guard():
            return bool(apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS)))

    def reminder_sent(self, key: str, at: datetime) -> None:
        ref = self._db.collection(REMINDERS).document(key)
        self._database.call(lambda **kw: ref.update({"sent_at": at}, **kw))

    def release_reminder(self, key: str) -> None:
        ref = self._db.collection(REMINDERS).document(key)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> None:
            snapshot = ref.get(transaction=transaction)
            if snapshot.exists and (snapshot.to_dict() or {}).get("sent_at") is None:
                transaction.delete(ref)

        with case_lock(key), self._database.guard():
            apply(self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))

    def note_pending_notice(self, key: str, at: datetime) -> None:
        ref = self._db.collection(REMINDERS).document(key)
        doc = {"year": int(key.split(":", 1)[0]), "claimed_at": None, "sent_at": None}
        try:
            self._database.call(lambda **kw: ref.create(doc, **kw))
        except api_exceptions.AlreadyExists:
            return

    def unsent_notices(self) -> list[str]:
        query = self._db.collection(REMINDERS).where(filter=FieldFilter("sent_at", "==", None))
        return sorted(s.id for s in self._database.stream(query))

    def reminders_sent(self, year: int) -> list[str]:
        query = self._db.collection(REMINDERS).where(filter=FieldFilter("year", "==", year))
        return sorted(s.id for s in self._database.stream(query)
                      if (s.to_dict() or {}).get("sent_at") is not None)

    # --- Verification draws ---

    def _draw_ref(self, year: int, number: int) -> Any:
        return self._db.collection(DRAWS).document(f"{year}:{number}")

    def create_draw(self, draw: Draw) -> tuple[Draw, bool]:
        ref = self._draw_ref(draw.year, draw.number)
        try:
            self._database.call(lambda **kw: ref.create(draw_doc(draw), **kw))
        except api_exceptions.AlreadyExists:
            doc = self._database.get(f"{DRAWS}/{draw.year}:{draw.number}")
            assert doc is not None
            return draw_from_doc(doc), False
        return draw, True

    def draws(self, year: int) -> list[Draw]:
        query = self._db.collection(DRAWS).where(filter=FieldFilter("year", "==", year))
        return sorted((draw_from_doc(d) for d in self._docs(query)), key=lambda d: d.number)

    def void_draw(self, year: int, number: int, at: datetime, by: str, reason: str
                  ) -> tuple[Draw, bool]:
        ref = self._draw_ref(year, number)

        @firestore.transactional
        def apply(transaction: firestore.Transaction) -> tuple[Draw, bool]:
            snapshot = ref.get(transaction=transaction)
            if not snapshot.exists:
                raise KeyError(f"{year}:{number}")
            stored = draw_from_doc(snapshot.to_dict() or {})
            if stored.voided:
                return stored, False
            voided = replace(stored, voided_at=at, voided_by=by, void_reason=reason)
            transaction.set(ref, draw_doc(voided))
            return voided, True

        key = f"draw:{year}:{number}"
        with case_lock(key), self._database.guard():
            result: tuple[Draw, bool] = apply(
                self._db.transaction(max_attempts=TRANSACTION_ATTEMPTS))
            return result

    # --- History ---

    def append_history(self, entry: HistoryEntry) -> None:
        ref = self._db.collection(HISTORY).document(uuid.uuid4().hex)
        doc = history_doc(entry) | {"order": f"{entry.at.isoformat()}|{ref.id}"}
        self._database.call(lambda **kw: ref.create(doc, **kw))

    def history(self, subject: str) -> list[HistoryEntry]:
        query = self._db.collection(HISTORY).where(filter=FieldFilter("subject", "==", subject))
        docs = self._docs(query)
        docs.sort(key=lambda d: (d["at"], d.get("order", "")))
        return [history_from_doc(d) for d in docs]
