"""The only HTTP: the fetcher (redirects, retries, caps, politeness), the address policy, user
cookies, and the webhook.

May import: ``archiver.core``, ``archiver.platforms`` (the request and response types),
``archiver.errors``, ``archiver.config``, and httpx/httpcore. Never the database.
"""
