"""The report's skills summary and whether each entry shows what its issuer signed (issue 12).

An entry is ``signed`` only when its proof verified, was made by its issuer's key, and what the summary
reads is what the proof covers (:func:`plain_reading`); otherwise it is ``unverified`` with a
``basisReason``.
"""

from __future__ import annotations

from typing import Any, Iterable

from verifier.skills_summary import skills, summarize_credential

_VALUE_KEYS = frozenset({"@value", "@language", "@direction"})


def plain_reading(document: Any) -> bool:
    """True when ``document`` is written so that its plain JSON reading is its JSON-LD meaning.

    An RDF-canonicalised proof signs meaning, not key names (Data Integrity §4.4). The signed-meaning gate
    (:mod:`verifier.signed_meaning`) compares the properties the checks read; the summary's descriptive
    properties (name, description, criteria, alignment...) it does not. They read as signed when the
    document uses only the published (pinned, ``@protected``) contexts by URL, no inline context (which
    can alias a property, so the plain reading misses or misplaces it), no keyword other than ``@context``
    (nested ones only restating top-level context URLs) and value-object keys, and no compact or absolute
    IRI as a key.
    """
    return _plain(document, None)


def _plain(document: Any, top_contexts: frozenset[str] | None) -> bool:
    """:param top_contexts: the top-level context URLs (None at the top): a nested ``@context`` (an
        embedded credential's, e.g. an OB 3.0 endorsement) may only restate some of them.

    One walk with an explicit stack (no recursion, no generator per node); the order nodes are visited
    in does not change the answer."""
    if isinstance(document, list):
        return all(_plain(v, top_contexts) for v in document)
    if not isinstance(document, dict):
        return True
    if top_contexts is None:
        contexts = document.get("@context", [])
        contexts = contexts if isinstance(contexts, list) else [contexts]
        if not all(isinstance(c, str) for c in contexts):
            return False
        top_contexts = frozenset(contexts)
    stack: list[Any] = [document]
    push, pop = stack.append, stack.pop
    top = document
    while stack:
        node = pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        keys = "\n".join(node)  # JSON keys are strings; one scan finds whether any key needs a closer look
        if "@" not in keys and ":" not in keys and "/" not in keys and "#" not in keys:
            for value in node.values():
                if isinstance(value, (dict, list)):
                    push(value)
            continue
        if node is not top and "@context" in node:
            nested = node["@context"]
            for c in nested if isinstance(nested, list) else [nested]:
                if not isinstance(c, str) or c not in top_contexts:
                    return False
        for key, value in node.items():
            if key[0:1] == "@":
                if key == "@context":
                    continue
                if key not in _VALUE_KEYS or not node.keys() <= _VALUE_KEYS:
                    return False
                continue
            if ":" in key or "/" in key or "#" in key:
                return False
            if isinstance(value, (dict, list)):
                push(value)
    return True


def _bytes_signed(item: Any, proof_result: Any) -> bool:
    """A JWT or JSON-canonicalised proofs (``*-jcs-*``) sign the JSON bytes themselves: any reading is signed."""
    if getattr(item, "jwt", None) is not None:
        return True
    proofs = (proof_result.evidence.get("proofs") if proof_result is not None else None) or []
    return bool(proofs) and all("-jcs-" in str(p.get("suite", "")) for p in proofs if isinstance(p, dict))


def report_summary(items: Iterable[Any], results: Iterable[Any], trust: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The report's ``summary``: one entry per credential (a presentation's and a CLR's nested ones included;
    endorsements are reported among the results, not here).

    :param items: the :class:`~verifier.parse.CredentialItem` s, in plan order.
    :param results: every :class:`~verifier.report.CheckResult`.
    :param trust: ``issuer_trust`` evidence by credential pointer.
    :returns: ``{"basis": "signed" | "partly_signed" | "unverified", "credentials": [...], "skills": [...]}``;
        an entry is ``signed`` only when its ``proof`` and ``issuer_key`` checks passed and what the summary
        reads is what was signed (bytes-signed, or :func:`plain_reading`); otherwise ``basisReason`` says
        why not: ``proof_not_verified``, ``not_signed_by_issuer`` or ``reading_not_confirmed``.
    """
    by_target: dict[tuple[str, str], Any] = {}
    for r in results:
        by_target[(r.target, r.check)] = r
    entries = []
    for item in items:
        if item.kind != "credential" or not isinstance(item.document, dict) or getattr(item, "endorsement", False):
            continue  # an endorsement (issue 11) is a third party's statement, not one of the learner's records
        proof, issuer_key = by_target.get((item.pointer, "proof")), by_target.get((item.pointer, "issuer_key"))
        if proof is None or proof.outcome.value != "passed":
            reason = "proof_not_verified"
        elif issuer_key is None or issuer_key.outcome.value != "passed":
            reason = "not_signed_by_issuer"
        elif not _bytes_signed(item, proof) and not plain_reading(item.document):
            reason = "reading_not_confirmed"
        else:
            reason = None
        registry_issuer = (trust.get(item.pointer) or {}).get("issuer")
        entry = summarize_credential(item.document, pointer=item.pointer, basis="unverified" if reason else "signed",
                                     registry_issuer=registry_issuer)
        if reason:
            entry["basisReason"] = reason
        entries.append(entry)
    bases = {e["basis"] for e in entries}
    basis = "signed" if bases == {"signed"} else "unverified" if bases <= {"unverified"} else "partly_signed"
    return {"basis": basis, "credentials": entries, "skills": skills(entries)}
