"""The disclosure programme's use cases: the roster, nominations, the annual campaign,
declarations (sealed, amended until reviewed, every version kept), reviews, reminders and
compliance. Every read and action lands in the programme's append-only history.

Who may do what:
- a filer (signed in with the address the roster gives) files, amends and reads their own
  declarations and the guidance given on them, and nothing else;
- an ethics officer (``ethics_officer``) reads any declaration and records its review;
- an ethics administrator (``ethics_admin``) imports the roster, opens campaigns, nominates
  and withdraws in any unit, and reads the campaign's status;
- a head of unit (the programme's ``unit_heads`` setting) nominates and withdraws filers of
  their units, and receives the escalations of their overdue filers; never a declaration.
A declaration the caller may not read answers as an unknown one does.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from shared.domain.disclosure import (
    ACTIVE,
    AD_HOC,
    ANNUAL,
    ESCALATION,
    FILED,
    GUIDANCE_GIVEN,
    OBLIGATION_STATES,
    OUTCOMES,
    PENDING,
    SEPARATED,
    WITHDRAWN,
    Campaign,
    Compliance,
    Declaration,
    DeclarationContent,
    DeclarationVersion,
    DisclosureError,
    Filer,
    HistoryEntry,
    Obligation,
    OutcomeShares,
    ProgrammeSettings,
    Reminder,
    Review,
    compliance,
    content_to_json,
    obligation_for,
    outcome_shares,
    parse_content,
    parse_filer,
    reminders_due,
    roster_diff,
)
from shared.domain.officers import ETHICS_ADMIN, ETHICS_OFFICER, Forbidden, Officer
from shared.domain.records import Task
from shared.domain.sealing import IntegrityFailure, declaration_context, guidance_context
from shared.logs import get_logger
from shared.ports.clock import Clock
from shared.ports.disclosure import DeclarationConflict, DisclosureStore
from shared.ports.mail import Email, Notifier, NotifierUnavailable
from shared.ports.sealing import PayloadCipher, SealBroken
from shared.ports.tasks import QueueUnavailable, TaskQueue

log = get_logger(__name__)
REMINDER_LEASE = timedelta(minutes=10)
GUIDANCE_NOTICE = "guidance"
MAX_GUIDANCE = 5000


class DeclarationNotFound(LookupError):
    """No declaration with this id that the caller may read."""


class NotAFiler(Exception):
    """The signed-in address is not an active filer's."""


class CampaignProblem(Exception):
    """The campaign cannot do this now; the message says why."""


def random_seed() -> bytes:
    """A seed for a verification draw, from the operating system's secure source."""
    return secrets.token_bytes(32)


@dataclass(frozen=True)
class Programme:
    """The ports and settings the use cases share (wired by the composition root)."""

    store: DisclosureStore
    cipher: PayloadCipher
    clock: Clock
    queue: TaskQueue  # e-mail goes through the notify function
    settings: ProgrammeSettings
    officers: Mapping[str, Officer]
    filer_url: str  # where filers sign in (the link of their e-mails)
    seed: Callable[[], bytes] = random_seed  # a verification draw's seed


@dataclass(frozen=True)
class Caller:
    """Who is calling: a verified address, and the officer it is, if any."""

    email: str
    officer: Officer | None = None

    def has_role(self, role: str) -> bool:
        return self.officer is not None and self.officer.has_role(role)


def caller(p: Programme, email: str) -> Caller:
    address = email.strip().lower()
    return Caller(address, p.officers.get(address))


def _history(p: Programme, subject: str, actor: str, action: str, **details: Any) -> None:
    p.store.append_history(HistoryEntry(subject, p.clock.now(), actor, action, details))


def _require_admin(who: Caller, action: str) -> None:
    if not who.has_role(ETHICS_ADMIN):
        raise Forbidden("missing_role", f"Only an ethics administrator may {action}.")


# --- Roster ---------------------------------------------------------------------------------


def parse_roster(lines: Sequence[Mapping[str, Any]]) -> list[Filer]:
    """Every line of an HR roster as a filer, or DisclosureError naming each bad line and
    field (all or nothing)."""
    filers, errors = [], {}
    for number, line in enumerate(lines, start=1):
        try:
            filers.append(parse_filer(line))
        except DisclosureError as error:
            errors.update({f"line {number}.{k}": v for k, v in error.errors.items()})
    if errors:
        raise DisclosureError(errors)
    return filers


