"""The pure core: what a post is and says, what a look at it found, what state that leaves it in.

May import: the standard library, ``archiver.errors`` and ``archiver.config``. No I/O —
no HTTP client, no SQL, no files — so every rule here can be read and tested alone.
"""
