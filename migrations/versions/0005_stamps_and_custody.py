"""timestamps and the custody log (issue 15)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('custody',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=255), nullable=False),
    sa.Column('subject_json', sa.Text(), nullable=False),
    sa.Column('detail_json', sa.Text(), nullable=False),
    sa.Column('prev_sha256', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('stamp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('warc_file', sa.String(length=255), nullable=False),
    sa.Column('authority', sa.String(length=1024), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('token', sa.LargeBinary(), nullable=True),
    sa.Column('gen_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('serial', sa.String(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stamped_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['warc_file'], ['warc_file.name'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('warc_file', 'authority')
    )


def downgrade() -> None:
    op.drop_table('stamp')
    op.drop_table('custody')
