"""`archiver serve`: the web app (`archiver.web`) on this machine."""

from __future__ import annotations

import typer

from archiver.cli.app import app, archive, settings
from archiver.console import out, say


@app.command()
def serve(
    host: str | None = typer.Option(
        None, "--host", help="Address to listen on ($ARCHIVER_SERVE_HOST, 127.0.0.1)."
    ),
    port: int | None = typer.Option(
        None, "--port", help="Port to listen on ($ARCHIVER_SERVE_PORT, 8000).", min=1, max=65535
    ),
    readonly: bool = typer.Option(
        False, "--readonly", help="Open the archive read-only (no reviews are saved)."
    ),
) -> None:
    """Open the archive in a browser: search posts, read the evidence, review verdicts."""
    import uvicorn

    from archiver.web.app import create_app
    from archiver.web.security import is_loopback

    s = settings()
    host = host or s.serve_host
    port = port or s.serve_port
    if not is_loopback(host) and not s.serve_token:
        raise typer.BadParameter(
            f"{host} is reachable from other machines: set ARCHIVER_SERVE_TOKEN to a secret "
            "first (every request must then carry it), or serve on 127.0.0.1",
            param_hint="'--host'",
        )
    with archive(readonly=readonly) as arc:
        shown = f"[{host}]" if ":" in host else host
        say(out, f"serving {s.home} at http://{shown}:{port}/ ; Ctrl-C stops")
        if s.serve_token:
            say(out, "every request needs the token: open the address once with ?token=…")
        uvicorn.run(
            create_app(arc, token=s.serve_token),
            host=host,
            port=port,
            log_level="warning",
            server_header=False,
        )
