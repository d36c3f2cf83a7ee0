"""The command line in plain words: ``--lang``, ``LANG``, JSON with ``headline``/``summary``."""

from __future__ import annotations

import json
import re

from tests.core.test_cli import EXAMPLE, cli


def test_text_report_in_spanish_from_lang_env(tmp_path):
    proc = cli("verify", str(EXAMPLE), env={"LER_DATA_DIR": str(tmp_path), "LANG": "es_ES.UTF-8", "LC_ALL": "",
                                            "LC_MESSAGES": ""})
    out = proc.stdout.decode()
    assert proc.returncode == 0, out + proc.stderr.decode()
    assert out.splitlines()[0].endswith(": VERIFICADA")
    assert "Válida: emitida por Example Community College" in out and "La firma es válida" in out
    assert "Welding Fundamentals" in out


def test_lang_option_wins_and_json_has_headline_and_summary(tmp_path):
    proc = cli("verify", "--json", "--lang", "en", str(EXAMPLE),
               env={"LER_DATA_DIR": str(tmp_path), "LANG": "es_ES.UTF-8", "LC_ALL": ""})
    report = json.loads(proc.stdout)
    assert report["lang"] == "en" and report["headline"].startswith("Valid: issued by")
    assert report["summary"]["credentials"][0]["achievements"][0]["name"] == "Welding Fundamentals"
    assert report["summary"]["basis"] == "signed"


def test_failed_rows_show_plain_words_then_detail(tmp_path):
    data = json.loads(EXAMPLE.read_text())
    data["name"] = "Forged"
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(data))
    proc = cli("verify", "--lang", "en", str(path), env={"LER_DATA_DIR": str(tmp_path)})
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert "Not valid: the signature does not match" in out
    assert re.search(r"\n  FAIL +proof +The signature does not match: the credential was changed after it was signed\n", out)
    assert "detail: " in out and "Unverified claims" in out


def test_unknown_lang_is_a_usage_error(tmp_path):
    proc = cli("verify", "--lang", "fr", str(EXAMPLE), env={"LER_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 2 and b"--lang 'fr' is not a supported language" in proc.stderr
