"""Serve the demo's simulated platforms: ``python -m archiver.testing.simulator [--port N]``.

(``python -m archiver.simulator`` works too.)

Prints the ``ARCHIVER_URL_REWRITE`` value that points archiver at it; with ``--tls``, it
serves HTTPS under the real host names and prints the ``ARCHIVER_RESOLVE`` and
``ARCHIVER_CA_BUNDLE`` values instead, so that the archive holds the real URLs.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from archiver.testing.simulator.catalog import BLOG_URL, demo_simulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every response"
    )
    parser.add_argument(
        "--tls", action="store_true", help="HTTPS under the real host names (real-URL mode)"
    )
    args = parser.parse_args()
    sim = demo_simulator(port=args.port, latency=args.latency, tls=args.tls).start()
    print(f"simulator on {sim.base_url}")
    with tempfile.TemporaryDirectory(prefix="archiver-simulator-") as tmp:
        if sim.ca is not None:
            ca = sim.ca.write_pem(Path(tmp) / "simulator-ca.pem")
            print(f"export ARCHIVER_RESOLVE='{sim.resolve_spec()}'")
            print(f"export ARCHIVER_CA_BUNDLE='{ca}'   # deleted when the simulator stops")
        else:
            print(f"export ARCHIVER_URL_REWRITE='{sim.rewrite_spec()}'")
        print(f"then: archiver capture --from-page {BLOG_URL}")
        state_url = f"{sim.base_url}/_sim/state"
        print(
            "change a post's state: curl -X POST "
            f"""-d '{{"ref": "twitter:ID", "state": "deleted"}}' {state_url}"""
            + (f" --cacert {ca}" if sim.ca is not None else "")
        )
        sim.run_until_interrupted()


if __name__ == "__main__":
    main()
