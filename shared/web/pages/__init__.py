"""The three public forms as pages, by form code."""

from __future__ import annotations

from collections.abc import Mapping

from shared.web.formdefs import FormPage
from shared.web.pages.advice import ADVICE_PAGE
from shared.web.pages.misconduct import MISCONDUCT_PAGE
from shared.web.pages.retaliation import RETALIATION_PAGE

PAGES: Mapping[str, FormPage] = {p.code: p for p in (ADVICE_PAGE, MISCONDUCT_PAGE,
                                                     RETALIATION_PAGE)}
