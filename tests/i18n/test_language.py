"""Choosing the language: Accept-Language with q-values (RFC 9110 §12.5.4), --lang / LC_ALL / LANG."""

from __future__ import annotations

import pytest

from verifier.i18n import format_day, from_accept_language, from_environment, plural_text
from verifier.i18n.headline import headline


@pytest.mark.parametrize("header, lang", [
    (None, "en"), ("", "en"), ("es", "es"), ("es-MX", "es"), ("ES_es", "es"), ("fr, de", "en"),
    ("fr;q=1, es;q=0.5", "es"), ("en;q=0.4, es;q=0.5", "es"), ("es;q=0, en", "en"), ("es;q=0", "en"),
    ("*", "en"), ("de;q=0.9, *;q=0.8, es;q=0.1", "en"), ("es;q=abc, en;q=0.2", "en"), (" , ;q=1, es", "es"),
    ("es;q=1.5", "en"),  # out of range: ignored
])
def test_accept_language(header, lang):
    assert from_accept_language(header) == lang


def test_cli_language_order():
    assert from_environment("es", {"LANG": "en_US.UTF-8"}) == "es"
    assert from_environment(None, {"LC_ALL": "es_ES.UTF-8", "LANG": "en_US"}) == "es"
    assert from_environment(None, {"LC_ALL": "", "LC_MESSAGES": "es_AR", "LANG": "en_US"}) == "es"
    assert from_environment(None, {"LANG": "C.UTF-8"}) == "en"
    assert from_environment(None, {}) == "en"


def test_dates_and_plurals_come_from_babel():
    from datetime import date

    assert format_day(date(2026, 12, 5), "en") == "5 Dec 2026" and format_day(date(2026, 12, 5), "es") == "5 dic 2026"
    body = {"verified": True, "checkedAt": "2026-12-05T10:00:00Z", "credential": {"kind": "presentation"},
            "results": [], "summary": {"credentials": [{"credential": "/verifiableCredential/0"}]}}
    assert headline(body, "en") == "Valid: 1 credential presented, checked 5 Dec 2026"
    body["summary"]["credentials"].append({"credential": "/verifiableCredential/1"})
    assert headline(body, "es") == "Válida: 2 credenciales presentadas, todas comprobadas el 5 dic 2026"
    assert plural_text("cli.presentation", 0, "en") == "presentation of 0 credentials"
