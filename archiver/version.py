"""archiver's version, as the WARC ``warcinfo`` record, the reports and ``--version`` name it.

Kept in step with ``version`` in pyproject.toml (tests/test_layers.py checks it).
"""

__version__ = "0.1.0"
