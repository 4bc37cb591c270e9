"""``mlgate profile``: the baseline profile of the training data, for ``mlgate validate``."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlgate.errors import InputError

HELP = "build the baseline profile (statistics, categories, correlations) of a training table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data",
        nargs="?",
        help="CSV or Parquet file (default in a project: [tool.mlgate] train_data)",
    )
    parser.add_argument(
        "--target", help="the label column (default in a project: [tool.mlgate] target)"
    )
    parser.add_argument(
        "-o",
        "--output",
        help="where to write the JSON profile "
        "(default: [tool.mlgate] profile in a project, else profile.json)",
    )


def run(args: argparse.Namespace) -> int:
    from mlgate.profiling import build_profile
    from mlgate.reporting import write_json
    from mlgate.settings import load_settings

    settings = load_settings()
    data = args.data or (settings.train_data if settings else None)
    if data is None:
        raise InputError(
            "no data to profile", hint="give a CSV or Parquet file, or run inside an mlgate project"
        )
    target = args.target if args.target is not None else (settings.target if settings else None)
    output = args.output or (settings.profile if settings and settings.profile else "profile.json")
    profile = build_profile(Path(data), target=target)
    write_json(output, profile)
    print(
        f"profile: wrote {output} ({profile['rows']} rows, {len(profile['columns'])} columns, "
        f"target {target or 'none'})"
    )
    return 0
