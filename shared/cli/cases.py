"""``intake cases``: the officers' case API from the command line, as the officer whose
token it sends. It never opens the store itself: roles, recusal and the history are the
API's, so a command shows and does exactly what that officer may see and do.

The token: ``--token`` or ``INTAKE_OFFICER_TOKEN`` (locally, a development token that
``scripts/run`` prints); otherwise a Google ID token for the cases URL from Application
Default Credentials. ``--as EMAIL`` chooses nobody: it only checks that the token is that
officer's.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import IO, Any, TypeVar

import click

from shared import config
from shared.auth import claimed_email
from shared.domain.officers import normalise_email

F = TypeVar("F", bound=Callable[..., Any])
TIMEOUT_SECONDS = 30

# Not a state of every workflow, but what officers look for under that name: every case
# whose referral (or a supplement to it) failed, whatever its form and state.
FORWARDING_FAILED = "forwarding_failed"

_FILTERS = [
    click.option("--state", help="Only cases in this state. forwarding_failed: every case "
                                 "whose referral failed, whatever the form (--forwarding "
                                 "failed)."),
    click.option("--forwarding", type=click.Choice(["failed", "pending", "delivered"]),
                 help="Only cases whose referral to the investigations office stands so."),
    click.option("--form", type=click.Choice(["advice", "misconduct", "retaliation"]),
                 help="Only cases of this form."),
    click.option("--assignee", help="Only cases assigned to this officer (e-mail)."),
    click.option("--due-within", type=click.IntRange(0, 3650), metavar="DAYS",
                 help="Only cases with a running deadline within DAYS days."),
    click.option("--due-for-purge", is_flag=True,
                 help="Only the cases due for purge within 30 days, soonest first "
                      "(docs/retention.md)."),
    click.option("--feedback-due-within", type=click.IntRange(0, 3650), metavar="DAYS",
                 help="Only cases whose reporter is still owed feedback due within DAYS "
                      "days (0: today or overdue), soonest first."),
    click.option("--limit", type=click.IntRange(1, 500), default=200, show_default=True),
    click.option("--json", "as_json", is_flag=True, help="One JSON object per case."),
]
_SIGN_IN = [
    click.option("--token", help="Bearer token to send (default: INTAKE_OFFICER_TOKEN, "
                                 "else an ID token from Application Default Credentials)."),
    click.option("--url", help="The case API (default: INTAKE_CASES_URL, else "
                               "<INTAKE_FUNCTIONS_BASE_URL>/cases)."),
    click.option("--as", "as_officer", metavar="EMAIL",
                 help="Refuse to run unless the token is this officer's (a check only: "
                      "the token says who acts)."),
]


def _with(options: list[Callable[[F], F]]) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


class CaseApi:
    """The officers' case API over HTTP, as the officer of one bearer token."""

    def __init__(self, url: str, token: str) -> None:
        import requests

        self.url = url.rstrip("/")
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
             body: dict[str, Any] | None = None) -> Any:
        import requests

        try:
            response = self._session.request(method, f"{self.url}/{path.lstrip('/')}",
                                             params=params, json=body,
                                             timeout=TIMEOUT_SECONDS, allow_redirects=False)
        except requests.RequestException as error:
            raise click.ClickException(f"cannot reach the case API at {self.url} "
                                       f"({type(error).__name__}); is it running?") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if 200 <= response.status_code < 300 and isinstance(answer, dict):
            return answer
        raise click.ClickException(_refusal(response.status_code, answer))

    def download(self, path: str, params: dict[str, Any],
                 opened: Callable[[], AbstractContextManager[IO[bytes]]]) -> None:
        """GET ``path`` and write its body, as it arrives (an export is never held whole),
        to what ``opened`` opens once the API has answered: a refusal (raised as the
        API's message) writes nothing anywhere."""
        import requests

        try:
            with self._session.get(f"{self.url}/{path.lstrip('/')}", params=params,
                                   timeout=TIMEOUT_SECONDS, allow_redirects=False,
                                   stream=True) as response:
                if not 200 <= response.status_code < 300:
                    try:
                        answer = response.json()
                    except ValueError:
                        answer = None
                    raise click.ClickException(_refusal(response.status_code, answer))
                with opened() as out:
                    for chunk in response.iter_content(chunk_size=64 * 1024):
                        out.write(chunk)
        except requests.RequestException as error:
            raise click.ClickException(f"cannot reach the case API at {self.url} "
                                       f"({type(error).__name__}); is it running?") from None


