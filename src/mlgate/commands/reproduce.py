"""``mlgate reproduce``: train a registered model again from its lineage and compare."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = (
    "train a registered model again from its lineage (git commit, DVC data hashes, params) "
    "in a clean checkout and compare its predictions with the registered model's"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model_uri",
        nargs="?",
        metavar="MODEL_URI",
        help="default: models:/<model_name>@champion (e.g. models:/my_model/3)",
    )
    parser.add_argument("--name", metavar="MODEL", help="registered model (default: model_name)")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=0.0,
        metavar="X",
        help="largest difference in a prediction or class probability that still passes "
        "(default: 0, identical)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the clean checkout under DIR to inspect it (default: removed)",
    )
    parser.add_argument("--report", metavar="JSON", help="default: <reports>/reproduce.json")
    parser.add_argument("--summary", metavar="MD", help="default: <reports>/reproduce.md")
    parser.add_argument("--tracking-uri", metavar="URI", help="default: the project's MLflow URI")


def run(args: argparse.Namespace) -> int:
    import math

    from mlgate.cli import finish
    from mlgate.context import Context
    from mlgate.errors import ConfigError
    from mlgate.reproduction import reproduce

    if not math.isfinite(args.tolerance) or args.tolerance < 0:
        raise ConfigError(f"--tolerance {args.tolerance}: must be a number >= 0")
    if args.keep is not None and not args.keep.is_dir():
        raise ConfigError(f"--keep {args.keep}: no such folder", hint="create it first")
    ctx = Context.load()
    json_path, markdown = ctx.report_paths("reproduce", args.report, args.summary)
    result = reproduce(
        args.model_uri,
        name=ctx.model_name(args.name),
        root=ctx.root,
        tracking_uri=ctx.registry(args.tracking_uri).uri,
        tolerance=args.tolerance,
        keep=args.keep,
    )
    return finish(result, json_path, markdown, root=ctx.root)
