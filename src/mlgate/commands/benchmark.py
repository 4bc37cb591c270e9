"""``mlgate benchmark``: score a candidate against the champion and the goals."""

from __future__ import annotations

import argparse

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
        help="model to compare with; default: models:/<model_name>@champion when that alias "
        "exists, else none (bootstrap: judged on the goals alone)",
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
    parser.add_argument("--report", metavar="JSON", help="default: <reports>/benchmark.json")
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
        help="single-row predictions timed per model, after warm-up; timing stops after 1 s "
        "once 30 are timed (default: 100)",
    )


def run(args: argparse.Namespace) -> int:
    from mlgate import settings as settings_module
    from mlgate.benchmarking import benchmark, render_markdown, write_reports
    from mlgate.errors import ConfigError, InputError
    from mlgate.registry import (
        CHAMPION,
        alias_version,
        candidate_from_record,
        connect,
        load_run_record,
    )

    settings = settings_module.load_settings()
    record = None
    if settings is not None and settings.train_run is not None and settings.train_run.is_file():
        record = load_run_record(settings.train_run)
    tracking_uri = (
        args.tracking_uri
        or settings_module.tracking_uri(settings)
        or (record or {}).get("tracking_uri")
    )
    candidate = args.candidate
    if candidate is None:
        if record is None:
            where = settings.train_run if settings and settings.train_run else "no project"
            raise InputError(
                f"no candidate: pass --candidate MODEL_URI (run record: {where})",
                hint="inside a project, run the train stage first: it writes the run record",
            )
        candidate = candidate_from_record(record)
    data = args.data or (settings.test_data if settings else None)
    if data is None:
        raise InputError("no held-out data: pass --data FILE", hint="e.g. --data test.parquet")
    target = args.target or (settings.target_column() if settings else None) or "target"
    task = args.task or (settings.task if settings else None)
    train_data = args.train_data or (
        settings.train_data
        if settings and settings.train_data and settings.train_data.is_file()
        else None
    )
    goals_spec = args.goals or (
        f"{settings.params}:goals" if settings and settings.params else None
    )
    goals = settings_module.load_config_section(goals_spec) if goals_spec else {}
    champion = args.champion
    if champion is None and settings is not None and settings.model_name:
        registry = connect(tracking_uri)
        if alias_version(registry, settings.model_name, CHAMPION) is not None:
            champion = f"models:/{settings.model_name}@{CHAMPION}"
    reports = settings.reports if settings and settings.reports else None
    report_path = args.report or (reports / "benchmark.json" if reports else None)
    summary_path = args.summary or (reports / "benchmark.md" if reports else None)
    if args.latency_runs < 1:
        raise ConfigError(f"--latency-runs {args.latency_runs}: must be at least 1")

    report = benchmark(
        candidate,
        data,
        target,
        champion=champion,
        goals=goals,
        task=task,
        train_data=train_data,
        tracking_uri=tracking_uri,
        latency_runs=args.latency_runs,
        goals_source=goals_spec or "goals",
        new_line=args.new_line,
    )
    write_reports(report, report_path, summary_path)
    print(render_markdown(report) if summary_path is None else report["summary"])
    for path in (report_path, summary_path):
        if path:
            print(f"wrote {path}")
    return 0 if report["verdict"] == "pass" else 1
