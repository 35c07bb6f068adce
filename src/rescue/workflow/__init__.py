"""Workflow state: users, approvals, dissemination register, outcomes and the processing log.

Kept in a relational store through SQLAlchemy (DESIGN.md, Engines): a SQLite file in the operation
folder by default (``workflow.sqlite``), PostgreSQL for a multi-user deployment (``[workflow] url``
in ``operation.toml`` or the ``RESCUE_WORKFLOW_URL`` environment variable).
"""

from rescue.workflow.db import Base, Workflow, open_workflow, workflow_url

__all__ = ["Base", "Workflow", "open_workflow", "workflow_url"]
