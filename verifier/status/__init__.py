"""Status checks: revocation and suspension from every status-list method LER issuers use (issue 3).

The public door: :class:`StatusListSource` (the environment's ``status`` source, built by
:func:`verifier.runtime.open_environment`), its :class:`StatusResult`, and :data:`METHODS` (the
supported ``credentialStatus`` types). One module per method -- :mod:`~verifier.status.bitstring`,
:mod:`~verifier.status.statuslist2021`, :mod:`~verifier.status.revocation_list_2020`,
:mod:`~verifier.status.revocation_list_1edtech` -- sharing :mod:`~verifier.status.bitlist`; lists are
read and verified by :mod:`~verifier.status.lists`, decoded by :mod:`~verifier.status.decode` and kept
in :mod:`~verifier.status.cache`.
"""

from verifier.status.cache import ListCache
from verifier.status.methods import METHODS
from verifier.status.model import StatusResult
from verifier.status.source import AuthorisedSigner, StatusListSource

__all__ = ["StatusListSource", "StatusResult", "AuthorisedSigner", "ListCache", "METHODS"]