@dataclass(frozen=True)
class RosterOutcome:
    joined: int
    left: int
    changed: int
    unchanged: int
    obligations_added: int
    obligations_closed: int


def import_roster(p: Programme, who: Caller, lines: Sequence[Mapping[str, Any]],
                  *, dry_run: bool = False) -> RosterOutcome:
    """Apply HR's roster: joiners, leavers (their pending obligations close as separated)
    and changes. A joiner after the latest campaign opened owes it a declaration, due
    ``new_filer_days`` after appointment."""
    _require_admin(who, "import the roster")
    now = p.clock.now()
    incoming = parse_roster(lines)
    diff = roster_diff(p.store.filers(), incoming, at=now)
    added = closed = 0
    if not dry_run:
        p.store.put_filers(diff.writes)
        closed = _close_obligations(p, diff.left, SEPARATED, now.date())
        added = _owe_latest_campaign(p, diff.joined)
        _follow_moves(p, diff.changed)
        _history(p, "roster", who.email, "roster_imported", joined=len(diff.joined),
                 left=len(diff.left), changed=len(diff.changed))
    return RosterOutcome(len(diff.joined), len(diff.left), len(diff.changed), diff.unchanged,
                         added, closed)


def _close_obligations(p: Programme, filers: Sequence[Filer], state: str, on: date) -> int:
    closed = 0
    for campaign in p.store.campaigns():
        for filer in filers:
            o = p.store.obligation(campaign.year, filer.staff_id)
            if o is not None and o.state == PENDING:
                p.store.put_obligation(replace(o, state=state, closed_on=on))
                closed += 1
    return closed


def _follow_moves(p: Programme, filers: Sequence[Filer]) -> None:
    """A filer who moved to another unit: their pending obligations escalate to the new
    unit's heads."""
    for campaign in p.store.campaigns():
        for filer in filers:
            o = p.store.obligation(campaign.year, filer.staff_id)
            if o is not None and o.state == PENDING and o.unit != filer.unit:
                p.store.put_obligation(replace(o, unit=filer.unit))


def _owe_latest_campaign(p: Programme, filers: Sequence[Filer]) -> int:
    campaigns = p.store.campaigns()
    if not campaigns or not filers:
        return 0
    latest = campaigns[-1]
    return p.store.add_obligations([obligation_for(latest, f, p.settings) for f in filers])


def nominate(p: Programme, who: Caller, raw: Mapping[str, Any]) -> Filer:
    """A head of unit (or an administrator) adds a filer to the programme."""
    data = dict(raw)
    data.setdefault("reason", "nominated")
    filer = parse_filer(data, source="nominated", at=p.clock.now())
    _may_manage(p, who, filer.unit)
    existing = p.store.filer(filer.staff_id)
    if existing is not None and existing.status == ACTIVE:
        raise CampaignProblem(f"Staff id {filer.staff_id} is already an active filer.")
    same_address = p.store.filer_by_email(filer.email)
    if same_address is not None and same_address.status == ACTIVE:
        # One address signs in one filer: their declarations are found by it.
        raise CampaignProblem("This e-mail address is another active filer's.")
    p.store.put_filers([filer])
    _owe_latest_campaign(p, [filer])
    _history(p, f"filer:{filer.staff_id}", who.email, "nominated", unit=filer.unit)
    return filer


def withdraw(p: Programme, who: Caller, staff_id: str) -> Filer:
    """A head of the filer's unit (or an administrator) withdraws a filer: no longer
    obliged to file; their pending obligations close as withdrawn."""
    filer = p.store.filer(staff_id)
    if filer is None or filer.status != ACTIVE:
        raise FilerNotFound(staff_id)
    _may_manage(p, who, filer.unit)
    done = replace(filer, status=WITHDRAWN, left_on=p.clock.now().date())
    p.store.put_filers([done])
    _close_obligations(p, [done], WITHDRAWN, p.clock.now().date())
    _history(p, f"filer:{staff_id}", who.email, "withdrawn", unit=filer.unit)
    return done


