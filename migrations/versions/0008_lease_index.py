"""an index on the lease owner, for runs shared by processes (issue 18)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from __future__ import annotations

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_post_lease', 'post', ['lease_owner', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_post_lease', table_name='post')
