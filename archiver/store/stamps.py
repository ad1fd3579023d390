"""RFC 3161 stamps on record (issue 15): which sealed files each authority has stamped, and
which are still pending."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import col, select

from archiver.store.db import Store
from archiver.store.models import Stamp, WarcFile


def due_stamps(store: Store, authorities: Iterable[str], now: datetime) -> list[Stamp]:
    """Every stamp still to get: sealed files an authority has not stamped (rows are made
    pending for files sealed since, or authorities added since), oldest file first."""
    authorities = list(authorities)
    if not authorities:
        return []
    with store.session(write=True) as session:
        sealed = session.exec(
            select(WarcFile).where(col(WarcFile.sha256).is_not(None)).order_by(col(WarcFile.name))
        ).all()
        known = {(s.warc_file, s.authority) for s in session.exec(select(Stamp))}
        for row in sealed:
            for authority in authorities:
                if (row.name, authority) not in known:
                    session.add(
                        Stamp(
                            warc_file=row.name,
                            authority=authority,
                            sha256=row.sha256 or "",
                            status="pending",
                            requested_at=now,
                        )
                    )
        session.commit()
        return list(
            session.exec(
                select(Stamp)
                .where(Stamp.status == "pending", col(Stamp.authority).in_(authorities))
                .order_by(col(Stamp.warc_file), col(Stamp.id))
            )
        )


def record_stamp(
    store: Store, stamp_id: int, token: bytes, gen_time: datetime, serial: str, now: datetime
) -> None:
    with store.session(write=True) as session:
        row = session.get(Stamp, stamp_id)
        if row is None:
            return
        row.status, row.token, row.gen_time, row.serial = "stamped", token, gen_time, serial
        row.stamped_at, row.attempts, row.last_error = now, row.attempts + 1, ""
        session.add(row)
        session.commit()


def record_failure(store: Store, stamp_id: int, error: str) -> None:
    with store.session(write=True) as session:
        row = session.get(Stamp, stamp_id)
        if row is None:
            return
        row.attempts += 1
        row.last_error = error[:1000]
        session.add(row)
        session.commit()


def stamps_of(store: Store, files: Iterable[str] | None = None) -> list[Stamp]:
    """Stamps on record (of some files, or all), in file order."""
    with store.session() as session:
        query = select(Stamp).order_by(col(Stamp.warc_file), col(Stamp.authority))
        if files is not None:
            query = query.where(col(Stamp.warc_file).in_(list(files)))
        return list(session.exec(query))
