"""``mlgate validate``: the data gate: a pandera schema and checks against a baseline profile."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mlgate.errors import EXIT_FAIL, EXIT_PASS, InputError

HELP = "validate data against a pandera schema and a baseline profile (exit 1 when it fails)"


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
        help="JSON report path (default: <reports>/validation.json in a project, "
        "else validation.json)",
    )
    parser.add_argument(
        "--summary",
        help="Markdown summary path (default: <reports>/validation.md in a project, "
        "else validation.md)",
    )


def resolve(args: argparse.Namespace, settings: Any) -> dict[str, Any]:
    """The effective inputs: explicit arguments first, then the project's settings."""
    from mlgate.settings import load_config_section

    data = list(args.data)
    if not data and settings is not None:
        data = [p for p in (settings.train_data, settings.test_data) if p is not None]
    if not data:
        raise InputError(
            "no data to validate", hint="give CSV or Parquet files, or run inside an mlgate project"
        )
    schema = args.schema or (settings.schema if settings else None)
    baseline = args.baseline or ("auto" if settings is not None else None)
    if schema is None and baseline is None:
        raise InputError(
            "nothing to validate against",
            hint="give --schema module:Model (or schema.yaml) and/or --baseline profile.json",
        )
    if args.config:
        tolerances = load_config_section(args.config)
    elif settings is not None and settings.params is not None and settings.params.is_file():
        tolerances = settings.params_section("validation")
    else:
        tolerances = {}
    reports = settings.reports if settings is not None and settings.reports else None
    report = args.report or (reports / "validation.json" if reports else "validation.json")
    summary = args.summary or (reports / "validation.md" if reports else "validation.md")
    return {
        "data": data,
        "schema": schema,
        "baseline": baseline,
        "tolerances": tolerances,
        "report": Path(report),
        "summary": Path(summary),
        "root": settings.root if settings is not None else None,
    }


def _dataset_names(data: list[Any], settings: Any) -> dict[str, Path]:
    """Report names for the files: relative to the project root when inside it."""
    named = {}
    for item in data:
        path = Path(item)
        name = str(item)
        if settings is not None:
            try:
                name = str(path.resolve().relative_to(settings.root))
            except ValueError:
                name = str(item)
        named[name] = path
    return named


def run(args: argparse.Namespace) -> int:
    from mlgate.baseline import resolve_baseline
    from mlgate.data_io import read_table
    from mlgate.settings import load_settings, tracking_uri
    from mlgate.validation import validate

    settings = load_settings()
    inputs = resolve(args, settings)
    frames = {
        name: read_table(path) for name, path in _dataset_names(inputs["data"], settings).items()
    }
    baseline = None
    if inputs["baseline"] is not None:
        baseline = resolve_baseline(
            inputs["baseline"],
            tracking_uri=tracking_uri(settings),
            model_name=settings.model_name if settings else None,
            reference=settings.reference_profile if settings else None,
            columns=next(iter(frames.values())).columns,
            root=inputs["root"],
        )
    report = validate(
        frames,
        schema=inputs["schema"],
        baseline=baseline,
        tolerances=inputs["tolerances"],
        root=inputs["root"],
    )
    report.write(inputs["report"], inputs["summary"])
    print(report.verdict_line())
    print(f"summary: {inputs['summary']}  report: {inputs['report']}")
    sys.stdout.flush()
    return EXIT_PASS if report.passed else EXIT_FAIL