def _refusal(status: int, answer: Any) -> str:
    if not isinstance(answer, dict) or not isinstance(answer.get("message"), str):
        return f"the case API answered HTTP {status}"
    message = answer["message"]
    allowed = (answer.get("errors") or {}).get("allowed")
    if allowed:
        message += f" Allowed: {', '.join(map(str, allowed))}."
    return f"{message} (HTTP {status})"


def _quoted(reference: str) -> str:
    return urllib.parse.quote(reference, safe="")


def _id_token(audience: str) -> str:
    import google.auth.exceptions
    import google.auth.transport.requests
    from google.oauth2 import id_token

    try:
        token: str = id_token.fetch_id_token(  # type: ignore[no-untyped-call]
            google.auth.transport.requests.Request(), audience)
        return token
    except google.auth.exceptions.GoogleAuthError as error:
        raise click.ClickException(
            "no officer token: set INTAKE_OFFICER_TOKEN (locally, a development token "
            "that scripts/run prints) or give Application Default Credentials that can "
            f"mint an ID token for {audience} ({type(error).__name__}).") from None


def _api(token: str | None, url: str | None, as_officer: str | None) -> CaseApi:
    try:
        access = config.load().access
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from error
    url = (url or access.cases_url).rstrip("/")
    token = token or access.officer_token or _id_token(url)
    if as_officer is not None:
        claimed = claimed_email(token)
        if claimed != normalise_email(as_officer):
            raise click.ClickException(
                f"the token signs in as {claimed or 'an unknown account'}, not "
                f"{as_officer}: --as does not choose who acts, the token does.")
    return CaseApi(url, token)


def _list(api: CaseApi, state: str | None, forwarding: str | None, form: str | None,
          assignee: str | None, due_within: int | None, feedback_due_within: int | None,
          due_for_purge: bool, limit: int, as_json: bool) -> None:
    if state == FORWARDING_FAILED:
        state, forwarding = None, forwarding or "failed"
        if forwarding != "failed":
            raise click.UsageError("--state forwarding_failed is --forwarding failed")
    if due_within is not None and feedback_due_within is not None:
        raise click.UsageError("--due-within or --feedback-due-within, not both")
    params = {"state": state, "forwarding": forwarding, "form": form, "assignee": assignee,
              "due_within_days": due_within if feedback_due_within is None
              else feedback_due_within,
              "deadline": "feedback_due" if feedback_due_within is not None else None,
              "limit": limit, "due_for_purge": "true" if due_for_purge else None}
    found = api.call("GET", "/", params={k: v for k, v in params.items() if v is not None})
    for row in found["cases"]:
        if as_json:
            click.echo(json.dumps(row))
        elif due_for_purge:
            retention = row["retention"]
            extended = "extended" if retention["extended"] else ""
            click.echo(f"{row['reference']}  {row['form']:<11} {row['state']:<28} "
                       f"purge after {retention['purge_after'][:16]}  {extended}".rstrip())
        else:
            due = min(row["deadlines"].values(), default="")
            click.echo(f"{row['reference']}  {row['form']:<11} {row['state']:<28} "
                       f"{row['received_at'][:16]}  {due[:10]}")
    if not found["cases"] and not as_json:
        click.echo("No case matches.")


@click.group(invoke_without_command=True)
@_with(_FILTERS)
@_with(_SIGN_IN)
@click.pass_context
def cases(context: click.Context, /, token: str | None, url: str | None,
          as_officer: str | None, **filters: Any) -> None:
    """Cases, through the officers' case API: `intake cases [filters]` lists them (as
    `intake cases list` does)."""
    if context.invoked_subcommand is None:
        _list(_api(token, url, as_officer), **filters)


