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


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _prepare_line(preparation) -> str:
    described = preparation.describe()
    line = f"  prepare: {described['source']}"
    if "features" in described:
        kinds = ", ".join(f"{len(names)} {kind}" for kind, names in described["features"].items())
        line += f"; features: {kinds}"
        if described["not_used"]:
            unused = ", ".join(f"{name} ({why})" for name, why in described["not_used"].items())
            line += f"; not used: {unused}"
    return line


def run(args: argparse.Namespace) -> int:
    import os

    from mlgate import __version__
    from mlgate.data_io import read_table
    from mlgate.errors import ConfigError, InputError
    from mlgate.modeling import project_contract, project_preprocessing
    from mlgate.reporting import atomic_write_text, write_json
    from mlgate.settings import load_config_section, load_settings, tracking_uri
    from mlgate.tracking import file_md5, lineage_tags
    from mlgate.tuning import checks
    from mlgate.tuning.data import features_and_target, require_columns
    from mlgate.tuning.report import best_document, build_report, fingerprint, summary_markdown
    from mlgate.tuning.space import parse_config

    settings = load_settings()
    root = settings.root if settings else Path.cwd()

    def pick(value, setting, option: str):
        chosen = value if value is not None else setting
        if chosen is None:
            raise ConfigError(
                f"no {option} given and no project settings to take it from",
                hint=f"pass {option}, or run inside a project with [tool.mlgate] in pyproject.toml",
            )
        return chosen

    data_path = Path(pick(args.data, settings and settings.train_data, "--data"))
    test_path = Path(pick(args.test, settings and settings.test_data, "--test"))
    contract = project_contract(settings)
    target = pick(
        args.target or (settings and settings.target) or (contract and contract.target),
        "target" if settings else None,
        "--target",
    )
    contract = project_contract(settings, target)  # a target against the schema's fails here
    task = pick(args.task, settings and settings.task, "--task")
    params_file = settings.params if settings and settings.params else None
    config_spec = pick(args.config, f"{params_file}:tune" if params_file else None, "--config")
    reports = settings.reports if settings and settings.reports else Path("reports")
    best_default = settings.extra.get("tuned_params") if settings else None
    out = args.out or (root / (best_default or DEFAULT_BEST))
    report_path = args.report or reports / "tune.json"
    summary_path = args.summary or reports / "tune.md"
    experiment = args.experiment or (settings and settings.experiment) or "mlgate"

    config = parse_config(load_config_section(config_spec), task)
    X, y = features_and_target(read_table(data_path), target, data_path)
    X_test, y_test = features_and_target(read_table(test_path), target, test_path)
    missing = [c for c in X.columns if c not in X_test.columns]
    if missing:
        raise InputError(
            f"{test_path}: lacks feature column(s) {', '.join(map(str, missing))} of {data_path}"
        )
    X_test = X_test[list(X.columns)]
    preparation = project_preprocessing(settings, X, target)
    if preparation.contract is not None and contract is not None:
        require_columns(X, preparation.contract.features(), data_path, f"schema {settings.schema}")

    from joblib import effective_n_jobs

    from mlgate.tuning.search import holdout_score, replay, run_search

    algorithms = ", ".join(space.algorithm.name for space in config.spaces)
    print(
        f"mlgate tune: {config.n_trials} trials over {algorithms}; {config.cv_folds}-fold CV on "
        f"{_shown(data_path)} ({len(X)} rows), scoring {config.scoring}, seed {config.seed}, "
        f"{effective_n_jobs(args.n_jobs)} worker(s)",
        flush=True,
    )
    print(_prepare_line(preparation), flush=True)

    def progress(trial, total, best) -> None:
        params = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in trial.params.items()
        )
        print(
            f"  trial {trial.number:>3}/{total} {trial.algorithm:<34} CV {trial.cv_score:.4f} "
            f"± {trial.cv_std:.4f}  fit {trial.fit_time:6.2f}s  best #{best.number} "
            f"{best.cv_score:.4f}  {params}",
            flush=True,
        )

    try:
        result = run_search(
            config, X, y, prepare=preparation.transformer, n_jobs=args.n_jobs, on_trial=progress
        )
        held_out = holdout_score(result, config, X_test, y_test)
    except ValueError as error:
        raise InputError(
            f"{_shown(data_path)}: a candidate failed to fit or score ({error})",
            hint="check the parameter values in the tune: section and the data "
            "(missing values, classes)",
        ) from error
    top_trials, searched, replayed = replay(result, config, X, y)

    found = [
        checks.beats_baseline(
            result.best.cv_score,
            result.baseline_score,
            config.sanity.baseline_margin,
            config.scoring,
        ),
        checks.holdout_agrees(
            result.best.cv_score, held_out, config.sanity.holdout_tolerance, config.scoring
        ),
        checks.same_winner(top_trials, searched, replayed, stopped_by=result.stopped_by),
    ]
    verdict = checks.verdict(found)

    config_dict = config.as_dict()
    data_hash = file_md5(data_path)
    print_ = fingerprint(
        {**config_dict, "preprocessing": preparation.describe()},
        data_hash,
        result.best.algorithm,
        result.best.params,
    )
    trials = [t.as_dict() for t in result.trials]

    tracking = None
    if not args.no_tracking:
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        from mlgate.tuning.runs import log_search

        tags = lineage_tags(root, data_path, config_dict)
        tags["mlgate.tune_fingerprint"] = print_
        tags["mlgate.preprocessing"] = preparation.source
        tracking = log_search(
            tracking_uri=tracking_uri(settings),
            experiment=experiment,
            config=config_dict,
            trials=trials,
            summary_metrics={
                "best_cv_score": result.best.cv_score,
                "baseline_cv_score": result.baseline_score,
                "holdout_score": held_out,
                "trials_run": float(len(trials)),
                "elapsed_s": result.elapsed_s,
            },
            tags=tags,
            verdict=verdict,
        )

    best = result.best.as_dict()
    report = build_report(
        version=__version__,
        config=config_dict,
        trials=trials,
        best=best,
        baseline_score=result.baseline_score,
        holdout_score=held_out,
        checks=[c.as_dict() for c in found],
        verdict=verdict,
        stopped_by=result.stopped_by,
        n_candidates=result.n_candidates,
        elapsed_s=result.elapsed_s,
        n_jobs=result.n_jobs,
        data={
            "train": _shown(data_path),
            "train_md5": data_hash,
            "train_rows": len(X),
            "test": _shown(test_path),
            "test_md5": file_md5(test_path),
            "test_rows": len(X_test),
            "target": target,
        },
        tracking=tracking,
        preprocessing=preparation.describe(),
        fingerprint=print_,
        best_params_path=_shown(out) if verdict == "pass" else None,
    )
    if verdict == "pass":
        write_json(
            out,
            best_document(
                task=task,
                algorithm=result.best.algorithm,
                params=result.best.params,
                seed=config.seed,
                cv_score=result.best.cv_score,
                scoring=config.scoring,
                fingerprint=print_,
            ),
        )
    write_json(report_path, report)
    atomic_write_text(summary_path, summary_markdown(report))

    for check in found:
        print(f"  {'ok  ' if check.passed else 'FAIL'} {check.name}: {check.message}")
    if verdict == "pass":
        print(
            f"mlgate tune: pass. Winner trial {result.best.number} {result.best.algorithm} "
            f"CV {result.best.cv_score:.4f} -> {_shown(out)}; report {_shown(report_path)}"
        )
        return 0
    print(
        f"mlgate tune: FAIL. {sum(not c.passed for c in found)} sanity check(s) failed; "
        f"{_shown(out)} was not written; see {_shown(summary_path)}"
    )
    return 1
