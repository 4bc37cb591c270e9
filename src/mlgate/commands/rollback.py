"""``mlgate rollback``: make the previous champion the champion again."""

from __future__ import annotations

import argparse

from mlgate.commands.promote import add_lock_arguments, lock_options

HELP = "put the previous champion back (the demoted version gets the alias rolled_back)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", metavar="MODEL", help="registered model (default: model_name)")
    parser.add_argument("--tracking-uri", metavar="URI", help="default: the project's MLflow URI")
    parser.add_argument(
        "--output", metavar="JSON", help="rollback report (default: <reports>/rollback.json)"
    )
    parser.add_argument(
        "--summary", metavar="MD", help="Markdown summary (default: <reports>/rollback.md)"
    )
    add_lock_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from mlgate.cli import finish
    from mlgate.context import Context
    from mlgate.promotion import rollback

    ctx = Context.load()
    name = ctx.model_name(args.name, required=True)
    json_path, markdown = ctx.report_paths("rollback", args.output, args.summary)
    outcome = rollback(name, tracking_uri=ctx.registry(args.tracking_uri).uri, **lock_options(args))
    code = finish(outcome.to_result(), json_path, markdown, root=ctx.root)
    for reason in outcome.reasons:
        print(f"  - {reason}")
    return code
