"""The web app, `archiver serve` (issue 17): Starlette, Jinja2 templates, served by uvicorn.

May import: ``archiver.api`` and what it returns. `app` makes the pages; `security` keeps
them safe (a token beyond loopback, a strict Content Security Policy, CSRF on writes).
"""
