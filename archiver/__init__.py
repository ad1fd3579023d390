"""archiver: preserve social-media posts as evidence and tell when they vanish."""

__version__ = "0.1.0"
