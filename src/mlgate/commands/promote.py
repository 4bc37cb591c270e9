"""``mlgate promote``: register the candidate and move ``champion`` if the benchmark passed."""

from __future__ import annotations

import argparse

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
    parser.add_argument("--tracking-uri", metavar="URI", help="default: the project's MLflow URI")


def run(args: argparse.Namespace) -> int:
    from mlgate import settings as settings_module
    from mlgate.errors import InputError
    from mlgate.promotion import promote
    from mlgate.registry import candidate_from_record, load_run_record
    from mlgate.reporting import write_json

    settings = settings_module.load_settings()
    record = None
    if args.candidate is None and settings is not None and settings.train_run is not None:
        record = load_run_record(settings.train_run)
    name = (
        args.name or (settings.model_name if settings else None) or (record or {}).get("model_name")
    )
    if not name:
        raise InputError("no model name: pass --name MODEL", hint="or set [tool.mlgate] model_name")
    candidate = args.candidate or (candidate_from_record(record) if record else None)
    if candidate is None:
        raise InputError(
            "no candidate: pass --candidate RUN_ID|MODEL_URI",
            hint="inside a project, run the train stage first: it writes the run record",
        )
    reports = settings.reports if settings and settings.reports else None
    report = args.report or (reports / "benchmark.json" if reports else None)
    if report is None:
        raise InputError("no benchmark report: pass --report benchmark.json")
    output = args.output or (reports / "promotion.json" if reports else None)
    tracking_uri = (
        args.tracking_uri
        or settings_module.tracking_uri(settings)
        or (record or {}).get("tracking_uri")
    )
    outcome = promote(candidate, report, name=name, tracking_uri=tracking_uri)
    if output:
        write_json(output, outcome.to_report())
    print("\n".join(outcome.lines()))
    return 0 if outcome.passed else 1
