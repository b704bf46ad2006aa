"""What the browser tests type into each form, in each language, and how they check a page."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import TYPED
from tests.support.browser import axe_violations

LANGUAGE_CODES = ["en", "fr", "es", "pt", "ar", "zh"]
FORMS = ["advice", "misconduct", "retaliation"]

# Text a person would type, in each language (registered: none may reach a log).
WORDS: dict[str, dict[str, str]] = {
    "en": {"question": "May I accept a gift from a supplier?",
           "place": "Nairobi field office", "name": "Amara Keller-Oduya",
           "story": "My contract ended after I spoke to the auditors."},
    "fr": {"question": "Puis-je accepter un cadeau d’un fournisseur ?",
           "place": "Bureau de terrain de Thiès", "name": "Amélie Ndiaye-Lefort",
           "story": "Mon contrat a pris fin après mon entretien avec les auditeurs."},
    "es": {"question": "¿Puedo aceptar un regalo de un proveedor?",
           "place": "Oficina de Cusco", "name": "Lucía Ortega Villanueva",
           "story": "Mi contrato terminó después de hablar con los auditores."},
    "pt": {"question": "Posso aceitar um presente de um fornecedor?",
           "place": "Escritório de Nampula", "name": "João Tembe Machava",
           "story": "O meu contrato terminou depois de falar com os auditores."},
    "ar": {"question": "هل يمكنني قبول هدية من أحد الموردين؟",
           "place": "المكتب الميداني في إربد", "name": "ليلى حداد السالم",
           "story": "انتهى عقدي بعد أن تحدثت إلى مراجعي الحسابات."},
    "zh": {"question": "我可以接受供应商赠送的礼物吗？", "place": "昆明项目办公室",
           "name": "王丽华", "story": "我与审计人员谈话后，合同就被终止了。"},
}
for _words in WORDS.values():
    TYPED.update(value for value in _words.values())

ERROR_PREFIX = {"en": "Error:", "fr": "Erreur :", "es": "Error:", "pt": "Erro:",
                "ar": "خطأ:", "zh": "错误："}
REFERENCE = re.compile(r"ETH-[A-Z]{3}-[0-9A-Z]{5}-[0-9A-Z]{5}")
RECEIPT = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def first_attempt(form: str, lang: str) -> tuple[dict[str, str | bool], set[str]]:
    """Answers with mistakes, and the names the error summary must point at."""
    w = WORDS[lang]
    if form == "advice":
        return {"category": "conflict_of_interest", "subcategory": "coi_gifts_hospitality",
                "requester_type": "individual", "anonymous": "no", "name": w["name"],
                "email": "not-an-address", "contact_method": "email",
                "preferred_language": lang, "consent_privacy_notice": True}, {
            "question", "email"}
    if form == "misconduct":
        return {"allegation_type": "sexual_harassment", "when_description": w["story"],
                "location": w["place"], "anonymous": "yes", "preferred_language": lang,
                "consent_forwarding": True}, {"what"}
    return {"complainant.name": w["name"], "complainant.email": "person@example.org",
            "employment.staff_category": "national_officer",
            "employment.duty_station": "country_office",
            "protected_activity.type": "cooperated_audit",
            "protected_activity.date": "2025-09-01",
            "protected_activity.reported_to": w["place"],
            "protected_activity.description": w["story"],
            "retaliatory_acts.0.date": "01/10/2025", "retaliatory_acts.0.kind": "action",
            "retaliatory_acts.0.description": w["story"],
            "retaliatory_acts.0.by_whom": w["name"], "preferred_language": lang,
            "consent_privacy_notice": True}, {"link_explanation", "retaliatory_acts.0.date"}


def corrections(form: str, lang: str) -> dict[str, str | bool]:
    w = WORDS[lang]
    if form == "advice":
        return {"question": w["question"], "email": "person@example.org"}
    if form == "misconduct":
        return {"what": w["story"]}
    return {"retaliatory_acts.0.date": "2025-10-01", "link_explanation": w["story"]}


def no_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"
    assert page.evaluate("() => document.styleSheets.length === 1 && "
                         "document.styleSheets[0].cssRules.length > 20"), "stylesheet"
