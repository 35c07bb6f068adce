"""The analyst workbench: FastAPI service (JSON API under /api, HTML pages) over one operation.

``create_app(op_dir)`` builds the app; ``rescue serve DIR`` runs it. See docs/workbench.md.
"""

from rescue.web.app import create_app

__all__ = ["create_app"]
