"""Fault tests share the service fixtures (a signed credential and its issuer key)."""

from tests.service.conftest import issuer_key, signed_credential  # noqa: F401 - shared fixtures