class FilerNotFound(LookupError):
    """No active filer with this staff id."""


def _may_manage(p: Programme, who: Caller, unit: str) -> None:
    if who.has_role(ETHICS_ADMIN) or unit in p.settings.units_headed_by(who.email):
        return
    raise Forbidden("not_head_of_unit", "Only the head of the filer's unit or an ethics "
                                        "administrator may nominate or withdraw this filer.")


def list_filers(p: Programme, who: Caller, *, status: str | None = None) -> list[Filer]:
    """The roster, for administrators and officers."""
    if not (who.has_role(ETHICS_ADMIN) or who.has_role(ETHICS_OFFICER)):
        raise Forbidden("missing_role", "Only ethics officers and administrators may read "
                                        "the roster.")
    return [f for f in p.store.filers() if status is None or f.status == status]


# --- Campaign -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignOpened:
    campaign: Campaign
    created: bool
    obligations_added: int


def open_campaign(p: Programme, who: Caller, year: int, *, due_on: date | None = None
                  ) -> CampaignOpened:
    """Open the cycle of a reporting year: every active filer owes a declaration. Opening
    it again changes nothing but adds obligations missing (an interrupted opening)."""
    _require_admin(who, "open a campaign")
    now = p.clock.now()
    if year > now.year:
        raise CampaignProblem(f"The reporting year {year} has not begun.")
    if year < 2000:
        raise DisclosureError({"year": ["A reporting year from 2000."]})
    campaign, created = p.store.create_campaign(
        Campaign(year, due_on or p.settings.default_due(year), now, who.email))
    active = [f for f in p.store.filers() if f.status == ACTIVE]
    added = p.store.add_obligations([obligation_for(campaign, f, p.settings) for f in active])
    if created or added:
        _history(p, f"campaign:{year}", who.email, "campaign_opened",
                 due_on=campaign.due_on.isoformat(), obligations=added)
    return CampaignOpened(campaign, created, added)


@dataclass(frozen=True)
class CampaignStatus:
    campaign: Campaign
    states: Mapping[str, int]
    overdue: tuple[Obligation, ...]
    reminders_sent: Mapping[str, int]  # kind -> count
    compliance: Compliance


def campaign_status(p: Programme, who: Caller, year: int) -> CampaignStatus:
    if not (who.has_role(ETHICS_ADMIN) or who.has_role(ETHICS_OFFICER)):
        raise Forbidden("missing_role", "Only ethics officers and administrators may read "
                                        "a campaign's status.")
    campaign = p.store.campaign(year)
    if campaign is None:
        raise CampaignProblem(f"No campaign is open for {year}.")
    obligations = p.store.obligations(year)
    states = Counter(dict.fromkeys(OBLIGATION_STATES, 0))
    states.update(o.state for o in obligations)
    today = p.clock.now().date()
    sent = Counter(key.split(":")[2] for key in p.store.reminders_sent(year))
    return CampaignStatus(
        campaign, dict(states), tuple(o for o in obligations if o.overdue(today)),
        {kind: sent.get(kind, 0) for kind in ("reminder", ESCALATION)},
        compliance(year, obligations))


def campaigns_overview(p: Programme, who: Caller, year: int | None
                       ) -> tuple[list[int], CampaignStatus | None]:
    """The years with a campaign, and the status of ``year``'s (the latest when ``year``
    is None or has none); for the officers' console."""
    if not (who.has_role(ETHICS_ADMIN) or who.has_role(ETHICS_OFFICER)):
        raise Forbidden("missing_role", "Only ethics officers and administrators may read "
                                        "the disclosure campaigns.")
    years = [c.year for c in p.store.campaigns()]
    if not years:
        return years, None
    chosen = year if year in years else years[-1]
    return years, campaign_status(p, who, chosen)


# --- Declarations ---------------------------------------------------------------------------


def _filer_of(p: Programme, who: Caller) -> Filer:
    filer = p.store.filer_by_email(who.email)
    if filer is None or filer.status != ACTIVE:
        raise NotAFiler(who.email)
    return filer


def signed_in_filer(p: Programme, who: Caller) -> Filer:
    """The active filer an address signs in as; NotAFiler for anyone else."""
    return _filer_of(p, who)


