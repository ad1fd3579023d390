"""Serve the demo's simulated platforms: ``python -m archiver.testing.simulator [--port N]``.

(``python -m archiver.simulator`` works too.)

Prints the ``ARCHIVER_URL_REWRITE`` value that points archiver at it.
"""

from __future__ import annotations

import argparse

from archiver.testing.simulator.catalog import BLOG_URL, demo_simulator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every response"
    )
    args = parser.parse_args()
    sim = demo_simulator(port=args.port, latency=args.latency).start()
    print(f"simulator on {sim.base_url}")
    print(f"export ARCHIVER_URL_REWRITE='{sim.rewrite_spec()}'")
    print(f"then: archiver capture --from-page {BLOG_URL}")
    print(
        'change a post\'s state: curl -X POST -d \'{"ref": "twitter:ID", "state": "deleted"}\' '
        f"{sim.base_url}/_sim/state"
    )
    sim.run_until_interrupted()


if __name__ == "__main__":
    main()
