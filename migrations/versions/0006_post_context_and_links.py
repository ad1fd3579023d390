"""posts linked to their context, links inside posts, longer ids (issue 16)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('post_context',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('context_post_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=32), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['context_post_id'], ['post.id'], ),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('post_id', 'context_post_id', 'relation')
    )
    op.create_index('ix_post_context_post_id', 'post_context', ['post_id'], unique=False)
    op.create_index(
        'ix_post_context_context_post_id', 'post_context', ['context_post_id'], unique=False
    )
    with op.batch_alter_table('post') as batch:
        batch.add_column(sa.Column('links_json', sa.Text(), nullable=True))
        batch.alter_column('quoted_id', type_=sa.String(length=512),
                           existing_type=sa.String(length=64), existing_nullable=True)
        batch.alter_column('reply_to_id', type_=sa.String(length=512),
                           existing_type=sa.String(length=64), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('post') as batch:
        batch.alter_column('reply_to_id', type_=sa.String(length=64),
                           existing_type=sa.String(length=512), existing_nullable=True)
        batch.alter_column('quoted_id', type_=sa.String(length=64),
                           existing_type=sa.String(length=512), existing_nullable=True)
        batch.drop_column('links_json')
    op.drop_index('ix_post_context_context_post_id', table_name='post_context')
    op.drop_index('ix_post_context_post_id', table_name='post_context')
    op.drop_table('post_context')
