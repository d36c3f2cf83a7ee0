"""Proof suites: how each proof type turns a document into signed bytes and checks the signature.

The registry maps a (proof ``type``, ``cryptosuite``) pair to its :class:`Suite`; a pair not listed
is ``UnsupportedCryptosuite`` (indeterminate), never a pass.
"""

from verifier.suites.registry import SUITES, Suite, suite_for

__all__ = ["SUITES", "Suite", "suite_for"]
