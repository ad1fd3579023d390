"""``python -m archiver.simulator``: the same as ``python -m archiver.testing.simulator``."""

from archiver.testing.simulator.__main__ import main

if __name__ == "__main__":
    main()
