"""Kept so that ``python -m archiver.simulator`` and ``from archiver.simulator import …`` still
work: the simulator lives in `archiver.testing.simulator`."""

from archiver.testing.simulator import ROUTES, STATES, SWITCHES, SimPost, Simulator, tweet_id_at

__all__ = ["ROUTES", "STATES", "SWITCHES", "SimPost", "Simulator", "tweet_id_at"]
