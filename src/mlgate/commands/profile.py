"""``mlgate profile``: the profile of a training table: what its data looked like, as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from mlgate.errors import InputError

HELP = "build the profile (statistics, categories, correlations) of a training table"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data",
        nargs="?",
        help="CSV or Parquet file (default in a project: [tool.mlgate] train_data)",
    )
    parser.add_argument(
        "--target",
        help="the label column (default in a project: [tool.mlgate] target, else the schema's "
        "column with role target)",
    )
    parser.add_argument(
        "--schema",
        help="'package.module:Model' or a pandera YAML file whose column roles mark identifier "
        "and excluded columns (default in a project: [tool.mlgate] schema)",
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
    contract = None
    if args.schema:
        from mlgate.contract import from_schema
        from mlgate.validation.schema_loading import load_schema

        name, schema = load_schema(args.schema, settings.root if settings else None)
        contract = from_schema(schema, name)
    elif settings is not None:
        contract = settings.contract()
    target = args.target or (settings.target if settings else None)
    if target is None and contract is not None:
        target = contract.target
    output = args.output or (settings.profile if settings and settings.profile else "profile.json")
    roles = contract.roles() if contract is not None else None
    profile = build_profile(Path(data), target=target, roles=roles)
    write_json(output, profile)
    print(
        f"profile: wrote {output} ({profile['rows']} rows, {len(profile['columns'])} columns, "
        f"target {target or 'none'})"
    )
    return 0
