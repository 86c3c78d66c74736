"""Start the workshop app: `python -m model.app [--host HOST] [--port PORT]`.

Serves on this computer only (127.0.0.1) unless asked otherwise: `--host 0.0.0.0` lets the
browsers of a room on the same network open it at http://<this computer's address>:PORT/.
Before the server starts it fetches Solara's front end from the npm registry if it is not in
the environment yet (`model.app.assets`), and checks that the port is free, so a bad choice
fails with one line rather than a server's traceback.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import sys

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
PAGE_MODULE = "model.app.page"  # a module, not the package: Solara would list its modules as pages


def parse(argv: list[str]) -> argparse.Namespace:
    """The command's arguments, checked: a host address of this computer and a free port."""
    parser = argparse.ArgumentParser(prog="python -m model.app", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="address to listen on (default 127.0.0.1, this computer only; "
                             "0.0.0.0 for every network the computer is on)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    try:
        ipaddress.ip_address(args.host)
    except ValueError:
        parser.error(f"--host {args.host!r}: must be an IP address such as 127.0.0.1 or 0.0.0.0")
    if not 1024 <= args.port <= 65535:
        parser.error(f"--port {args.port}: allowed 1024 to 65535")
    with socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET) as probe:
        # As the server will: a port held only by closed connections (TIME_WAIT) is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((args.host, args.port))
        except OSError as err:
            parser.error(f"cannot listen on {args.host}:{args.port} ({err.strerror}); "
                         "choose another with --port, or stop what uses it")
    return args


def main(argv: list[str] | None = None) -> None:
    """Fetch what is missing, then replace this process with the Solara server."""
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        from model.app import assets  # imports Solara: the app's extra
    except ModuleNotFoundError as err:
        package = (err.name or "solara").split(".")[0]
        sys.exit(f"error: the app needs {package}, which the project's app extra installs: "
                 ".venv/bin/pip install -e '.[app]'")
    try:
        assets.ensure()
    except RuntimeError as err:
        sys.exit(f"error: {err}")
    where = "this computer only" if ipaddress.ip_address(args.host).is_loopback else \
        "the network; others open http://<this computer's address>:" + str(args.port)
    print(f"Workshop app at http://{args.host}:{args.port}/ (serving {where}); Ctrl-C stops it",
          flush=True)
    command = [sys.executable, "-m", "solara", "run", PAGE_MODULE, "--host", args.host,
               "--port", str(args.port), "--production"]
    # Solara's "This website runs on Solara" banner sits at the bottom right of the first
    # screen, over whatever the page has there (the indicators' table on a laptop); its own
    # setting turns it off, and the page's sidebar credits Mesa and Solara instead.
    os.environ["SOLARA_THEME_SHOW_BANNER"] = "False"
    os.execv(sys.executable, command)
