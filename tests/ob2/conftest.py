import pytest

from tests.ob2.issuer import Ob2Issuer


@pytest.fixture
async def issuer(server):
    """An Open Badges 2.0 issuer served on 127.0.0.1."""
    return Ob2Issuer(server)
