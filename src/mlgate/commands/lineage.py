"""``mlgate lineage``: version -> run -> params -> data hash -> git commit."""

from __future__ import annotations

import argparse

HELP = "print where a model comes from: version, run, params, data hash, git commit"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model_uri",
        nargs="?",
        metavar="MODEL_URI",
        help="default: models:/<model_name>@champion",
    )
    parser.add_argument("--name", metavar="MODEL", help="registered model (default: model_name)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--tracking-uri", metavar="URI", help="default: the project's MLflow URI")


def run(args: argparse.Namespace) -> int:
    from mlgate import settings as settings_module
    from mlgate.registry import format_lineage, lineage
    from mlgate.reporting import to_json

    settings = settings_module.load_settings()
    name = args.name or (settings.model_name if settings else None)
    tracking_uri = args.tracking_uri or settings_module.tracking_uri(settings)
    chain = lineage(args.model_uri, name=name, tracking_uri=tracking_uri)
    print(to_json(chain) if args.json else format_lineage(chain), end="")
    return 0
