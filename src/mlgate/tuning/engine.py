"""The tuning gate from end to end: read, search, check, record; one call, one result.

:func:`tune` takes what the command resolved (:class:`TuneInputs`) and returns the gate's
:class:`~mlgate.results.GateResult` with the tuned-params document to write when it passed.
Progress goes through ``say`` (a line per trial), so a caller chooses where it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import InputError
from mlgate.results import GateResult


@dataclass(frozen=True)
class TuneInputs:
    """Everything a search needs, resolved by the command from its options and the project."""

    train: Path
    test: Path
    target: str
    task: str
    config: dict[str, Any]  # the tune: section
    settings: Any  # the project's mlgate.settings.Settings, or None: chooses the prepare step
    root: Path
    best_path: Path
    experiment: str
    tracking_uri: str | None
    track: bool = True
    n_jobs: int = -1


@dataclass
class Tuned:
    """The gate's result, and the tuned-params document for the train stage when it passed."""

    result: GateResult
    best: dict[str, Any] | None


def _shown(path: Path, root: Path) -> str:
    from mlgate.settings import display_path

    return display_path(path, root)


def prepare_line(preparation: Any) -> str:
    """One line on the prepare step: where it comes from, the features by kind, what is unused."""
    described = preparation.describe()
    line = f"  prepare: {described['source']}"
    if "features" in described:
        kinds = ", ".join(f"{len(names)} {kind}" for kind, names in described["features"].items())
        line += f"; features: {kinds}"
        if described["not_used"]:
            unused = ", ".join(f"{name} ({why})" for name, why in described["not_used"].items())
            line += f"; not used: {unused}"
    return line


def tune(inputs: TuneInputs, say: Callable[[str], None] = print) -> Tuned:
    """Search, check the winner (the sanity gate), record the runs; the result and the winner."""
    from joblib import effective_n_jobs

    from mlgate import __version__
    from mlgate.data_io import read_table
    from mlgate.modeling import project_preprocessing
    from mlgate.tracking import file_md5, lineage_tags
    from mlgate.tuning import checks
    from mlgate.tuning.data import features_and_target, require_columns
    from mlgate.tuning.report import best_document, build_report, fingerprint, summary_markdown
    from mlgate.tuning.search import holdout_score, replay, run_search
    from mlgate.tuning.space import parse_config

    config = parse_config(inputs.config, inputs.task)
    train_shown, test_shown = _shown(inputs.train, inputs.root), _shown(inputs.test, inputs.root)
    X, y = features_and_target(read_table(inputs.train), inputs.target, inputs.train)
    X_test, y_test = features_and_target(read_table(inputs.test), inputs.target, inputs.test)
    missing = [c for c in X.columns if c not in X_test.columns]
    if missing:
        raise InputError(
            f"{test_shown}: lacks feature column(s) {', '.join(map(str, missing))} of {train_shown}"
        )
    X_test = X_test[list(X.columns)]
    preparation = project_preprocessing(inputs.settings, X, inputs.target)
    if preparation.contract is not None:
        require_columns(X, preparation.contract.features(), inputs.train, preparation.source)

    algorithms = ", ".join(space.algorithm.name for space in config.spaces)
    say(
        f"mlgate tune: {config.n_trials} trials over {algorithms}; {config.cv_folds}-fold CV on "
        f"{train_shown} ({len(X)} rows), scoring {config.scoring}, seed {config.seed}, "
        f"{effective_n_jobs(inputs.n_jobs)} worker(s)"
    )
    say(prepare_line(preparation))

    def progress(trial, total, best) -> None:
        params = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in trial.params.items()
        )
        say(
            f"  trial {trial.number:>3}/{total} {trial.algorithm:<34} CV {trial.cv_score:.4f} "
            f"± {trial.cv_std:.4f}  fit {trial.fit_time:6.2f}s  best #{best.number} "
            f"{best.cv_score:.4f}  {params}"
        )

    try:
        result = run_search(
            config,
            X,
            y,
            prepare=preparation.transformer,
            n_jobs=inputs.n_jobs,
            on_trial=progress,
        )
        held_out = holdout_score(result, config, X_test, y_test)
    except ValueError as error:
        raise InputError(
            f"{train_shown}: a candidate failed to fit or score ({error})",
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
    for check in found:
        say(f"  {'ok  ' if check.passed else 'FAIL'} {check.name}: {check.message}")

    config_dict = config.as_dict()
    data_hash = file_md5(inputs.train)
    described = preparation.describe()
    print_ = fingerprint(
        {**config_dict, "preprocessing": described},
        data_hash,
        result.best.algorithm,
        result.best.params,
    )
    trials = [t.as_dict() for t in result.trials]
    tracking = None
    if inputs.track:
        from mlgate.tuning.runs import log_search

        tags = lineage_tags(inputs.root, inputs.train, config_dict)
        tags["mlgate.tune_fingerprint"] = print_
        tags["mlgate.preprocessing"] = preparation.source
        tracking = log_search(
            tracking_uri=inputs.tracking_uri,
            experiment=inputs.experiment,
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

    passed = verdict == "pass"
    best_shown = _shown(inputs.best_path, inputs.root)
    report = build_report(
        version=__version__,
        config=config_dict,
        trials=trials,
        best=result.best.as_dict(),
        baseline_score=result.baseline_score,
        holdout_score=held_out,
        checks=[c.as_dict() for c in found],
        verdict=verdict,
        stopped_by=result.stopped_by,
        n_candidates=result.n_candidates,
        elapsed_s=result.elapsed_s,
        n_jobs=result.n_jobs,
        data={
            "train": train_shown,
            "train_md5": data_hash,
            "train_rows": len(X),
            "test": test_shown,
            "test_md5": file_md5(inputs.test),
            "test_rows": len(X_test),
            "target": inputs.target,
        },
        tracking=tracking,
        preprocessing=described,
        fingerprint=print_,
        best_params_path=best_shown if passed else None,
    )
    if passed:
        summary = (
            f"winner trial {result.best.number} {result.best.algorithm} CV "
            f"{result.best.cv_score:.4f} -> {best_shown}"
        )
    else:
        failed = sum(not c.passed for c in found)
        summary = f"{failed} sanity check(s) failed; {best_shown} was not written"
    outputs = {"algorithm": result.best.algorithm, "cv-score": f"{result.best.cv_score:.6g}"}
    if tracking is not None:
        outputs["run-id"] = tracking["parent_run_id"]
    best = (
        best_document(
            task=inputs.task,
            algorithm=result.best.algorithm,
            params=result.best.params,
            seed=config.seed,
            cv_score=result.best.cv_score,
            scoring=config.scoring,
            fingerprint=print_,
        )
        if passed
        else None
    )
    gate = GateResult(
        gate="tune",
        passed=passed,
        summary=summary,
        document=report,
        markdown=summary_markdown(report),
        outputs=outputs,
    )
    return Tuned(gate, best)
