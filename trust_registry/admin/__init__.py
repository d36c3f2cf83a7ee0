"""HTTP faces of the trust registry (aiohttp sub-applications).

* :func:`create_admin_app` - the admin API; mount at ``/admin``.
* :func:`create_trqp_app` - the Trust Registry Query Protocol v2 read endpoint; mount at ``/trqp``
  (it serves ``POST /authorization``, so ``POST /trqp/authorization``).
"""

from trust_registry.admin.app import create_admin_app
from trust_registry.admin.trqp import create_trqp_app

__all__ = ["create_admin_app", "create_trqp_app"]
