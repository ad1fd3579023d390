"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('post_key', sa.String(length=2048), nullable=False),
    sa.Column('url', sa.String(length=4096), nullable=False),
    sa.Column('source_url', sa.String(length=4096), nullable=False),
    sa.Column('author', sa.String(length=256), nullable=True),
    sa.Column('author_name', sa.String(length=512), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lang', sa.String(length=32), nullable=True),
    sa.Column('media_json', sa.Text(), nullable=False),
    sa.Column('quoted_id', sa.String(length=64), nullable=True),
    sa.Column('reply_to_id', sa.String(length=64), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('first_captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checks_done', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('vanish_reason', sa.String(length=32), nullable=True),
    sa.Column('last_seen_alive_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_seen_gone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('vanished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'post_key', name='uq_post_platform_key')
    )
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index('ix_post_due', ['next_check_at'], unique=False)
        batch_op.create_index('ix_post_status', ['status'], unique=False)

    op.create_table('run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked', sa.Integer(), nullable=False),
    sa.Column('summary_json', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('warc_file',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('observation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('evidence_json', sa.Text(), nullable=False),
    sa.Column('statuses_json', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('main_record_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['run.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.create_index('ix_observation_post_time', ['post_id', 'observed_at'], unique=False)

    op.create_table('warc_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('observation_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('warc_type', sa.String(length=16), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('target_uri', sa.String(length=4096), nullable=False),
    sa.Column('warc_file', sa.String(length=255), nullable=False),
    sa.Column('offset', sa.Integer(), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('payload_digest', sa.String(length=64), nullable=True),
    sa.Column('block_digest', sa.String(length=64), nullable=True),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['observation_id'], ['observation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('warc_record', schema=None) as batch_op:
        batch_op.create_index('ix_warc_record_observation', ['observation_id'], unique=False)
        batch_op.create_index('ix_warc_record_uri', ['target_uri', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('warc_record', schema=None) as batch_op:
        batch_op.drop_index('ix_warc_record_uri')
        batch_op.drop_index('ix_warc_record_observation')

    op.drop_table('warc_record')
    with op.batch_alter_table('observation', schema=None) as batch_op:
        batch_op.drop_index('ix_observation_post_time')

    op.drop_table('observation')
    op.drop_table('warc_file')
    op.drop_table('run')
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_status')
        batch_op.drop_index('ix_post_due')

    op.drop_table('post')
