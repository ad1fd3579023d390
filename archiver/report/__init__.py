"""What the archive shows people: the deletion report and its renderers, and the JSON shape
of a post (`archiver list --json`, `archiver show --json`).

May import: ``archiver.warc`` (to read records back), ``archiver.store``,
``archiver.platforms``, ``archiver.core``. Never ``archiver.runs``, ``archiver.net``,
``archiver.api`` or ``archiver.cli``.
"""