def _seal(p: Programme, declaration_id: str, version: int,
          content: DeclarationContent) -> dict[str, Any]:
    plaintext = json.dumps(content_to_json(content), sort_keys=True,
                           ensure_ascii=False).encode()
    return p.cipher.seal(declaration_context(declaration_id, version), plaintext)


def file_declaration(p: Programme, who: Caller, body: Mapping[str, Any], *, kind: str,
                     year: int | None = None) -> Declaration:
    """File a declaration: the annual one of a campaign's year (once: then amend it), or
    an ad hoc one at any time."""
    filer = _filer_of(p, who)
    now = p.clock.now()
    obligation = None
    if kind == ANNUAL:
        if year is None:
            raise DisclosureError({"year": ["Required for an annual declaration."]})
        obligation = p.store.obligation(year, filer.staff_id)
        if obligation is None:
            raise CampaignProblem(f"You have no annual declaration to file for {year}.")
        if obligation.state != PENDING:
            raise CampaignProblem(f"Your annual declaration for {year} is filed already; "
                                  "amend it instead.")
    elif kind != AD_HOC:
        raise DisclosureError({"kind": ["annual or ad_hoc."]})
    content = parse_content(body, kind=kind)
    declaration_id = uuid.uuid4().hex
    sealed = _seal(p, declaration_id, 1, content)
    declaration = Declaration(declaration_id, filer.staff_id, kind,
                              year if kind == ANNUAL and year else now.year, 1, now, now,
                              sealed, content.nothing_declared)
    filled = None if obligation is None else replace(
        obligation, state=FILED, declaration_id=declaration_id, filed_at=now)
    p.store.add_declaration(declaration, DeclarationVersion(declaration_id, 1, now, sealed),
                            filled)
    _history(p, f"declaration:{declaration_id}", who.email, "filed", kind=kind,
             year=declaration.year, late=bool(filled and filled.late))
    return declaration


def amend_declaration(p: Programme, who: Caller, declaration_id: str,
                      body: Mapping[str, Any], *, version: int) -> Declaration:
    """A new version of one's own declaration, if it is still at ``version`` and not
    reviewed."""
    filer = _filer_of(p, who)
    stored = p.store.declaration(declaration_id)
    if stored is None or stored.staff_id != filer.staff_id:
        raise DeclarationNotFound(declaration_id)
    if stored.review is not None:
        raise DeclarationConflict("reviewed")
    if stored.version != version:
        raise DeclarationConflict("version")
    content = parse_content(body, kind=stored.kind)
    now = p.clock.now()
    sealed = _seal(p, declaration_id, version + 1, content)
    amended = replace(stored, version=version + 1, updated_at=now, sealed=sealed,
                      nothing_declared=content.nothing_declared)
    p.store.amend_declaration(amended, DeclarationVersion(declaration_id, version + 1, now,
                                                          sealed))
    _history(p, f"declaration:{declaration_id}", who.email, "amended", version=version + 1)
    return amended


@dataclass(frozen=True)
class DeclarationView:
    declaration: Declaration
    content: dict[str, Any]
    guidance: str | None
    versions: tuple[int, ...]
    history: tuple[HistoryEntry, ...] = field(default=())


def _readable(p: Programme, who: Caller, declaration_id: str) -> tuple[Declaration, bool]:
    """The declaration and whether the caller reads it as an officer; DeclarationNotFound
    for anyone else (a head of unit, another filer, an administrator without the officer's
    role)."""
    declaration = p.store.declaration(declaration_id)
    if declaration is None:
        raise DeclarationNotFound(declaration_id)
    if who.has_role(ETHICS_OFFICER):
        return declaration, True
    filer = p.store.filer_by_email(who.email)
    if filer is not None and filer.staff_id == declaration.staff_id:
        return declaration, False
    _history(p, f"declaration:{declaration_id}", who.email, "read_refused")
    raise DeclarationNotFound(declaration_id)


