"""Opening the archive's database: engine, SQLite pragmas, migrations.

SQLite runs in WAL mode with a busy timeout so that a report can read while a
run writes, and concurrent writers wait instead of failing with "database is
locked". Migrations (Alembic, in ``migrations/``) are applied on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

from archiver.config import Settings
from archiver.errors import StoreError

BUSY_TIMEOUT_MS = 30_000


@contextmanager
def store_errors() -> Iterator[None]:
    """Database failures (disk full, a lock held too long, a broken file) as one StoreError."""
    try:
        yield
    except OperationalError as exc:
        raise StoreError(f"the database could not be written: {exc.orig or exc}") from exc


def database_failure(exc: BaseException) -> str | None:
    """What went wrong, if ``exc`` is a database failure no `store_errors` block caught
    (for the command line's last-resort message); None for any other exception."""
    if isinstance(exc, SQLAlchemyError):
        return f"the database failed: {getattr(exc, 'orig', None) or exc}"
    return None


def _safe(url: str) -> str:
    """A database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split(":", 1)[0] + ":…"


def migrations_dir() -> Path:
    """``migrations/`` in a checkout, or the copy a built wheel carries."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_migrations", here.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise StoreError("the Alembic migrations are missing from this installation")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def make_engine(url: str, readonly: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            # Let SQLAlchemy's "begin" event issue BEGIN itself (below), as the SQLAlchemy
            # docs recommend for pysqlite, so that writers can take the lock up front.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            if not readonly:  # a read-only database keeps the journal mode it has
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:  # pragma: no cover - trivial
            # A write transaction starts IMMEDIATE: it waits (busy_timeout) for the write lock
            # at BEGIN. A deferred one that reads and then writes can fail at once with
            # "database is locked" when another process wrote in between (SQLITE_BUSY_SNAPSHOT).
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade(url: str, engine: Engine | None = None) -> None:
    """Apply every migration not yet applied."""
    config = alembic_config(url)
    try:
        if engine is not None:
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        else:
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot migrate the database: {exc}") from exc


def prepare_home(home: Path) -> None:
    """Create the archive home with owner-only permissions."""
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        (home / "warcs").mkdir(exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(f"cannot create the archive home {home}: {exc.strerror or exc}") from exc


class Store:
    """The archive's database, opened and migrated.

    ``readonly``: for the commands that only read (list, show, report, verify, export).
    They create nothing — not the home, not the database — and work on an archive that
    cannot be written, such as a copy on a DVD or an exhibit handed to a court (issue 12).
    """

    def __init__(self, settings: Settings, readonly: bool = False):
        self.settings = settings
        self.readonly = readonly
        self.url = settings.resolved_database_url()
        if readonly:
            self._open_readonly()
            return
        prepare_home(settings.home)  # the WARC files live there whatever the database
        if self.is_sqlite:
            db_path = Path(self.url.split("sqlite:///", 1)[1])
            if not db_path.exists():
                fd = os.open(db_path, os.O_CREAT | os.O_WRONLY, 0o600)
                os.close(fd)
        self.engine = make_engine(self.url)
        try:
            if not inspect(self.engine).has_table("alembic_version") or self._behind():
                upgrade(self.url, self.engine)
        except StoreError:
            self.engine.dispose()
            raise
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the database {_safe(self.url)}: {exc}") from exc

    def _open_readonly(self) -> None:
        home = self.settings.home
        if self.is_sqlite:
            db_path = Path(self.url.split("sqlite:///", 1)[1])
            if not db_path.exists():
                raise StoreError(
                    f"no archive at {home}: {db_path.name} is not there "
                    "(give the archive with --home or ARCHIVER_HOME)"
                )
            # mode=ro opens without writing; immutable=1 also when the directory is read-only and
            # SQLite cannot make the -shm file a WAL database wants (read-only media).
            candidates = [
                f"sqlite:///file:{db_path}?mode=ro&uri=true",
                f"sqlite:///file:{db_path}?mode=ro&immutable=1&uri=true",
            ]
        else:
            candidates = [self.url]
        last: Exception | None = None
        for url in candidates:
            self.engine = make_engine(url, readonly=True)
            try:
                if not inspect(self.engine).has_table("alembic_version"):
                    raise StoreError(f"no archive at {home}: the database holds no archive")
                if self._behind():
                    raise StoreError(
                        f"the archive at {home} was written by an older archiver; open it once "
                        "with a writing command (or archiver db upgrade) on a writable copy"
                    )
                return
            except SQLAlchemyError as exc:
                last = exc
                self.engine.dispose()
            except StoreError:
                self.engine.dispose()
                raise
        raise StoreError(f"cannot open the database {_safe(self.url)} to read: {last}")

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def _behind(self) -> bool:
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        scripts = ScriptDirectory.from_config(alembic_config(self.url))
        head = scripts.get_current_head()
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        known = {script.revision for script in scripts.walk_revisions()}
        if current is not None and current not in known:
            # Issue 12: a newer archiver wrote this archive; its schema is not one we know.
            raise StoreError(
                f"this archive was written by a newer archiver (database revision {current}); "
                f"upgrade archiver to read it"
            )
        return current != head

    def session(self, write: bool = False) -> Session:
        """A session; ``write=True`` for one that will write (it takes the write lock first)."""
        if write and self.readonly:
            raise StoreError("this archive was opened read-only")
        session = Session(self.engine, expire_on_commit=False)
        if write and self.is_sqlite:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        return session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A plain connection for reads, of its own (connections are not shared between
        threads)."""
        with self.engine.connect() as connection:
            yield connection

    def upgrade(self) -> None:
        """Apply any pending database migrations."""
        upgrade(self.url, self.engine)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A plain connection in a write transaction (IMMEDIATE on SQLite), committed on
        a normal exit and rolled back on an exception. For the per-post writes of a run,
        which need no ORM session."""
        options = {"sqlite_begin": "IMMEDIATE"} if self.is_sqlite else {}
        with (
            self.engine.connect().execution_options(**options) as connection,
            connection.begin(),
        ):
            yield connection

    def close(self) -> None:
        self.engine.dispose()

    @property
    def warc_dir(self) -> Path:
        return self.settings.home / "warcs"
