"""The bundled local simulator of Twitter's and Facebook's logged-out endpoints."""

from archiver.testing.simulator.content import SimPost, tweet_id_at
from archiver.testing.simulator.server import ROUTES, STATES, SWITCHES, Simulator

__all__ = ["Simulator", "SimPost", "tweet_id_at", "ROUTES", "STATES", "SWITCHES"]
