"""``mlgate rollback``: make the previous champion the champion again."""

from __future__ import annotations

import argparse

HELP = "put the previous champion back (the demoted version gets the alias rolled_back)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", metavar="MODEL", help="registered model (default: model_name)")
    parser.add_argument("--tracking-uri", metavar="URI", help="default: the project's MLflow URI")


def run(args: argparse.Namespace) -> int:
    from mlgate import settings as settings_module
    from mlgate.errors import InputError
    from mlgate.promotion import rollback

    settings = settings_module.load_settings()
    name = args.name or (settings.model_name if settings else None)
    if not name:
        raise InputError("no model name: pass --name MODEL", hint="or set [tool.mlgate] model_name")
    tracking_uri = args.tracking_uri or settings_module.tracking_uri(settings)
    outcome = rollback(name, tracking_uri=tracking_uri)
    print("\n".join(outcome.lines()))
    return 0
