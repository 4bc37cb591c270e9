"""The benchmark gate: a candidate against the champion, a dummy baseline and the goals.

Both models are scored on the same held-out rows:

* quality metrics (:mod:`mlgate.metrics`); a metric these rows cannot define is None, and
  the report's ``undefined`` block says why;
* ``latency_p50_ms`` / ``latency_p95_ms``: one-row ``predict`` calls on the loaded estimator,
  timed on the active clock (:mod:`mlgate.timing`: wall time minus the time spent waiting for
  a CPU held by other processes), each row's latency the median of three calls; see
  :func:`measure_speed`;
* ``throughput_rows_per_s``: ``predict`` on a batch of at least 10,000 rows (the held-out rows
  repeated), the fastest of up to three calls, on the same clock;
* ``size_mb``: the model's artifact folder on disk (weights, MLmodel, environment files).

Timing runs with native thread pools limited to one thread: the speed of one scoring thread,
whatever the core count and whatever else the machine runs.

Candidate and champion are then compared on the same rows (:mod:`mlgate.comparison`): the
difference on each quality metric, its interval, and a one-sided test, which the regression
checks of :func:`mlgate.goals.judge` use.

The dummy baseline is scikit-learn's ``DummyClassifier(strategy="prior")`` or
``DummyRegressor(strategy="mean")``, fitted on the training data when given, else on the
held-out data (which flatters the dummy, so lift goals get stricter, never looser).

The JSON report records the champion version it compared against, so that ``mlgate promote``
can refuse when the champion moved.
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate import __version__
from mlgate import goals as goals_module
from mlgate.comparison import RESAMPLES, SEED, Predictions, compare
from mlgate.data_io import read_table
from mlgate.errors import InputError
from mlgate.metrics import (
    OPERATIONAL_METRICS,
    Scores,
    classification_scores,
    quality_metrics,
    regression_scores,
)
from mlgate.registry import ModelRef, Registry, connect, resolve_model
from mlgate.reporting import markdown_table, verdict_badge
from mlgate.results import GateResult
from mlgate.settings import display_path
from mlgate.timing import ActiveClock, Timed

LATENCY_WARMUP = 5
"""Untimed one-row calls before the latency is measured."""
LATENCY_PASSES = 3
"""Calls per row; a row's latency is the median of its calls."""
LATENCY_GROUP_ROWS = 10
"""Rows are added this many at a time (fewer when the held-out data has fewer) ..."""
LATENCY_MIN_ROWS = 20
"""... at least this many (the fewest whose p95 is not simply the slowest row) ..."""
LATENCY_PRECISION = 0.05
"""... until the p95 is known to within this share of its value (the 95% bootstrap interval
over rows, both ends) ..."""
LATENCY_BUDGET_S = 3.0
"""... or the timed calls took this many active seconds, or ``ceil(latency_runs / 3)`` rows
are timed."""
THROUGHPUT_MIN_ROWS = 10_000
"""Rows in the throughput batch at least (the held-out rows repeated)."""
THROUGHPUT_CALLS = 3
"""Batch calls at most; the fastest one counts ..."""
THROUGHPUT_BUDGET_S = 2.0
"""... and no further call once they took this many active seconds."""


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


def predictions(loaded: LoadedModel, task: str, features: Any) -> Predictions:
    """What the model says about the held-out rows: labels or values, and probabilities."""
    predicted = loaded.model.predict(features)
    if task == "regression" or not loaded.has_proba:
        return Predictions(predicted)
    proba = loaded.model.predict_proba(features)
    return Predictions(predicted, proba, getattr(loaded.model, "classes_", None))


def scores(task: str, labels: Any, said: Predictions) -> Scores:
    """Quality metrics of one model's predictions on the held-out rows."""
    if task == "regression":
        return regression_scores(labels, said.predicted)
    return classification_scores(labels, said.predicted, said.proba, said.classes)


@contextmanager
def _quiet_process() -> Iterator[None]:
    """Native thread pools limited to one thread and the garbage collector paused, while
    timing: the numbers then describe one scoring thread, whatever the core count, and not
    the collection of objects other code left behind. (A collection due meanwhile runs
    after; none is forced before, which in a process with MLflow and scikit-learn loaded
    costs 0.1-0.2 s a model and changes no timing.)"""
    from threadpoolctl import threadpool_limits

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if was_enabled:
            gc.enable()


