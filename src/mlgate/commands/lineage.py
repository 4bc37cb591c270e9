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
    from mlgate.context import Context
    from mlgate.registry import format_lineage, lineage
    from mlgate.reporting import to_json

    ctx = Context.load()
    chain = lineage(
        args.model_uri,
        name=ctx.model_name(args.name),
        tracking_uri=ctx.registry(args.tracking_uri).uri,
    )
    print(to_json(chain) if args.json else format_lineage(chain), end="")
    return 0