def read_declaration(p: Programme, who: Caller, declaration_id: str) -> DeclarationView:
    """One declaration, opened, for its filer or an ethics officer (who also sees its
    history); the read is recorded."""
    declaration, as_officer = _readable(p, who, declaration_id)
    try:
        content = json.loads(p.cipher.open(declaration_context(declaration_id,
                                                               declaration.version),
                                           declaration.sealed))
        guidance = None
        if declaration.guidance:
            guidance = p.cipher.open(guidance_context(declaration_id),
                                     declaration.guidance).decode()
    except SealBroken:
        # Altered, or moved from another declaration or version: never shown.
        log.error("a sealed declaration does not open where it is kept", extra={
            "event": "integrity_alert", "declaration_id": declaration_id,
            "code": "declaration_seal_broken"})
        _history(p, f"declaration:{declaration_id}", who.email, "integrity_failure")
        raise IntegrityFailure(declaration_id, "declaration_seal_broken") from None
    _history(p, f"declaration:{declaration_id}", who.email, "read",
             version=declaration.version)
    versions = tuple(v.version for v in p.store.versions(declaration_id))
    history = tuple(p.store.history(f"declaration:{declaration_id}")) if as_officer else ()
    return DeclarationView(declaration, content, guidance, versions, history)


def declarations_of_year(p: Programme, who: Caller, year: int) -> list[Declaration]:
    """A reporting year's declarations, without content, for ethics officers (the console's
    list of what to review)."""
    if not who.has_role(ETHICS_OFFICER):
        raise Forbidden("missing_role", "Only ethics officers may list declarations.")
    return p.store.declarations(year)


def declaration_for_review(p: Programme, who: Caller, declaration_id: str
                           ) -> tuple[DeclarationView, Filer | None]:
    """A declaration as an ethics officer reads it to review it (the read is recorded),
    and its filer."""
    if not who.has_role(ETHICS_OFFICER):
        raise Forbidden("missing_role", "Only ethics officers may review declarations.")
    view = read_declaration(p, who, declaration_id)
    return view, p.store.filer(view.declaration.staff_id)


def my_declarations(p: Programme, who: Caller) -> tuple[Filer, list[Declaration],
                                                       list[Obligation]]:
    """The signed-in filer, their declarations (without content) and obligations."""
    filer = _filer_of(p, who)
    obligations = [o for c in p.store.campaigns()
                   if (o := p.store.obligation(c.year, filer.staff_id)) is not None]
    _history(p, f"filer:{filer.staff_id}", who.email, "listed_own_declarations")
    return filer, p.store.declarations_of(filer.staff_id), obligations


def review_declaration(p: Programme, who: Caller, declaration_id: str, outcome: str,
                       guidance: str | None = None) -> Declaration:
    """Record the one outcome of a declaration's review. Guidance (required with
    ``guidance_given``) is sealed and e-mailed to the filer as a link, never as content."""
    if not who.has_role(ETHICS_OFFICER):
        raise Forbidden("missing_role", "Only an ethics officer may review a declaration.")
    if outcome not in OUTCOMES:
        raise DisclosureError({"outcome": [f"One of {', '.join(OUTCOMES)}."]})
    text = (guidance or "").strip()
    if outcome == GUIDANCE_GIVEN and not text:
        raise DisclosureError({"guidance": ["Required when guidance is given."]})
    if len(text) > MAX_GUIDANCE:
        raise DisclosureError({"guidance": [f"At most {MAX_GUIDANCE} characters."]})
    stored = p.store.declaration(declaration_id)
    if stored is None:
        raise DeclarationNotFound(declaration_id)
    own = p.store.filer(stored.staff_id)
    if own is not None and own.email == who.email:
        raise Forbidden("recused", "An officer does not review their own declaration: "
                                   "another officer does.")
    sealed = p.cipher.seal(guidance_context(declaration_id), text.encode()) if text else None
    now = p.clock.now()
    try:
        done = p.store.review_declaration(declaration_id, Review(outcome, who.email, now,
                                                                 bool(text)), sealed)
    except KeyError:
        raise DeclarationNotFound(declaration_id) from None
    _history(p, f"declaration:{declaration_id}", who.email, "reviewed", outcome=outcome)
    if text:  # the filer is told, by a notice that goes out once (the notify function)
        key = guidance_key(done)
        p.store.note_pending_notice(key, now)
        try:
            p.queue.enqueue(notice_task(key, now))
        except QueueUnavailable:
            log.error("guidance notice not queued; the next sweep queues it",
                      extra={"event": "disclosure_notice_not_queued"})
    return done