def _per_row_ms(calls: list[list[Timed]]) -> Any:
    """Each row's latency in milliseconds: the median active time of its calls."""
    import numpy as np

    return np.array([np.median([t.active for t in timed]) for timed in calls]) * 1000


def _p95_interval(per_row_ms: Any) -> tuple[float, float]:
    """The 95% percentile-bootstrap interval of the p95 over rows (scipy)."""
    import numpy as np
    from scipy.stats import bootstrap

    if np.ptp(per_row_ms) == 0:
        value = float(per_row_ms[0])
        return value, value
    interval = bootstrap(
        (per_row_ms,),
        lambda sample, axis: np.percentile(sample, 95, axis=axis),
        n_resamples=999,
        confidence_level=0.95,
        method="percentile",
        rng=np.random.default_rng(0),
    ).confidence_interval
    return float(interval.low), float(interval.high)


def p95_settled(per_row_ms: Any) -> tuple[bool, tuple[float, float]]:
    """Whether the p95 of these per-row latencies is known to within
    :data:`LATENCY_PRECISION` on both sides (its 95% bootstrap interval over rows), and that
    interval: the rule that stops latency sampling."""
    import numpy as np

    p95 = float(np.percentile(per_row_ms, 95))
    low, high = interval = _p95_interval(per_row_ms)
    precise = (
        p95 > 0 and high - p95 <= LATENCY_PRECISION * p95 and p95 - low <= LATENCY_PRECISION * p95
    )
    return precise, interval


