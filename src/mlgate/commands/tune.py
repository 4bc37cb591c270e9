"""``mlgate tune``: search algorithms and hyperparameters, track every trial, gate the winner.

Inside a generated project every option defaults from ``[tool.mlgate]`` and the ``tune:``
section of params.yaml; the winner goes to ``models/best_params.json`` (or ``[tool.mlgate]
tuned_params``), which the train stage turns into its model with
``mlgate.tuning.tuned_estimator(path, prepare=...)``.

Every candidate is ``prepare -> model`` with the project's prepare step, chosen by
:func:`mlgate.modeling.project_preprocessing`: ``[tool.mlgate] preprocessing``, else the
schema's contract, else the training table's dtypes. With a schema and no ``[tool.mlgate]
target``, the target is the schema's column with the role ``target``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = (
    "search algorithms and hyperparameters with cross-validation, track the trials, gate the winner"
)

DEFAULT_BEST = "models/best_params.json"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        help="training table, Parquet or CSV (default: [tool.mlgate] train_data)",
    )
    parser.add_argument(
        "--test", type=Path, help="held-out table for the agreement check (default: test_data)"
    )
    parser.add_argument(
        "--target",
        help="label column (default: [tool.mlgate] target, else the schema's target column)",
    )
    parser.add_argument(
        "--task", choices=("classification", "regression"), help="default: [tool.mlgate] task"
    )
    parser.add_argument(
        "--config", help="FILE[:section] holding the search settings (default: <params>:tune)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"tuned-params JSON the train stage reads (default: {DEFAULT_BEST})",
    )
    parser.add_argument("--report", type=Path, help="JSON report (default: <reports>/tune.json)")
    parser.add_argument(
        "--summary", type=Path, help="Markdown summary (default: <reports>/tune.md)"
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        help="worker processes for the trials' folds; -1 uses every core "
        "(the results do not depend on it)",
    )
    parser.add_argument(
        "--experiment", help="MLflow experiment (default: [tool.mlgate] experiment)"
    )
    parser.add_argument(
        "--no-tracking", action="store_true", help="do not record the runs in MLflow"
    )


def run(args: argparse.Namespace) -> int:
    from mlgate.cli import finish
    from mlgate.context import Context
    from mlgate.data_io import check_writable
    from mlgate.modeling import project_contract
    from mlgate.reporting import write_json
    from mlgate.tuning.engine import TuneInputs, tune

    ctx = Context.load()
    settings = ctx.settings
    train = Path(ctx.setting("train_data", args.data, "--data"))
    test = Path(ctx.setting("test_data", args.test, "--test"))
    contract = project_contract(settings)
    target = (
        args.target
        or (settings.target if settings else None)
        or (contract.target if contract else None)
        or ("target" if settings else None)
    )
    if target is None:
        ctx.setting("target", None, "--target")
    project_contract(settings, target)  # a target against the schema's fails here
    config, source = ctx.config(args.config, "tune")
    if source is None:
        ctx.setting("params", None, "--config")
    best_default = settings.extra.get("tuned_params") if settings else None
    best_path = args.out or (ctx.root / (best_default or DEFAULT_BEST))
    json_path, markdown = ctx.report_paths("tune", args.report, args.summary)
    check_writable([json_path, markdown, best_path], [train, test])
    tuned = tune(
        TuneInputs(
            train=train,
            test=test,
            target=target,
            task=ctx.setting("task", args.task, "--task"),
            config=config,
            settings=settings,
            root=ctx.root,
            best_path=best_path,
            experiment=args.experiment or ctx.setting("experiment") or "mlgate",
            tracking_uri=ctx.tracking_uri(),
            track=not args.no_tracking,
            n_jobs=args.n_jobs,
        ),
        say=lambda line: print(line, flush=True),
    )
    if tuned.best is not None:
        write_json(best_path, tuned.best)
    return finish(tuned.result, json_path, markdown, root=ctx.root, inputs=[train, test])
