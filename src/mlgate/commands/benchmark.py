"""``mlgate benchmark``: score a candidate against the champion and the goals."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

HELP = "score a candidate model against the champion, a dummy baseline and the goals"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--candidate",
        metavar="MODEL_URI",
        help="model to judge (runs:/<id>/model, models:/m-..., a run id); "
        "default: model_uri of the project's run record ([tool.mlgate] train_run)",
    )
    parser.add_argument(
        "--champion",
        metavar="MODEL_URI",
        help="model to compare with, or 'none'; default: models:/<model_name>@champion when "
        "that alias exists, else none (bootstrap: judged on the goals alone)",
    )
    parser.add_argument("--data", metavar="FILE", help="held-out data (default: test_data)")
    parser.add_argument(
        "--target",
        metavar="COL",
        help="label column (default: [tool.mlgate] target, else the schema's target role)",
    )
    parser.add_argument(
        "--task",
        choices=("classification", "regression"),
        help="default: the project's task, else inferred from the candidate",
    )
    parser.add_argument(
        "--train-data",
        metavar="FILE",
        help="training data for the dummy baseline (default: train_data; else the held-out data)",
    )
    parser.add_argument("--goals", metavar="FILE[:section]", help="goals (default: <params>:goals)")
    parser.add_argument(
        "--report",
        metavar="JSON",
        help="default: <reports>/benchmark.json (./reports outside a project)",
    )
    parser.add_argument("--summary", metavar="MD", help="default: <reports>/benchmark.md")
    parser.add_argument("--tracking-uri", metavar="URI", help="default: the project's MLflow URI")
    parser.add_argument(
        "--new-line",
        action="store_true",
        help="the data changed on purpose: when the champion was trained on other columns, "
        "judge the candidate on the goals alone and let `mlgate promote` replace it",
    )
    parser.add_argument(
        "--latency-runs",
        type=int,
        default=100,
        metavar="N",
        help="most single-row predictions timed per model, after warm-up, on the active "
        "clock (time waiting for a CPU held by other processes excluded): rows are timed "
        "three times each, ten rows at a time, until the p95 is known to within 5%% (at "
        "least 20 rows), 3 s of active time are spent, or N / 3 rows are timed (default: 100)",
    )


def run(args: argparse.Namespace) -> int:
    from mlgate.benchmarking import benchmark
    from mlgate.cli import finish
    from mlgate.context import Context
    from mlgate.errors import ConfigError

    if args.latency_runs < 1:
        raise ConfigError(f"--latency-runs {args.latency_runs}: must be at least 1")
    ctx = Context.load()
    candidate = ctx.candidate(args.candidate)
    data = ctx.setting("test_data", args.data, "--data")
    train = args.train_data or ctx.setting("train_data")
    train = train if train is not None and Path(train).is_file() else None
    goals, goals_source = ctx.config(args.goals, "goals")
    json_path, markdown = ctx.report_paths("benchmark", args.report, args.summary)
    registry = ctx.registry(args.tracking_uri)
    result = benchmark(
        candidate,
        Path(data),
        ctx.target(args.target) or "target",
        champion=ctx.champion_uri(registry, args.champion),
        goals=goals,
        task=args.task or ctx.setting("task"),
        train_data=train,
        registry=registry,
        latency_runs=args.latency_runs,
        goals_source=goals_source or "goals",
        new_line=args.new_line,
    )
    add_model_card(result, ctx, registry, json_path.parent)
    return finish(
        result, json_path, markdown, root=ctx.root, inputs=[data, *([train] if train else [])]
    )


def add_model_card(result: Any, ctx: Any, registry: Any, folder: Path) -> None:
    """Write the candidate's model card beside the report, log it with the candidate's run,
    and point the report, its summary and the step outputs at it."""
    from mlgate import model_card

    document = result.to_dict()
    path = model_card.write(
        settings=ctx.settings, benchmark=document, reports=folder, registry=registry
    )
    run_id = (document.get("candidate") or {}).get("run_id")
    artifact = f"runs:/{run_id}/{model_card.CARD_FILE}" if run_id else None
    result.document["model_card"] = {"file": path.name, "artifact": artifact}
    result.outputs["model-card"] = str(path)
    where = f" (logged with the model as `{artifact}`)" if artifact else ""
    result.markdown = result.markdown.rstrip("\n") + f"\n\n**Model card**: `{path.name}`{where}\n"