def measure_speed(model: Any, features: Any, latency_runs: int) -> dict[str, Any]:
    """Single-row latency percentiles and batch throughput of ``model.predict``.

    Every call is timed on the :class:`mlgate.timing.ActiveClock`, so time spent waiting for
    a CPU held by other processes is not counted. Latency: after warm-up calls, held-out rows
    are timed ten at a time, each row three times (the three calls interleaved over the
    group); a row's latency is the median of its calls, ``latency_p50_ms`` and
    ``latency_p95_ms`` the percentiles over rows. Rows are added until, with at least 20
    timed, the p95 is known to within 5% (its 95% bootstrap interval over rows), or the
    calls took three seconds of active time, or ``ceil(latency_runs / 3)`` rows are timed: a
    model whose rows all take the same time stops after 20 rows, one whose p95 depends on a
    few slow rows is sampled further. Throughput: ``predict`` on a batch of at least 10,000
    rows (the held-out rows repeated), the fastest of up to three calls within two seconds
    of active time.

    Returns the four metrics under ``metrics`` and how they were measured under ``timing``.
    """
    import numpy as np
    import pandas as pd

    wanted = max(1, -(-latency_runs // LATENCY_PASSES))
    count = min(len(features), wanted)
    passes = max(LATENCY_PASSES, -(-latency_runs // count))
    rows = [features.iloc[[i]] for i in range(count)]
    repeats = max(1, -(-THROUGHPUT_MIN_ROWS // len(features)))
    batch = pd.concat([features] * repeats, ignore_index=True)
    calls: list[list[Timed]] = []
    interval: tuple[float, float] | None = None
    stopped = "rows"
    with _quiet_process(), ActiveClock() as clock:
        for i in range(LATENCY_WARMUP):
            model.predict(rows[i % count])
        spent = 0.0
        while len(calls) < count:
            group = range(len(calls), min(count, len(calls) + LATENCY_GROUP_ROWS))
            calls.extend([] for _ in group)
            for _ in range(passes):
                for i in group:
                    calls[i].append(clock.time(model.predict, rows[i]))
                    spent += calls[i][-1].active
            if len(calls) == count:
                break
            if spent > LATENCY_BUDGET_S:
                stopped = "budget"
                break
            if len(calls) < LATENCY_MIN_ROWS:
                continue
            precise, interval = p95_settled(_per_row_ms(calls))
            if precise:
                stopped = "precise"
                break
        batches = []
        while len(batches) < THROUGHPUT_CALLS:
            batches.append(clock.time(model.predict, batch))
            if sum(t.active for t in batches) > THROUGHPUT_BUDGET_S:
                break
        kind = clock.kind
    per_row = _per_row_ms(calls)
    every = [t for timed in calls for t in timed]
    p50, p95 = np.percentile(per_row, [50, 95])
    if stopped != "precise":
        interval = _p95_interval(per_row)
    waits = [t.waited for t in every + batches]
    return {
        "metrics": {
            "latency_p50_ms": float(p50),
            "latency_p95_ms": float(p95),
            "throughput_rows_per_s": float(len(batch) / min(t.active for t in batches)),
        },
        "timing": {
            "clock": kind,
            "latency_rows": len(calls),
            "latency_calls": len(every),
            "latency_p95_interval_ms": list(interval) if interval else None,
            "latency_stopped": stopped,
            "wall_latency_p95_ms": float(np.percentile([t.wall for t in every], 95) * 1000),
            "throughput_rows": len(batch),
            "throughput_calls": len(batches),
            "waited_for_cpu_s": None if None in waits else float(sum(waits)),
        },
    }


def dummy_scores(task: str, features: Any, labels: Any, train: tuple[Any, Any] | None) -> Scores:
    """The dummy baseline's quality metrics on the held-out rows."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    fit_x, fit_y = train if train is not None else (features, labels)
    if task == "regression":
        dummy = DummyRegressor(strategy="mean").fit(fit_x, fit_y)
        return regression_scores(labels, dummy.predict(features))
    dummy = DummyClassifier(strategy="prior").fit(fit_x, fit_y)
    return classification_scores(
        labels, dummy.predict(features), dummy.predict_proba(features), dummy.classes_
    )


def _measure(
    loaded: LoadedModel, task: str, x: Any, y: Any, latency_runs: int
) -> tuple[dict[str, Any], Predictions]:
    said = predictions(loaded, task, x)
    quality = scores(task, y, said)
    speed = measure_speed(loaded.model, x, latency_runs)
    metrics = {**quality.values, **speed["metrics"], "size_mb": loaded.size_bytes / 1e6}
    block = {
        "uri": loaded.ref.uri,
        "run_id": loaded.ref.run_id,
        "name": loaded.ref.name,
        "version": loaded.ref.version,
        "flavor": loaded.flavor,
        "latency_calls": speed["timing"]["latency_calls"],
        "metrics": metrics,
        "undefined": quality.undefined,
        "timing": speed["timing"],
    }
    return block, said


def _compare(
    parsed: goals_module.Goals,
    task: str,
    y: Any,
    candidate: tuple[dict[str, Any], Predictions],
    champion: tuple[dict[str, Any], Predictions],
) -> dict[str, Any]:
    """The paired comparison of every quality metric both models have on these rows."""
    cand_block, cand_said = candidate
    champ_block, champ_said = champion
    shared = [
        m
        for m in quality_metrics(task, True)
        if cand_block["metrics"].get(m) is not None and champ_block["metrics"].get(m) is not None
    ]
    tested = goals_module.paired_tests(parsed, task, shared)
    level = goals_module.comparison_level(parsed, tested)
    differences = compare(task, y, cand_said, champ_said, shared, level=level)
    return {
        "method": "paired bootstrap"
        + (", resampled within each class" if task == "classification" else ""),
        "resamples": RESAMPLES,
        "seed": SEED,
        "rows": len(y),
        "alpha": parsed.alpha,
        "tests": len(tested),
        "level": level,
        "differences": differences,
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
        cand_result, cand_said = _measure(cand, task, x, y, latency_runs)
        champ_pair = _measure(champ, task, x, y, latency_runs) if champ else None
    champ_result = champ_pair[0] if champ_pair else None
    comparison = (
        _compare(parsed, task, y, (cand_result, cand_said), champ_pair) if champ_pair else None
    )
    dummy = dummy_scores(task, x, y, train)
    checks = goals_module.judge(
        parsed,
        task,
        cand_result["metrics"],
        champ_result["metrics"] if champ_result else None,
        dummy.values,
        differences=comparison["differences"] if comparison else None,
        undefined={
            "candidate": cand_result["undefined"],
            "champion": champ_result["undefined"] if champ_result else {},
            "dummy": dummy.undefined,
        },
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
            "metrics": dummy.values,
            "undefined": dummy.undefined,
        },
        "candidate": cand_result,
        "champion": champ_result,
        "comparison": _comparison_document(comparison),
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


def _comparison_document(comparison: dict[str, Any] | None) -> dict[str, Any] | None:
    if comparison is None:
        return None
    differences = comparison["differences"]
    return {
        **{k: v for k, v in comparison.items() if k != "differences"},
        "metrics": {metric: d.to_dict() for metric, d in differences.items()},
    }


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
        return (
            f"{base} and does not regress against {against} beyond the allowed margin and the "
            "noise of the held-out rows"
        )
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

    comparison = report.get("comparison") or {}
    paired = comparison.get("metrics", {})
    undefined = {
        "candidate": report["candidate"].get("undefined") or {},
        "champion": (champ_block or {}).get("undefined") or {},
        "dummy": report["dummy"].get("undefined") or {},
    }

    def value(whose: str, values: Mapping[str, Any], metric: str) -> str:
        if values.get(metric) is None and metric in undefined[whose]:
            return "undefined"
        return _fmt(values.get(metric))

    def difference(metric: str) -> str:
        found = paired.get(metric)
        if found is None:
            return ""
        low, high = found["interval"]
        return f"{found['difference']:+.3g} [{low:+.3g}, {high:+.3g}]"

    rows = []
    for metric in cand:
        goal = "; ".join(c["goal"] for c in by_metric.get(metric, []))
        row = [metric, value("candidate", cand, metric)]
        row.append(value("champion", champ, metric) if champ_block else "n/a")
        if comparison:
            row.append(difference(metric))
        row += [value("dummy", dummy, metric), goal, verdict(metric)]
        rows.append(row)
    headers = ["metric", "candidate", "champion", "dummy", "goal", "verdict"]
    if comparison:
        headers.insert(3, f"candidate - champion [{comparison['level']:.0%} interval]")
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
    lines.append(markdown_table(headers, rows))
    if comparison:
        lines.append(
            f"Candidate and champion are compared on the same {comparison['rows']} rows "
            f"({comparison['method']}, {comparison['resamples']} resamples; for accuracy the test "
            "is McNemar's exact test). A regression check fails only when the worsening is beyond "
            f"its margin and the paired test says it is real at {comparison['alpha']:g} / "
            f"{max(1, comparison['tests'])} per check.\n"
        )
    latency = [
        note
        for whose, block in (("candidate", report["candidate"]), ("champion", champ_block))
        if block and (note := _latency_note(whose, block))
    ]
    if latency:
        lines.append(
            "Latency, one row per call on the active clock (time spent waiting for a CPU "
            "held by other processes left out):\n"
        )
        lines.extend(latency)
        lines.append("")
    notes = [
        f"- {whose} {metric}: {cause}"
        for whose, causes in undefined.items()
        for metric, cause in causes.items()
    ]
    if notes:
        lines.append("Undefined on these rows:\n")
        lines.extend(notes)
        lines.append("")
    if report["reasons"]:
        lines.append("Why it fails:\n")
        lines.extend(f"- {reason}" for reason in report["reasons"])
        lines.append("")
    lines.append(_mermaid(report["task"], cand, champ if champ_block else None, dummy))
    return "\n".join(lines)


_STOPPED = {
    "precise": "settled to within 5%",
    "rows": "every row allowed was timed",
    "budget": "the time budget was spent",
}


def _latency_note(whose: str, block: Mapping[str, Any]) -> str | None:
    """One line on how a model's latency was measured, or None when it was not recorded."""
    timing = block.get("timing") or {}
    p95 = (block.get("metrics") or {}).get("latency_p95_ms")
    if p95 is None or "latency_rows" not in timing:
        return None
    interval = timing.get("latency_p95_interval_ms")
    spread = f" (95% interval {interval[0]:.3g}-{interval[1]:.3g} ms)" if interval else ""
    stopped = _STOPPED.get(timing.get("latency_stopped", ""), "")
    return (
        f"- {whose}: p95 {p95:.3g} ms{spread} over {timing['latency_rows']} rows, "
        f"{timing['latency_calls']} calls" + (f"; {stopped}" if stopped else "")
    )


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
