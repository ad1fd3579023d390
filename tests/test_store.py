"""The store: migrations match the models; the archive home is private (issue 2)."""

from __future__ import annotations

import stat

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from archiver.config import Settings
from archiver.store import Store


def test_migrations_produce_exactly_the_models_schema(tmp_path):
    store = Store(Settings(home=tmp_path / "a"))
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_home_and_database_are_owner_only(tmp_path):
    store = Store(Settings(home=tmp_path / "a"))
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "archiver.db").stat().st_mode) == 0o600
    store.close()


def test_reopening_does_not_migrate_again(tmp_path):
    Store(Settings(home=tmp_path / "a")).close()
    store = Store(Settings(home=tmp_path / "a"))
    assert not store._behind()


def test_db_upgrade_command(tmp_path, monkeypatch, run_cli):
    monkeypatch.setenv("ARCHIVER_HOME", str(tmp_path / "h"))
    code, out, _ = run_cli("db", "upgrade")
    assert code == 0
    assert "database is up to date" in out
    assert (tmp_path / "h" / "archiver.db").exists()
