"""What a search leaves behind: the tuned-params file, the JSON report and the Markdown summary.

The tuned-params file is the contract with a project's train stage::

    {"algorithm": "random_forest", "params": {"n_estimators": 120, ...},
     "seed": 42, "task": "classification", "cv_score": 0.96, "scoring": "balanced_accuracy",
     "fingerprint": "..."}

``mlgate.modeling.build_model(best["task"], best["algorithm"], best["params"], seed, prepare)``
rebuilds the model, with the prepare step the search used (see :func:`tuned_estimator`).
All functions here are pure (data in, data out) apart from :func:`read_best_params`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgate.errors import InputError
from mlgate.reporting import markdown_table, verdict_badge
from mlgate.tracking import params_hash

BEST_KEYS = ("algorithm", "params", "task", "seed", "cv_score", "scoring")


def fingerprint(
    config: dict[str, Any], data_hash: str, algorithm: str, params: dict[str, Any]
) -> str:
    """A stable hash of what decides a search (settings, data) and what it chose (the winner).

    Two runs with the same settings and data have the same fingerprint exactly when they
    chose the same winner with the same parameters.
    """
    return params_hash(
        {"config": config, "data": data_hash, "algorithm": algorithm, "params": params}
    )


def best_document(
    *,
    task: str,
    algorithm: str,
    params: dict[str, Any],
    seed: int,
    cv_score: float,
    scoring: str,
    fingerprint: str,
) -> dict[str, Any]:
    return {
        "algorithm": algorithm,
        "params": params,
        "task": task,
        "seed": seed,
        "cv_score": cv_score,
        "scoring": scoring,
        "fingerprint": fingerprint,
    }


def read_best_params(path: Path | str) -> dict[str, Any]:
    """Read a tuned-params file written by ``mlgate tune``, checking its shape."""
    from mlgate.data_io import read_document

    data = read_document(
        path, "tuned-params file", hint="run `mlgate tune` (or `dvc repro tune`) first"
    )
    missing = [key for key in BEST_KEYS if key not in data]
    if missing:
        raise InputError(
            f"{path}: tuned-params file lacks {', '.join(missing)}",
            hint="re-create it with `mlgate tune`",
        )
    if not isinstance(data["params"], dict):
        raise InputError(f"{path}: 'params' must be a mapping of parameter names to values")
    return data


def build_report(
    *,
    version: str,
    config: dict[str, Any],
    trials: Sequence[dict[str, Any]],
    best: dict[str, Any],
    baseline_score: float,
    holdout_score: float | None,
    checks: Sequence[dict[str, Any]],
    verdict: str,
    stopped_by: str,
    n_candidates: int,
    elapsed_s: float,
    n_jobs: int,
    data: dict[str, Any],
    tracking: dict[str, Any] | None,
    fingerprint: str,
    best_params_path: str | None,
    preprocessing: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "gate": "tune",
        "verdict": verdict,
        "mlgate_version": version,
        "task": config["task"],
        "scoring": config["scoring"],
        "seed": config["seed"],
        "budget": {
            "n_trials": config["n_trials"],
            "max_seconds": config["max_seconds"],
            "cv_folds": config["cv_folds"],
        },
        "trials_run": len(trials),
        "candidates_drawn": n_candidates,
        "stopped_by": stopped_by,
        "elapsed_s": elapsed_s,
        "n_jobs": n_jobs,
        "best": best,
        "baseline_cv_score": baseline_score,
        "holdout_score": holdout_score,
        "checks": list(checks),
        "fingerprint": fingerprint,
        "best_params_path": best_params_path,
        "data": data,
        "preprocessing": preprocessing,
        "tracking": tracking,
        "config": config,
        "trials": list(trials),
    }


def _params_text(params: dict[str, Any]) -> str:
    parts = []
    for key, value in params.items():
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        parts.append(f"{key}={shown}")
    return ", ".join(parts)


def summary_markdown(report: dict[str, Any]) -> str:
    """The Markdown summary: verdict, the checks, the winner and a table of every trial."""
    passed = report["verdict"] == "pass"
    best = report["best"]
    lines = [
        f"## mlgate tune: {verdict_badge(passed)}",
        "",
        f"Task **{report['task']}**, scoring **{report['scoring']}** "
        f"({report['budget']['cv_folds']}-fold CV on the training split), "
        f"seed {report['seed']}, {report['trials_run']} of "
        f"{report['candidates_drawn']} trials in {report['elapsed_s']:.1f} s on {report['n_jobs']} "
        f"worker(s), stopped by the {report['stopped_by']} budget.",
        "",
        f"Winner: trial {best['trial']}, **{best['algorithm']}** ({_params_text(best['params'])}), "
        f"CV {best['cv_score']:.4f} ± {best['cv_std']:.4f}; dummy baseline "
        f"{report['baseline_cv_score']:.4f}"
        + (
            f"; held-out {report['holdout_score']:.4f}."
            if report["holdout_score"] is not None
            else "."
        ),
        "",
        "### Sanity checks",
        "",
        markdown_table(
            ["check", "result", "detail"],
            [[c["name"], verdict_badge(c["passed"]), c["message"]] for c in report["checks"]],
        ),
        "### Trials",
        "",
        markdown_table(
            [
                "rank",
                "trial",
                "algorithm",
                f"CV {report['scoring']}",
                "± std",
                "fit time (s)",
                "params",
            ],
            [
                [
                    t["rank"],
                    t["trial"],
                    t["algorithm"],
                    t["cv_score"],
                    t["cv_std"],
                    t["fit_time_s"],
                    _params_text(t["params"]),
                ]
                for t in sorted(report["trials"], key=lambda t: (t["rank"], t["trial"]))
            ],
        ),
        f"Fingerprint `{report['fingerprint'][:16]}`: the same seed, budget and data give the same "
        "fingerprint on a re-run.",
    ]
    if report.get("tracking"):
        tracking = report["tracking"]
        lines += [
            "",
            f"MLflow: experiment `{tracking['experiment']}`, "
            f"search run `{tracking['parent_run_id']}` "
            f"with {tracking['trial_runs']} nested trial runs.",
        ]
    return "\n".join(lines) + "\n"


def tuned_estimator(path: Path | str, seed: int | None = None, *, prepare: Any) -> Any:
    """The unfitted Pipeline ``prepare -> model`` a tuned-params file describes.

    ``seed`` defaults to the file's; ``prepare`` is the project's prepare step, the one
    ``mlgate tune`` searched with (:func:`mlgate.modeling.project_preprocessing` chooses it
    the same way). With both, this is exactly the winning candidate of the search.
    """
    from mlgate.modeling import build_model

    best = read_best_params(path)
    return build_model(
        best["task"],
        best["algorithm"],
        best["params"],
        best["seed"] if seed is None else seed,
        prepare,
    )
