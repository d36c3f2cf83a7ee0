"""The HTTP service (issue 5): an aiohttp application built by :func:`create_app`.

    from verifier.service import create_app
    web.run_app(create_app(load_settings()), host=..., port=...)
"""

from verifier.service.app import create_app

__all__ = ["create_app"]
