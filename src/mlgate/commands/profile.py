"""``mlgate profile``: the profile of a training table: what its data looked like, as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

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
        "(default: [tool.mlgate] profile in a project, else reports/profile.json)",
    )


def run(args: argparse.Namespace) -> int:
    from mlgate.context import Context
    from mlgate.data_io import check_writable
    from mlgate.profiling import build_profile
    from mlgate.reporting import write_json

    ctx = Context.load()
    data = Path(ctx.setting("train_data", args.data, "DATA"))
    contract = None
    if args.schema:
        from mlgate.contract import from_schema
        from mlgate.validation.schema_loading import load_schema

        name, schema = load_schema(args.schema, ctx.root)
        contract = from_schema(schema, name)
    elif ctx.settings is not None:
        contract = ctx.settings.contract()
    target = args.target or (ctx.settings.target if ctx.settings else None)
    if target is None and contract is not None:
        target = contract.target
    output = (
        Path(args.output) if args.output else ctx.setting("profile") or ctx.reports / "profile.json"
    )
    check_writable([output], [data])
    profile = build_profile(data, target=target, roles=contract.roles() if contract else None)
    write_json(output, profile)
    print(
        f"profile: wrote {ctx.shown(output)} ({profile['rows']} rows, "
        f"{len(profile['columns'])} columns, target {target or 'none'})"
    )
    return 0
