"""``mlgate warm``: the warm servers that run pipeline stages (see :mod:`mlgate.warm`)."""

from __future__ import annotations

import argparse

HELP = "list or stop the warm servers that run pipeline stages with their libraries imported"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=("status", "stop"),
        default="status",
        help="status (default): the servers of this user and what they serve; "
        "stop: stop them (each finishes the stages it is running)",
    )


def run(args: argparse.Namespace) -> int:
    import json
    import os
    import signal
    import time

    from mlgate import warm
    from mlgate.warm.client import server_running

    folder = warm.runtime_folder(os.environ, create=False)
    if folder is None:
        print("warm: no server running")
        return 0
    mine = warm.identity(os.environ)
    servers = []
    for state in sorted(folder.glob("*.json")):
        where = warm.Place(folder, state.stem)
        try:
            info = json.loads(state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if server_running(where):
            servers.append((where, info))
    if not servers:
        print(f"warm: no server running ({folder})")
        return 0
    for where, info in servers:
        age = time.time() - float(info.get("started", time.time()))
        which = " (this environment)" if where.key == mine else ""
        print(
            f"warm: pid {info['pid']} for {info['executable']}{which}: up {age:.0f} s, "
            f"imports took {info['preload_s']} s, log {where.log}"
        )
        if args.action == "stop":
            try:
                os.kill(int(info["pid"]), signal.SIGTERM)
                print(f"warm: asked pid {info['pid']} to stop")
            except OSError as error:
                print(f"warm: pid {info['pid']}: {error}")
    return 0
