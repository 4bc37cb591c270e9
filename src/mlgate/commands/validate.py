"""``mlgate validate``: the data gate: a pandera schema and checks against a pinned baseline."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlgate.errors import InputError

HELP = "validate data against a pandera schema and a pinned baseline (exit 1 when it fails)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data",
        nargs="*",
        help="CSV or Parquet files, each checked and named in one report "
        "(default in a project: [tool.mlgate] train_data and test_data)",
    )
    parser.add_argument(
        "--schema",
        help="'package.module:Model' (pandera DataFrameModel) or a pandera YAML file "
        "(default in a project: [tool.mlgate] schema)",
    )
    parser.add_argument(
        "--baseline",
        help="what the data is judged against: 'auto' (default in a project: the champion's "
        "training profile, else the committed reference, else none), 'champion', "
        "'reference' ([tool.mlgate] reference_profile), 'none' (schema only), a profile JSON, "
        "or a model URI (models:/name@alias, runs:/<id>) whose run recorded its profile",
    )
    parser.add_argument(
        "--config",
        help="tolerances as FILE[:section] (default in a project: <params>:validation)",
    )
    parser.add_argument(
        "--report",
        help="JSON report path (default: <reports>/validation.json; reports/ outside a project)",
    )
    parser.add_argument(
        "--summary", help="Markdown summary path (default: <reports>/validation.md)"
    )


def run(args: argparse.Namespace) -> int:
    from mlgate.baseline import resolve_baseline
    from mlgate.cli import finish
    from mlgate.context import Context
    from mlgate.data_io import check_writable, read_table
    from mlgate.validation import validate

    ctx = Context.load()
    settings = ctx.settings
    data = [Path(p) for p in args.data]
    if not data and settings is not None:
        data = [p for p in (settings.train_data, settings.test_data) if p is not None]
    if not data:
        raise InputError(
            "no data to validate", hint="give CSV or Parquet files, or run inside an mlgate project"
        )
    schema = ctx.setting("schema", args.schema)
    spec = args.baseline or ("auto" if settings is not None else None)
    if schema is None and spec is None:
        raise InputError(
            "nothing to validate against",
            hint="give --schema module:Model (or schema.yaml) and/or --baseline profile.json",
        )
    tolerances, _ = ctx.config(args.config, "validation")
    json_path, markdown = ctx.report_paths("validation", args.report, args.summary)
    check_writable([json_path, markdown], data)

    frames = {ctx.shown(path): read_table(path) for path in data}
    baseline = None
    if spec is not None:
        baseline = resolve_baseline(
            spec,
            tracking_uri=ctx.tracking_uri(),
            model_name=ctx.model_name(),
            reference=settings.reference_profile if settings else None,
            columns=next(iter(frames.values())).columns,
            root=ctx.root,
        )
    privacy, _ = ctx.config(None, "privacy")
    report = validate(
        frames,
        schema=schema,
        baseline=baseline,
        tolerances=tolerances,
        root=ctx.root,
        privacy=privacy,
        require_classification=settings.extra.get("require_classification") if settings else None,
    )
    return finish(report.to_result(), json_path, markdown, root=ctx.root, inputs=data)