@cases.command("list")
@_with(_FILTERS)
@_with(_SIGN_IN)
def list_command(token: str | None, url: str | None, as_officer: str | None,
                 **filters: Any) -> None:
    """List cases, most recently received first (or most urgent, with --due-within)."""
    _list(_api(token, url, as_officer), **filters)


@cases.command()
@click.argument("reference")
@_with(_SIGN_IN)
def show(reference: str, token: str | None, url: str | None, as_officer: str | None) -> None:
    """Open a case (recorded in its history) and print it as JSON."""
    opened = _api(token, url, as_officer).call("GET", f"/{_quoted(reference)}")
    json.dump(opened, sys.stdout, indent=2, ensure_ascii=False)
    click.echo()


@cases.command()
@click.argument("reference")
@click.argument("name")
@click.option("--note", help="Reasons for the record (sealed; officers only); required with "
                             "record_late_panel_request.")
@click.option("--requester-consent", is_flag=True,
              help="For refer_as_misconduct on an advice request: the requester agreed.")
@click.option("--reason", help="With suspend (required): parallel_complaint or "
                               "no_retaliatory_action.")
@click.option("--allegation-type", help="With refer_as_misconduct (required): the type of "
                                        "misconduct alleged, e.g. sexual_harassment.")
@_with(_SIGN_IN)
def transition(reference: str, name: str, note: str | None, requester_consent: bool,
               reason: str | None, allegation_type: str | None, token: str | None,
               url: str | None, as_officer: str | None) -> None:
    """Apply a workflow transition, e.g. start_preliminary_review; retry_forwarding sends
    a failed referral again, in any form."""
    body: dict[str, Any] = {"name": name}
    if note is not None:
        body["note"] = note
    if requester_consent:
        body["requester_consent"] = True
    if reason is not None:
        body["reason"] = reason
    if allegation_type is not None:
        body["allegation_type"] = allegation_type
    answer = _api(token, url, as_officer).call("POST", f"/{_quoted(reference)}/transitions",
                                               body=body)
    click.echo(json.dumps(answer["case"]))


@cases.command()
@click.argument("reference")
@click.argument("assignee")
@_with(_SIGN_IN)
def assign(reference: str, assignee: str, token: str | None, url: str | None,
           as_officer: str | None) -> None:
    """Assign a case to an officer (yourself, or anyone as an administrator)."""
    answer = _api(token, url, as_officer).call("POST", f"/{_quoted(reference)}/assignment",
                                               body={"assignee": assignee})
    click.echo(json.dumps(answer["case"]))


@cases.command()
@click.argument("reference")
@click.argument("officer")
@click.option("--reason", required=True, help="Why (kept in the case's history).")
@_with(_SIGN_IN)
def recuse(reference: str, officer: str, reason: str, token: str | None, url: str | None,
           as_officer: str | None) -> None:
    """Recuse an officer from a case (administrators): it becomes invisible to them."""
    answer = _api(token, url, as_officer).call("POST", f"/{_quoted(reference)}/recusals",
                                               body={"officer": officer, "reason": reason})
    click.echo(json.dumps(answer["case"]))


@cases.command()
@click.argument("reference")
@click.argument("text")
@_with(_SIGN_IN)
def note(reference: str, text: str, token: str | None, url: str | None,
         as_officer: str | None) -> None:
    """Add an internal note (never shown to the submitter)."""
    answer = _api(token, url, as_officer).call("POST", f"/{_quoted(reference)}/notes",
                                               body={"text": text})
    click.echo(json.dumps(answer["case"]))


@cases.command()
@click.argument("reference")
@click.option("--reason", required=True, help="Why (kept in the case's history until it is "
                                              "purged; name no one).")
