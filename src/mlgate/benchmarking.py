"""The benchmark gate: a candidate against the champion, a dummy baseline and the goals.

Both models are scored on the same held-out rows:

* quality metrics (:mod:`mlgate.metrics`);
* ``latency_p50_ms`` / ``latency_p95_ms``: one-row ``predict`` calls on the loaded estimator,
  after warm-up calls, over ``latency_runs`` calls (cycling through the rows), stopping early
  after one second once 30 calls are timed; the default goals only put a generous ceiling on
  p95 so that timing noise never fails a good model;
* ``throughput_rows_per_s``: ``predict`` on a batch of at least 10,000 rows (the held-out rows
  repeated), best of three;
* ``size_mb``: the model's artifact folder on disk (weights, MLmodel, environment files).

The dummy baseline is scikit-learn's ``DummyClassifier(strategy="prior")`` or
``DummyRegressor(strategy="mean")``, fitted on the training data when given, else on the
held-out data (which flatters the dummy, so lift goals get stricter, never looser).

The verdict comes from :func:`mlgate.goals.judge`. The JSON report records the champion
version it compared against, so that ``mlgate promote`` can refuse when the champion moved.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate import __version__
from mlgate import goals as goals_module
from mlgate.data_io import read_table
from mlgate.errors import InputError
from mlgate.metrics import (
    OPERATIONAL_METRICS,
    classification_metrics,
    quality_metrics,
    regression_metrics,
)
from mlgate.registry import ModelRef, Registry, connect, resolve_model
from mlgate.reporting import markdown_table, verdict_badge
from mlgate.results import GateResult
from mlgate.settings import display_path

THROUGHPUT_MIN_ROWS = 10_000
LATENCY_WARMUP = 5
LATENCY_BUDGET_S = 1.0
LATENCY_MIN_CALLS = 30


@dataclass
class LoadedModel:
    """A model downloaded from MLflow: the estimator, its size, where it came from."""

    ref: ModelRef
    model: Any
    size_bytes: int
    flavor: str

    @property
    def has_proba(self) -> bool:
        return hasattr(self.model, "predict_proba") and hasattr(self.model, "classes_")


def _split(frame: Any, target: str, source: str) -> tuple[Any, Any]:
    if target not in frame.columns:
        raise InputError(
            f"{source}: no target column {target!r}",
            hint=f"columns are: {', '.join(map(str, frame.columns[:20]))}; pass --target COL",
        )
    return frame.drop(columns=[target]), frame[target]


def load_model(registry: Registry, uri: str, workdir: Path) -> LoadedModel:
    """Download a model, measure its size on disk and load it (sklearn flavor if present)."""
    ref = resolve_model(registry, uri)
    local = registry.download(Path(tempfile.mkdtemp(dir=workdir)), artifact_uri=ref.uri)
    size = sum(p.stat().st_size for p in local.rglob("*") if p.is_file())
    model, flavor = registry.load_model(local)
    return LoadedModel(ref=ref, model=model, size_bytes=size, flavor=flavor)


def expected_columns(loaded: LoadedModel) -> list[str] | None:
    """The input columns a model was fitted on (scikit-learn's ``feature_names_in_``), or None."""
    names = getattr(loaded.model, "feature_names_in_", None)
    if names is None:
        return None
    return [str(name) for name in names]


def column_mismatch(loaded: LoadedModel, features: Any) -> dict[str, list[str]] | None:
    """The columns ``loaded`` needs that ``features`` lacks, and the new ones; None if it fits."""
    expected = expected_columns(loaded)
    if expected is None:
        return None
    present = [str(c) for c in features.columns]
    missing = [c for c in expected if c not in present]
    if not missing:
        return None
    return {"missing": missing, "new": [c for c in present if c not in expected]}


def infer_task(model: Any) -> str:
    """classification or regression, from the estimator itself."""
    from sklearn.base import is_classifier, is_regressor

    if is_classifier(model):
        return "classification"
    if is_regressor(model):
        return "regression"
    raise InputError(
        f"cannot tell whether {type(model).__name__} is a classifier or a regressor",
        hint="pass --task classification or --task regression",
    )


def score(loaded: LoadedModel, task: str, features: Any, labels: Any) -> dict[str, float | None]:
    """Quality metrics of one model on the held-out rows."""
    predictions = loaded.model.predict(features)
    if task == "regression":
        return regression_metrics(labels, predictions)
    proba = loaded.model.predict_proba(features) if loaded.has_proba else None
    classes = getattr(loaded.model, "classes_", None)
    return classification_metrics(labels, predictions, proba, classes)


def measure_speed(model: Any, features: Any, latency_runs: int) -> dict[str, float]:
    """Single-row latency percentiles and batch throughput of ``model.predict``."""
    import numpy as np
    import pandas as pd

    rows = [features.iloc[[i]] for i in range(min(len(features), latency_runs))]
    for i in range(LATENCY_WARMUP):
        model.predict(rows[i % len(rows)])
    timings = []
    deadline = time.perf_counter() + LATENCY_BUDGET_S
    for i in range(latency_runs):
        start = time.perf_counter()
        model.predict(rows[i % len(rows)])
        timings.append(time.perf_counter() - start)
        if time.perf_counter() > deadline and len(timings) >= LATENCY_MIN_CALLS:
            break
    repeats = max(1, -(-THROUGHPUT_MIN_ROWS // len(features)))
    batch = pd.concat([features] * repeats, ignore_index=True)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model.predict(batch)
        best = min(best, time.perf_counter() - start)
    p50, p95 = np.percentile(np.array(timings) * 1000, [50, 95])
    return {
        "latency_p50_ms": float(p50),
        "latency_p95_ms": float(p95),
        "throughput_rows_per_s": float(len(batch) / best),
        "latency_calls": len(timings),
    }


def dummy_metrics(
    task: str, features: Any, labels: Any, train: tuple[Any, Any] | None
) -> dict[str, float | None]:
    """The dummy baseline's quality metrics on the held-out rows."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    fit_x, fit_y = train if train is not None else (features, labels)
    if task == "regression":
        dummy = DummyRegressor(strategy="mean").fit(fit_x, fit_y)
        return regression_metrics(labels, dummy.predict(features))
    dummy = DummyClassifier(strategy="prior").fit(fit_x, fit_y)
    return classification_metrics(
        labels, dummy.predict(features), dummy.predict_proba(features), dummy.classes_
    )


def _measure(loaded: LoadedModel, task: str, x: Any, y: Any, latency_runs: int) -> dict[str, Any]:
    metrics = score(loaded, task, x, y)
    speed = measure_speed(loaded.model, x, latency_runs)
    calls = speed.pop("latency_calls")
    metrics.update(speed)
    metrics["size_mb"] = loaded.size_bytes / 1e6
    return {
        "uri": loaded.ref.uri,
        "run_id": loaded.ref.run_id,
        "name": loaded.ref.name,
        "version": loaded.ref.version,
        "flavor": loaded.flavor,
        "latency_calls": calls,
        "metrics": metrics,
    }


def benchmark(
    candidate: str,
    data: Any,
    target: str,
    *,
    champion: str | None = None,
    goals: Mapping[str, Any] | goals_module.Goals | None = None,
    task: str | None = None,
    train_data: Any = None,
    tracking_uri: str | None = None,
    registry: Registry | None = None,
    latency_runs: int = 100,
    goals_source: str = "goals",
    new_line: bool = False,
) -> GateResult:
    """Score ``candidate`` (and ``champion``, if any) and judge it.

    Returns the gate result: its ``document`` is the JSON report, its ``markdown`` the
    summary. ``registry`` (a connected :class:`mlgate.registry.Registry`) is used as given;
    without it one is connected to ``tracking_uri``.

    ``data`` and ``train_data`` are DataFrames or paths to Parquet/CSV files. ``champion`` None
    is the bootstrap case: the verdict rests on the goals alone.

    A champion fitted on columns the held-out data lacks cannot be compared: the verdict fails
    and names the columns, unless ``new_line`` says the change of data is deliberate; then the
    candidate is judged on the goals alone, and the report records the champion it will
    replace (``incomparable_champion``), which ``mlgate promote`` checks like any champion.
    """
    parsed = (
        goals
        if isinstance(goals, goals_module.Goals)
        else goals_module.parse_goals(goals, goals_source)
    )
    data_source = display_path(data) if isinstance(data, str | Path) else "data"
    frame = read_table(data) if isinstance(data, str | Path) else data
    x, y = _split(frame, target, data_source)
    if len(frame) == 0:
        raise InputError(f"{data_source}: has no rows to score")
    train = None
    if train_data is not None:
        train_source = str(train_data) if isinstance(train_data, str | Path) else "train data"
        train_frame = read_table(train_data) if isinstance(train_data, str | Path) else train_data
        train = _split(train_frame, target, train_source)

    registry = registry or connect(tracking_uri)
    with tempfile.TemporaryDirectory(prefix="mlgate-benchmark-") as workdir:
        cand = load_model(registry, candidate, Path(workdir))
        task = task or infer_task(cand.model)
        available = [*quality_metrics(task, cand.has_proba), *OPERATIONAL_METRICS]
        dummy_available = quality_metrics(task, True)
        goals_module.check_available(parsed, available, goals_source, dummy_available)
        champ = load_model(registry, champion, Path(workdir)) if champion else None
        mismatch = column_mismatch(champ, x) if champ else None
        replaced = None
        if mismatch is not None:
            replaced = {**_identity(champ), **mismatch}
            champ = None
        cand_result = _measure(cand, task, x, y, latency_runs)
        champ_result = _measure(champ, task, x, y, latency_runs) if champ else None
    dummy = dummy_metrics(task, x, y, train)
    checks = goals_module.judge(
        parsed,
        task,
        cand_result["metrics"],
        champ_result["metrics"] if champ_result else None,
        dummy,
    )
    if replaced is not None and not new_line:
        checks.append(_incomparable(replaced))
    ok = goals_module.passed(checks)
    reasons = goals_module.failure_reasons(checks)
    summary = _summary(ok, champ_result, reasons, checks, replaced, new_line)
    report = {
        "gate": "benchmark",
        "verdict": "pass" if ok else "fail",
        "mlgate_version": __version__,
        "task": task,
        "bootstrap": champ_result is None,
        "tracking_uri": registry.uri,
        "data": {"source": data_source, "rows": len(frame), "target": target},
        "dummy": {
            "strategy": "mean" if task == "regression" else "prior",
            "fitted_on": "train" if train is not None else "held-out",
            "metrics": dummy,
        },
        "candidate": cand_result,
        "champion": champ_result,
        "incomparable_champion": replaced,
        "new_line": replaced is not None and new_line,
        "goals": parsed.to_dict(),
        "checks": [check.to_dict() for check in checks],
        "reasons": reasons,
        "summary": summary,
    }
    return GateResult(
        gate="benchmark",
        passed=ok,
        summary=summary,
        document=report,
        markdown=render_markdown(report),
        outputs={"run-id": cand_result["run_id"], "model-uri": cand_result["uri"]},
    )


def _identity(loaded: LoadedModel) -> dict[str, Any]:
    return {"uri": loaded.ref.uri, "name": loaded.ref.name, "version": loaded.ref.version}


def _name(model: Mapping[str, Any]) -> str:
    if model.get("version"):
        return f"champion {model['name']} v{model['version']}"
    return f"champion {model['uri']}"


def _incomparable(replaced: Mapping[str, Any]) -> goals_module.Check:
    """The failed check of a champion that cannot score this data: the columns, and the way on."""
    missing = ", ".join(replaced["missing"][:8])
    new = ", ".join(replaced["new"][:8]) or "none"
    reason = (
        f"{_name(replaced)} cannot score this data: it was trained on other columns (missing "
        f"here: {missing}; new here: {new}). If the data changed on purpose, start a new "
        "champion line: `mlgate benchmark --new-line`, then `mlgate promote`"
    )
    return goals_module.Check(
        "columns", "champion", "same columns as the champion", None, None, False, reason
    )


def _summary(
    ok: bool,
    champion: dict | None,
    reasons: list[str],
    checks: list,
    replaced: dict | None = None,
    new_line: bool = False,
) -> str:
    against = (
        f"champion {champion['name']} v{champion['version']}"
        if champion and champion.get("version")
        else (f"champion {champion['uri']}" if champion else None)
    )
    if replaced is not None and new_line:
        head = (
            f"new champion line: {_name(replaced)} was trained on other columns (missing "
            f"here: {', '.join(replaced['missing'][:5])}), so the candidate is judged on the "
            "goals alone: "
        )
        met = sum(c.passed is True for c in checks)
        return head + (f"it meets all {met} goals" if ok else "it fails: " + "; ".join(reasons))
    if ok:
        base = f"the candidate meets all {sum(c.passed is True for c in checks)} goals"
        if against is None:
            return base + " (bootstrap: no champion yet, judged on the goals alone)"
        return f"{base} and does not regress against {against} beyond the allowed margin"
    prefix = "bootstrap (no champion): " if against is None and replaced is None else ""
    return prefix + "the candidate fails: " + "; ".join(reasons)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def render_markdown(report: Mapping[str, Any]) -> str:
    """The report as Markdown: verdict, comparison table, reasons, a Mermaid chart."""
    cand = report["candidate"]["metrics"]
    champ_block = report.get("champion")
    champ = champ_block["metrics"] if champ_block else {}
    dummy = report["dummy"]["metrics"]
    by_metric: dict[str, list[dict]] = {}
    for check in report["checks"]:
        by_metric.setdefault(check["metric"], []).append(check)

    def verdict(metric: str) -> str:
        checks = by_metric.get(metric, [])
        if not checks:
            return "info"
        if any(c["passed"] is False for c in checks):
            return "❌ fail"
        if all(c["passed"] is None for c in checks):
            return "skipped"
        return "✅ pass"

    rows = []
    for metric in cand:
        goal = "; ".join(c["goal"] for c in by_metric.get(metric, []))
        rows.append(
            [
                metric,
                _fmt(cand.get(metric)),
                _fmt(champ.get(metric)) if champ_block else "n/a",
                _fmt(dummy.get(metric)),
                goal,
                verdict(metric),
            ]
        )
    if champ_block:
        against = (
            f"`{champ_block['name']}` version {champ_block['version']} (`{champ_block['uri']}`)"
            if champ_block.get("version")
            else f"`{champ_block['uri']}`"
        )
    else:
        against = None
    lines = [
        f"## Benchmark: {verdict_badge(report['verdict'] == 'pass')}",
        "",
        f"Candidate `{report['candidate']['uri']}` ({report['task']}, "
        f"{report['data']['rows']} held-out rows from `{report['data']['source']}`).",
        "",
    ]
    replaced = report.get("incomparable_champion")
    if against:
        lines.append(f"Champion: {against}.")
    elif replaced and not report.get("new_line"):
        lines.append(
            f"Champion: {_name(replaced)}, which cannot score this data: it was trained on "
            "other columns."
        )
    elif replaced:
        lines.append(
            f"**New champion line**: {_name(replaced)} was trained on other columns (missing "
            f"here: {', '.join(replaced['missing'][:8])}), so the candidate is judged on the "
            "goals alone and, if promoted, replaces it."
        )
    else:
        lines.append(
            "**Bootstrap**: there is no champion yet, so the candidate is judged on the goals "
            "alone."
        )
    lines += ["", report["summary"], ""]
    lines.append(
        markdown_table(["metric", "candidate", "champion", "dummy", "goal", "verdict"], rows)
    )
    if report["reasons"]:
        lines.append("Why it fails:\n")
        lines.extend(f"- {reason}" for reason in report["reasons"])
        lines.append("")
    lines.append(_mermaid(report["task"], cand, champ if champ_block else None, dummy))
    return "\n".join(lines)


def _mermaid(
    task: str, cand: Mapping[str, Any], champ: Mapping[str, Any] | None, dummy: Mapping[str, Any]
) -> str:
    """An xychart-beta bar chart of the quality metrics, which GitHub renders in Markdown."""
    if task == "classification":
        metrics = [m for m in ("accuracy", "f1_macro", "roc_auc") if cand.get(m) is not None]
        y_axis = 'y-axis "score" 0 --> 1'
    else:
        metrics = [m for m in ("rmse", "mae") if cand.get(m) is not None]
        top = max(
            [cand[m] for m in metrics]
            + [(champ or {}).get(m) or 0 for m in metrics]
            + [dummy.get(m) or 0 for m in metrics]
        )
        y_axis = f'y-axis "error (lower is better)" 0 --> {top * 1.1:.4g}'
    series = [("candidate", cand)]
    if champ is not None:
        series.append(("champion", champ))
    series.append(("dummy", dummy))
    categories = [f"{metric} {label}" for metric in metrics for label, _ in series]
    values = [(source.get(metric) or 0.0) for metric in metrics for _, source in series]
    return "\n".join(
        [
            "```mermaid",
            "xychart-beta",
            f'    title "{" / ".join(label for label, _ in series)} per metric"',
            "    x-axis [" + ", ".join(f'"{c}"' for c in categories) + "]",
            f"    {y_axis}",
            "    bar [" + ", ".join(f"{v:.4g}" for v in values) + "]",
            "```",
            "",
        ]
    )
