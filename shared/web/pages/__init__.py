"""The three public forms as pages, by form code, with the schema each one sends to."""

from __future__ import annotations

from collections.abc import Mapping

from schemas.advice import AdviceRequestSchema
from schemas.common import IntakeSchema
from schemas.misconduct import MisconductReportSchema
from schemas.retaliation import RetaliationComplaintSchema
from shared.web.formdefs import FormPage
from shared.web.pages.advice import ADVICE_PAGE
from shared.web.pages.misconduct import MISCONDUCT_PAGE
from shared.web.pages.retaliation import RETALIATION_PAGE

PAGES: Mapping[str, FormPage] = {p.code: p for p in (ADVICE_PAGE, MISCONDUCT_PAGE,
                                                     RETALIATION_PAGE)}
SCHEMAS: Mapping[str, IntakeSchema] = {"advice": AdviceRequestSchema(),
                                 "misconduct": MisconductReportSchema(),
                                 "retaliation": RetaliationComplaintSchema()}