@click.option("--lift", is_flag=True, help="Lift the hold instead of placing it.")
@_with(_SIGN_IN)
def hold(reference: str, reason: str, lift: bool, token: str | None, url: str | None,
         as_officer: str | None) -> None:
    """Place a legal hold on a case (administrators): it is never purged while the hold
    stands. --lift lifts it."""
    answer = _api(token, url, as_officer).call("POST", f"/{_quoted(reference)}/legal_hold",
                                               body={"held": not lift, "reason": reason})
    click.echo(json.dumps(answer["case"]))


@cases.command()
@click.argument("reference")
@click.option("--reason", required=True, help="Why the case is kept longer (kept in its "
                                              "history until it is purged; name no one).")
@_with(_SIGN_IN)
def extend(reference: str, reason: str, token: str | None, url: str | None,
           as_officer: str | None) -> None:
    """Extend a case's purge date, once (by INTAKE_RETENTION_EXTENSION_DAYS)."""
    answer = _api(token, url, as_officer).call("POST", f"/{_quoted(reference)}/extension",
                                               body={"reason": reason})
    click.echo(json.dumps(answer["case"]))


@cases.command()
@click.argument("form", type=click.Choice(["advice", "misconduct", "retaliation"]))
@click.argument("report", type=click.File("rb"))
@click.option("--channel", required=True,
              type=click.Choice(["telephone", "in_person", "mission", "post", "email"]),
              help="How the report reached the office.")
@click.option("--received-on", required=True, metavar="YYYY-MM-DD",
              help="The day the office received the report (every clock runs from it).")
@click.option("--idempotency-key", metavar="KEY",
              help="Makes a retry record the report once (16 to 128 characters).")
@click.option("--proof-out", type=click.Path(dir_okay=False, writable=True),
              help="Also write the reporter's signed proof of submission to this file.")
@_with(_SIGN_IN)
def record(form: str, report: Any, channel: str, received_on: str,
           idempotency_key: str | None, proof_out: str | None, token: str | None,
           url: str | None, as_officer: str | None) -> None:
    """Record a report taken on the reporter's behalf: REPORT is the form's JSON document
    (as its endpoint takes it; - for standard input). Prints the reference and the receipt
    code to give the reporter: they read and confirm the record on the follow-up page."""
    try:
        submission = json.loads(report.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.BadParameter(f"not a JSON document ({error})", param_hint="REPORT") \
            from None
    body: dict[str, Any] = {"form": form, "channel": channel, "received_on": received_on,
                            "submission": submission}
    if idempotency_key is not None:
        body["idempotency_key"] = idempotency_key
    answer = _api(token, url, as_officer).call("POST", "/records", body=body)
    if proof_out is not None and answer.get("proof"):
        with open(proof_out, "w", encoding="utf-8") as out:
            out.write(answer["proof"])
    click.echo(json.dumps({k: v for k, v in answer.items() if k != "proof"}))


@cases.command("export")
@click.option("--year", required=True, type=click.IntRange(1950, 9999),
              help="The year (UTC) the cases were received in.")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv",
              show_default=True, help="csv: one row per case, a header row first.")
@click.option("--output", "-o", default="-", show_default=True,
              type=click.Path(dir_okay=False, allow_dash=True, writable=True),
              help="Where to write the export (- for standard output).")
@_with(_SIGN_IN)
def export(year: int, fmt: str, output: str, token: str | None, url: str | None,
           as_officer: str | None) -> None:
    """Export the cases received in --year, one row per case: codes, dates, states,
    clocks and the channel; never a name, a contact or anything a person wrote. Cases
    that name you are left out, as from the case list (docs/reporting.md)."""
    api = _api(token, url, as_officer)
    params = {"year": year, "format": fmt}
    if output == "-":
        api.download("/export", params, lambda: nullcontext(sys.stdout.buffer))
        sys.stdout.buffer.flush()
        return
    # Opened (and closed) by download, once the API has answered.
    api.download("/export", params, lambda: open(output, "wb"))  # noqa: SIM115
    click.echo(f"wrote {output}", err=True)
