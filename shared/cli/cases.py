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
from typing import Any, TypeVar

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
          assignee: str | None, due_within: int | None, limit: int, as_json: bool) -> None:
    if state == FORWARDING_FAILED:
        state, forwarding = None, forwarding or "failed"
        if forwarding != "failed":
            raise click.UsageError("--state forwarding_failed is --forwarding failed")
    params = {"state": state, "forwarding": forwarding, "form": form, "assignee": assignee,
              "due_within_days": due_within, "limit": limit}
    found = api.call("GET", "/", params={k: v for k, v in params.items() if v is not None})
    for row in found["cases"]:
        if as_json:
            click.echo(json.dumps(row))
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