def guidance_key(declaration: Declaration) -> str:
    """The notice telling a filer that guidance on a declaration awaits them."""
    return f"{declaration.year}:{declaration.staff_id}:{GUIDANCE_NOTICE}:{declaration.id}"


# --- Reminders ----------------------------------------------------------------------------


@dataclass
class ReminderReport:
    queued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def sent(self) -> list[str]:  # the sweep's report names what it set going
        return self.queued


def due_reminders(store: DisclosureStore, today: date, settings: ProgrammeSettings
                  ) -> list[Reminder]:
    """Every reminder and escalation whose day has come and that did not go out yet."""
    due = []
    for campaign in store.campaigns():
        sent = set(store.reminders_sent(campaign.year))
        for obligation in store.pending_obligations(campaign.year):
            due += [r for r in reminders_due(obligation, today, settings) if r.key not in sent]
    return due


def notice_task(key: str, now: datetime) -> Task:
    """The notify task of a reminder, escalation or guidance notice. Its name holds the
    hour: a task lost or given up on is queued again by a later sweep, while the sweeps of
    one hour queue it once; the store's claim makes it go out once however often it is
    delivered."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return Task(queue="notify", name=f"disclosure-{digest}-{now:%Y%m%d%H}", target="notify",
                payload={"reminder": key})


def queue_reminders(*, store: DisclosureStore, clock: Clock, settings: ProgrammeSettings,
                    queue: TaskQueue) -> ReminderReport:
    """Queue every reminder due and not sent, and every notice recorded and not sent (a
    guidance notice, a claim that lapsed), for the notify function. Driven by ``sweep``;
    what cannot be queued now is queued by the next sweep."""
    now = clock.now()
    report = ReminderReport()
    keys = [r.key for r in due_reminders(store, now.date(), settings)]
    keys += sorted(set(store.unsent_notices()) - set(keys))
    for key in keys:
        try:
            queue.enqueue(notice_task(key, now))
        except QueueUnavailable:
            report.failed.append(key)
            continue
        report.queued.append(key)
    if report.failed:
        log.error("disclosure reminders not queued; the next sweep queues them",
                  extra={"event": "disclosure_reminders_not_queued",
                         "count": len(report.failed)})
    return report


@dataclass(frozen=True)
class ReminderMail:
    """What sending a reminder needs (the notify function's part of the programme)."""

    store: DisclosureStore
    clock: Clock
    notifier: Notifier
    settings: ProgrammeSettings
    filer_url: str
    ethics_office_mailbox: str


def send_reminder(key: str, *, mail: ReminderMail) -> str:
    """Send one reminder, escalation or guidance notice, once: "sent"; "already_sent" (or
    being sent by another delivery); "not_due" (the obligation was met or closed meanwhile,
    or the key names nothing owed). Raises NotifierUnavailable (the task is retried; the
    claim is released first)."""
    store, now = mail.store, mail.clock.now()
    parts = key.split(":")
    if len(parts) != 4 or not parts[0].isdigit():
        return "not_due"
    year, staff_id, kind = int(parts[0]), parts[1], parts[2]
    if kind == GUIDANCE_NOTICE:
        return _send_guidance_notice(key, parts[3], staff_id, mail)
    try:
        days = int(parts[3])
    except ValueError:
        return "not_due"
    obligation = store.obligation(year, staff_id)
    if obligation is None or not _owed(obligation, kind, days, now.date(), mail.settings):
        return "not_due"
    if not store.claim_reminder(key, now, REMINDER_LEASE):
        return "already_sent"
    filer = store.filer(staff_id)
    link = mail.filer_url
    try:
        if kind == ESCALATION:
            for head in mail.settings.heads_of(obligation.unit) or [mail.ethics_office_mailbox]:
                _send(mail.notifier, head, "A declaration in your unit is overdue",
                      "A financial disclosure declaration due from a filer of your unit is "
                      f"overdue. Please remind them to file it: {link}", f"{key}:{head}")
        elif filer is not None:
            when = "is due" if days < 0 else "is overdue"
            _send(mail.notifier, filer.email, f"Your financial disclosure declaration {when}",
                  f"Your declaration for {year} {when} (due {obligation.due_on.isoformat()})."
                  f" Sign in to file it: {link}", key)
    except NotifierUnavailable:
        store.release_reminder(key)
        raise
    store.reminder_sent(key, now)
    store.append_history(HistoryEntry(f"filer:{staff_id}", now, "notify", f"{kind}_sent",
                                      {"year": year, "days": days}))
    return "sent"


def _send_guidance_notice(key: str, declaration_id: str, staff_id: str,
                          mail: ReminderMail) -> str:
    store, now = mail.store, mail.clock.now()
    declaration = store.declaration(declaration_id)
    filer = store.filer(staff_id)
    if (declaration is None or declaration.staff_id != staff_id or filer is None
            or declaration.review is None or not declaration.review.has_guidance):
        return "not_due"
    if not store.claim_reminder(key, now, REMINDER_LEASE):
        return "already_sent"
    try:
        _send(mail.notifier, filer.email, "Your declaration has been reviewed",
              "The Ethics Office has replied on a declaration you filed. Sign in to read "
              f"it: {mail.filer_url}", key)
    except NotifierUnavailable:
        store.release_reminder(key)
        raise
    store.reminder_sent(key, now)
    store.append_history(HistoryEntry(f"declaration:{declaration_id}", now, "notify",
                                      "guidance_notice_sent"))
    return "sent"


def _owed(obligation: Obligation, kind: str, days: int, today: date,
            settings: ProgrammeSettings) -> bool:
    """Whether a reminder the sweep queued is still owed: its obligation pending, its
    threshold one of the settings' and reached (a later threshold may have come since)."""
    thresholds = settings.reminder_days if kind != ESCALATION else settings.escalation_days
    return (obligation.state == PENDING and days in thresholds
            and (today - obligation.due_on).days >= days)


def _send(notifier: Notifier, to: str, subject: str, body: str, key: str) -> None:
    notifier.send(Email(to, subject, body,
                        f"<{uuid.uuid5(uuid.NAMESPACE_URL, key).hex}@disclosure.invalid>"))


# --- Compliance ---------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    compliance: Compliance
    outcomes: OutcomeShares


def year_figures(store: DisclosureStore, year: int) -> YearFigures | None:
    """A campaign year's compliance and review outcomes from the records; None if no
    campaign was opened for it."""
    if store.campaign(year) is None:
        return None
    return YearFigures(compliance(year, store.obligations(year)),
                       outcome_shares(store.declarations(year), year))


def campaign_years(store: DisclosureStore) -> list[int]:
    return [c.year for c in store.campaigns()]


def recorded_years(store: DisclosureStore, years: Sequence[int]) -> dict[int, YearFigures]:
    """The figures of each of ``years`` that had a campaign."""
    opened = set(campaign_years(store))
    return {y: f for y in years if y in opened
            and (f := year_figures(store, y)) is not None}


# --- What officers declared, for recusal ------------------------------------------------------


def declared_counterparts(store: DisclosureStore, cipher: PayloadCipher, email: str
                          ) -> tuple[str, ...]:
    """The counterparts of everything the filer with this address declared, in every
    declaration (the latest version of each), every section and every member of the
    household: the companies they hold, the organisations they work or sit for, their
    spouse's and children's employers, the people they are related to. Empty when the
    address is no filer's. A declaration whose seal does not open is left out (and
    alerted): it cannot say what it holds."""
    filer = store.filer_by_email(email.strip().lower())
    if filer is None:
        return ()
    found: set[str] = set()
    for declaration in store.declarations_of(filer.staff_id):
        try:
            content = json.loads(cipher.open(
                declaration_context(declaration.id, declaration.version), declaration.sealed))
        except SealBroken:
            log.error("a sealed declaration does not open where it is kept", extra={
                "event": "integrity_alert", "declaration_id": declaration.id,
                "code": "declaration_seal_broken"})
            continue
        for answers in (content.get("sections") or {}).values():
            for answer in (answers or {}).values():
                for item in (answer or {}).get("items") or ():
                    counterpart = str(item.get("counterpart") or "").strip()
                    if counterpart:
                        found.add(counterpart)
    return tuple(sorted(found))
