"""The message catalogue is complete in every language: every problem code and check id has its words.

Codes come from :mod:`verifier.constants` as they are at test time, so a code another change adds
without English and Spanish entries fails here.
"""

from __future__ import annotations

import re
import string

import pytest

from verifier import constants as C
from verifier.i18n import catalogue, check_title, problem_message
from verifier.i18n.catalogue import LANGUAGES, catalog, has
from verifier.report import Outcome

PROBLEM_CODES = sorted(v for k, v in vars(C).items() if k.startswith("PROBLEM_") and k != "PROBLEM_TYPE_BASE")
CHECK_IDS = sorted(v for k, v in vars(C).items() if k.startswith("CHECK_") and isinstance(v, str))
OUTCOMES = [o.value for o in Outcome]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_constants_are_found():
    assert "REVOKED" in PROBLEM_CODES and "proof" in CHECK_IDS and set(C.CHECK_IDS) <= set(CHECK_IDS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_problem_code_has_a_message(lang):
    missing = [code for code in PROBLEM_CODES if not has(lang, "problem", code)]
    assert not missing, f"{lang}: no message for problem codes {missing} (add them to verifier/i18n/locales/{lang}/LC_MESSAGES/ler.po)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_check_has_a_title_per_outcome(lang):
    missing = [f"check.{o} {cid}" for cid in CHECK_IDS for o in OUTCOMES if not has(lang, "check." + o, cid)]
    assert not missing, f"{lang}: no title for {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_outcome_has_a_mark(lang):
    assert all(has(lang, "outcome", o) for o in OUTCOMES)


def test_languages_have_the_same_keys_and_fields():
    """Spanish has every entry English has and the reverse, with the same {named} fields (codes never change)."""
    keys = {lang: {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog(lang) if m.id}
            for lang in LANGUAGES}
    assert keys["en"] == keys["es"]
    en, es = catalog("en"), catalog("es")
    for message in en:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        other = es.get(key, context=message.context)
        en_strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        es_strings = other.string if isinstance(other.string, (tuple, list)) else (other.string,)
        assert all(en_strings) and all(es_strings), (message.context, key)
        assert {f for s in en_strings for f in _fields(s)} == {f for s in es_strings for f in _fields(s)}, key


def test_outcome_specific_titles_never_pair_failure_with_success():
    for lang in LANGUAGES:
        for cid in CHECK_IDS:
            titles = {o: check_title(cid, o, lang) for o in OUTCOMES}
            assert len(set(titles.values())) == len(OUTCOMES), (lang, cid, titles)


def test_problem_messages_differ_by_language_and_keep_codes():
    changed = [c for c in PROBLEM_CODES if problem_message(c, "en") != problem_message(c, "es")]
    assert len(changed) == len(PROBLEM_CODES)
    assert problem_message("REVOKED", "en") == "The issuer revoked this credential"
    assert problem_message("REVOKED", "es") == "El emisor revocó esta credencial"


def test_po_files_compile_with_plural_forms():
    es = catalogue.translations("es")
    forms = {n: es.npgettext("ui", "headline.more", "headline.more.plural", n) for n in (1, 2, 5)}
    assert "1 problema más" in forms[1].format(reason="x", n=1)
    assert "2 problemas más" in forms[2].format(reason="x", n=2) and "problemas más" in forms[5]
    assert re.search(r"nplurals=\d", catalog("es").plural_forms)
