"""``mlgate baseline``: which baseline new data is judged against, and pinning a reference.

    mlgate baseline show         what `mlgate validate` would compare with, and why
    mlgate baseline pin          profile the training split into the reference file (commit it)
    mlgate baseline pin --from champion   copy the champion's training profile instead

Pinning is the deliberate act that a pipeline never does on its own: the reference is used
where the registry cannot be reached and before there is a champion.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mlgate.errors import ConfigError

HELP = "show the baseline new data is judged against, or pin a reference profile"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("show", "pin"), help="show the baseline, or pin one")
    parser.add_argument(
        "--from",
        dest="source",
        metavar="SOURCE",
        help="pin: a CSV/Parquet table to profile (default: [tool.mlgate] train_data), "
        "'champion' for the champion's training profile, or a model URI",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="pin: the reference file (default: [tool.mlgate] reference_profile)",
    )
    parser.add_argument(
        "--baseline",
        default="auto",
        help="show: what to resolve (auto, champion, reference, a file, a model URI)",
    )


def run(args: argparse.Namespace) -> int:
    from mlgate.context import Context

    ctx = Context.load()
    settings = ctx.settings
    if settings is None:
        raise ConfigError(
            "mlgate baseline works inside a project ([tool.mlgate] in pyproject.toml)",
            hint="outside a project, build a profile with `mlgate profile DATA -o FILE` and pass "
            "it to `mlgate validate --baseline FILE`",
        )
    if args.action == "show":
        return _show(args, ctx)
    return _pin(args, ctx)


def _show(args: argparse.Namespace, ctx) -> int:
    from mlgate.baseline import resolve_baseline

    settings = ctx.settings
    columns = None
    if settings.train_data is not None and settings.train_data.is_file():
        from mlgate.data_io import read_table

        columns = read_table(settings.train_data).columns
    found = resolve_baseline(
        args.baseline,
        tracking_uri=ctx.tracking_uri(),
        model_name=ctx.model_name(),
        reference=settings.reference_profile,
        columns=columns,
        root=settings.root,
    )
    print(f"baseline: {found.label}")
    for key, value in found.to_dict().items():
        if key not in ("label", "notes"):
            print(f"  {key}: {value}")
    for note in found.notes:
        print(f"  passed over: {note}")
    return 0


def _pin(args: argparse.Namespace, ctx) -> int:
    from datetime import UTC, datetime

    from mlgate.baseline import from_model
    from mlgate.profiling import build_profile
    from mlgate.registry import CHAMPION
    from mlgate.reporting import write_json

    settings = ctx.settings
    output = args.output or settings.reference_profile
    if output is None:
        raise ConfigError(
            "no reference file: pass -o FILE or set [tool.mlgate] reference_profile",
            hint='e.g. reference_profile = "data/reference_profile.json"',
        )
    source = args.source
    if source == "champion" or (source or "").startswith(("models:/", "runs:/")):
        uri = f"models:/{settings.model_name}@{CHAMPION}" if source == "champion" else source
        found = from_model(uri, ctx.tracking_uri())
        profile = dict(found.profile or {})
        origin = found.label
    else:
        data = Path(source) if source else settings.train_data
        if data is None:
            raise ConfigError("no data to pin: pass --from FILE or set [tool.mlgate] train_data")
        contract = settings.contract()
        profile = build_profile(
            data,
            target=settings.target_column(),
            roles=contract.roles() if contract is not None else None,
        )
        origin = ctx.shown(data)
    profile["pinned"] = {
        "from": origin,
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    write_json(output, profile)
    shown = ctx.shown(output)
    print(
        f"baseline: pinned {shown} from {origin} ({profile['rows']} rows, "
        f"{len(profile['columns'])} columns)\n"
        f"  commit it: git add {shown} && git commit -m 'Pin the data baseline'\n"
        "  it is the baseline wherever the champion's cannot be used; "
        "`dvc repro --force validate` re-checks the data against it now"
    )
    return 0
