"""The console's recusal form on a case: an administrator recuses an officer with a
reason, and from then on the case is in none of that officer's lists and its page answers
as an unknown reference; a missing reason is shown beside the field."""

from __future__ import annotations

from tests.functions.test_console import (  # noqa: F401
    browser,
    keys,
    office,
)
from tests.support.casework import COLLEAGUE, OFFICER, Office
from tests.support.console import text
from tests.support.iap import IapKey
from tests.support.tokens import CertServer


def test_an_administrator_recuses_an_officer_from_the_console(
        office: Office, keys: tuple[CertServer, IapKey]) -> None:  # noqa: F811
    reference = office.submit("misconduct")["reference"]
    olga, omar = browser(office, keys, OFFICER), browser(office, keys, COLLEAGUE)
    assert olga.post(f"/cases/{reference}/assignment",
                     {"assignee": OFFICER}).status_code == 303
    page = text(omar.get(f"/cases/{reference}"))
    assert 'id="recusal"' in page and "Officer to recuse" in page
    assert 'id="recusal"' not in text(olga.get(f"/cases/{reference}"))  # not an admin
    missing = omar.post(f"/cases/{reference}/recusals", {"officer": OFFICER, "reason": ""})
    assert missing.status_code == 422
    assert "Write the reason for the recusal" in text(missing)
    done = omar.post(f"/cases/{reference}/recusals",
                     {"officer": OFFICER, "reason": "Her cousin is the subject."})
    assert done.status_code == 303
    shown = text(omar.get(f"/cases/{reference}?done=recusal"))
    assert "The officer was recused" in shown and "Her cousin is the subject." in shown
    unknown = "ETH-MIS-00000-00000"
    refused, absent = olga.get(f"/cases/{reference}"), olga.get(f"/cases/{unknown}")
    assert refused.status_code == absent.status_code == 404
    assert text(refused).replace(reference, unknown) == text(absent)
    assert reference not in text(olga.get("/cases"))
    assert reference in text(omar.get("/cases"))
    assert office.case(reference).assignee is None
