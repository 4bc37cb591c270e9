"""``mlgate promote``: register the candidate and move ``champion`` if the benchmark passed."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "register the candidate (alias challenger) and make it champion if the benchmark passed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", metavar="MODEL", help="registered model (default: model_name)")
    parser.add_argument(
        "--candidate",
        metavar="RUN_ID|MODEL_URI",
        help="default: model_uri of the project's run record ([tool.mlgate] train_run)",
    )
    parser.add_argument(
        "--report", metavar="JSON", help="benchmark report (default: <reports>/benchmark.json)"
    )
    parser.add_argument(
        "--output", metavar="JSON", help="promotion report (default: <reports>/promotion.json)"
    )
    parser.add_argument(
        "--summary", metavar="MD", help="Markdown summary (default: <reports>/promotion.md)"
    )
    parser.add_argument("--tracking-uri", metavar="URI", help="default: the project's MLflow URI")
    parser.add_argument(
        "--force",
        action="store_true",
        help="promote a version even though it was rolled back (tags it mlgate.forced)",
    )
    add_lock_arguments(parser)


def add_lock_arguments(parser: argparse.ArgumentParser) -> None:
    """--wait and --break-lock, shared with mlgate rollback."""
    parser.add_argument(
        "--wait",
        metavar="SECONDS",
        type=_seconds,
        default=None,
        help="how long to wait for another promotion or rollback of the model (default: 60)",
    )
    parser.add_argument(
        "--break-lock",
        metavar="LOCK_ID",
        help="first remove the model's lock with this id, left behind by a process that died",
    )


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds >= 0")
    return seconds


def lock_options(args: argparse.Namespace) -> dict:
    """The keyword arguments of promote and rollback that --wait and --break-lock set."""
    from mlgate.registry import LOCK_WAIT_S

    wait = LOCK_WAIT_S if args.wait is None else args.wait
    return {"wait_s": wait, "break_lock": args.break_lock}


def run(args: argparse.Namespace) -> int:
    from mlgate.cli import finish
    from mlgate.context import Context
    from mlgate.promotion import promote

    ctx = Context.load()
    name = ctx.model_name(args.name, required=True)
    candidate = ctx.candidate(args.candidate)
    report = Path(args.report) if args.report else ctx.reports / "benchmark.json"
    json_path, markdown = ctx.report_paths("promotion", args.output, args.summary)
    outcome = promote(
        candidate,
        report,
        name=name,
        tracking_uri=ctx.registry(args.tracking_uri).uri,
        force=args.force,
        **lock_options(args),
    )
    result = outcome.to_result()
    code = finish(result, json_path, markdown, root=ctx.root, inputs=[report])
    for reason in outcome.reasons:
        print(f"  - {reason}")
    return code
