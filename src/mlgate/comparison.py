"""Candidate against champion on the same held-out rows: a paired, stratified bootstrap.

Both models score the same rows, so what matters is how their difference would vary over
other samples of rows like these. :func:`compare` resamples the held-out rows with
replacement ``resamples`` times (within each class for classification, so that every class
keeps its number of rows and every metric stays defined in every resample; from all rows for
regression), computes each metric of *both* models on every resample, and keeps the
differences candidate - champion. The interval at ``level`` is the percentile interval of
those differences. Pairing is what makes the comparison sharp: rows both models get right or
wrong cancel out, and only the rows where they disagree carry the difference.

Every metric is computed from row weights (how often each row was drawn into a resample),
which gives the exact value scikit-learn computes on the resampled rows, for all resamples
at once, in ``O(resamples x rows)``: accuracy, macro F1 (per-class counts), ROC AUC (the
Mann-Whitney statistic, ties counting one half; one-vs-rest and macro-averaged for several
classes), log loss, RMSE, MAE and R². A resample on which a metric is undefined (R² of a
resample whose target is constant) is left out of that metric's interval.

Each difference also gets a one-sided p-value for "the candidate is not worse": the share of
resamples in which it is not worse (bootstrap), except for accuracy, where the exact test is
known and used: McNemar's, the binomial test of the rows only one of the two models gets
right (``scipy.stats.binomtest``). The bootstrap is too quick to call a difference real when
the models disagree on a handful of rows (four rows all in the champion's favour are
"significant" to it, a 1-in-16 event for equally good models); the exact test is not.

The random generator is seeded: the same rows and predictions always give the same interval,
so a verdict never changes from one run to the next on the same inputs.

scipy's ``stats.bootstrap`` is not used: it cannot resample within classes, and it evaluates a
statistic on copies of the resampled data, where this module needs all metrics of two models
from one set of row weights. Its BCa intervals also need a jackknife (one evaluation per left-
out row), which costs ``O(rows²)`` on a large held-out set.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from mlgate.metrics import higher_is_better

RESAMPLES = 1000
"""Bootstrap resamples per comparison (each tail of a 95% interval rests on 25 of them)."""
SEED = 0
"""Seed of the resampling: the same inputs always give the same interval."""
_BATCH_CELLS = (2_000_000, 8_000_000)
"""Resamples are drawn in batches of about the first number of (row, resample) weights, and
of at least 64 resamples while that stays under the second (wide batches run faster)."""


@dataclass(frozen=True)
class Predictions:
    """What one model said about the held-out rows.

    ``predicted`` holds one label (classification) or value (regression) per row; ``proba``
    the ``predict_proba`` matrix whose columns follow ``classes``, when the model has one.
    """

    predicted: Any
    proba: Any = None
    classes: Any = None


@dataclass(frozen=True)
class Difference:
    """Candidate minus champion on one metric, over the same rows, with its interval and test.

    ``low`` and ``high`` bound the difference at ``level`` (percentile bootstrap).
    ``p_value`` is one-sided, for "the candidate is not worse than the champion"; ``test``
    names where it comes from (``bootstrap``, or ``mcnemar`` for accuracy). The candidate is
    significantly worse when ``p_value`` is below ``(1 - level) / 2``, the level each tail of
    the interval leaves out.
    """

    metric: str
    candidate: float
    champion: float
    low: float
    high: float
    level: float
    p_value: float
    test: str
    rows: int
    resamples: int

    @property
    def difference(self) -> float:
        return self.candidate - self.champion

    @property
    def worsening(self) -> float:
        """How much worse the candidate is (negative when it is better), in metric units."""
        return -self.difference if higher_is_better(self.metric) else self.difference

    @property
    def worsening_interval(self) -> tuple[float, float]:
        """The interval of :attr:`worsening` at :attr:`level`."""
        if higher_is_better(self.metric):
            return -self.high, -self.low
        return self.low, self.high

    @property
    def significantly_worse(self) -> bool:
        """True when the test says the candidate is worse, at the level of one tail."""
        return self.p_value < (1 - self.level) / 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "champion": self.champion,
            "difference": self.difference,
            "interval": [self.low, self.high],
            "level": self.level,
            "p_value": self.p_value,
            "test": self.test,
            "significantly_worse": self.significantly_worse,
        }


def compare(
    task: str,
    y_true: Any,
    candidate: Predictions,
    champion: Predictions,
    metrics: Iterable[str],
    *,
    level: float = 0.95,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict[str, Difference]:
    """The paired comparison of ``metrics``, each defined for both models on these rows."""
    metrics = list(metrics)
    if not metrics:
        return {}
    if task == "classification":
        y_codes, said, cand, champ = _classification(y_true, candidate, champion, metrics)
        strata = [np.flatnonzero(y_codes == code) for code in np.unique(y_codes)]
        dtype: Any = np.float32  # counts and sums of 0/1 columns: exact, half the memory
    else:
        truth = np.asarray(y_true, dtype=float)
        cand = _regression(truth, np.asarray(candidate.predicted, dtype=float), metrics)
        champ = _regression(truth, np.asarray(champion.predicted, dtype=float), metrics)
        strata = [np.arange(len(truth))]
        dtype = np.float64  # sums of squares of large targets need double precision
    n = int(sum(len(s) for s in strata))
    columns = np.hstack([cand.columns, champ.columns]).T
    as_weights = np.ascontiguousarray(columns, dtype=dtype)
    split = cand.columns.shape[1]

    def both(weights: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        sums = ((as_weights if weights.dtype == dtype else columns) @ weights).T
        return cand.finish(sums[:, :split], weights), champ.finish(sums[:, split:], weights)

    cand_points, champ_points = both(np.ones((n, 1)))
    draws: dict[str, list[np.ndarray]] = {m: [] for m in metrics}
    # One BLAS thread: the products are small, and threads that spin while other processes
    # hold the cores make them ten times slower on a busy machine.
    with threadpool_limits(limits=1):
        for weights in _resampled_weights(strata, n, resamples, seed, dtype):
            cand_values, champ_values = both(weights)
            for metric in metrics:
                draws[metric].append(cand_values[metric] - champ_values[metric])
    tail = (1 - level) / 2
    result = {}
    for metric in metrics:
        diffs = np.concatenate(draws[metric]).astype(float)
        diffs = diffs[np.isfinite(diffs)]
        point = cand_points[metric][0] - champ_points[metric][0]
        low, high = np.quantile(diffs, [tail, 1 - tail]) if diffs.size else (point, point)
        if not diffs.size:  # no resample defines it: no evidence either way
            p_value, test = 1.0, "bootstrap"
        elif task == "classification" and metric == "accuracy":
            p_value, test = _mcnemar(y_codes == said[0], y_codes == said[1]), "mcnemar"
        else:
            not_worse = diffs >= 0 if higher_is_better(metric) else diffs <= 0
            p_value, test = (int(not_worse.sum()) + 1) / (len(diffs) + 1), "bootstrap"
        result[metric] = Difference(
            metric,
            float(cand_points[metric][0]),
            float(champ_points[metric][0]),
            float(low),
            float(high),
            level,
            float(p_value),
            test,
            n,
            len(diffs),
        )
    return result


def _mcnemar(candidate_right: np.ndarray, champion_right: np.ndarray) -> float:
    """One-sided exact McNemar p-value for "the candidate is not less accurate".

    Only rows exactly one model gets right count; if both are equally accurate, each such row
    is the champion's with probability one half.
    """
    from scipy.stats import binomtest

    champion_only = int((champion_right & ~candidate_right).sum())
    candidate_only = int((candidate_right & ~champion_right).sum())
    if champion_only + candidate_only == 0:
        return 1.0
    test = binomtest(champion_only, champion_only + candidate_only, 0.5, alternative="greater")
    return float(test.pvalue)


def _resampled_weights(
    strata: list[np.ndarray], n: int, resamples: int, seed: int, dtype: Any = np.float64
) -> Iterator[np.ndarray]:
    """Row weights (rows x resamples) of ``resamples`` resamples, in batches.

    Each stratum keeps its number of rows. Column ``r`` says how often each row was drawn
    into resample ``r``.
    """
    rng = np.random.default_rng(seed)
    usual, most = (cells // max(n, 1) for cells in _BATCH_CELLS)
    batch = max(1, min(resamples, max(usual, 64), most))
    done = 0
    while done < resamples:
        size = min(batch, resamples - done)
        picks = [
            rows[rng.integers(0, len(rows), size=(len(rows), size), dtype=np.int32)]
            for rows in strata
        ]
        flat = (np.concatenate(picks, axis=0) * size + np.arange(size, dtype=np.int32)).ravel()
        yield np.bincount(flat, minlength=n * size).reshape(n, size).astype(dtype)
        done += size


@dataclass
class _Evaluation:
    """One model's metrics under row weights.

    ``columns`` holds per-row quantities (one column each); their sums under the weights of
    each resample (resamples x columns) give ``finish`` every metric, with the weights
    themselves (rows x resamples) for ROC AUC.
    """

    columns: np.ndarray
    finish: Callable[[np.ndarray, np.ndarray], dict[str, np.ndarray]]


def _codes(values: Any, labels: Any) -> np.ndarray:
    import pandas as pd

    return pd.Index(labels).get_indexer(pd.Series(list(values), dtype=object))


def _classification(
    y_true: Any, candidate: Predictions, champion: Predictions, metrics: list[str]
) -> tuple[np.ndarray, list[np.ndarray], _Evaluation, _Evaluation]:
    """Label codes of the truth and of each model's predictions, and each model's metrics."""
    import pandas as pd

    pool = [*list(y_true), *list(candidate.predicted), *list(champion.predicted)]
    for model in (candidate, champion):
        if model.classes is not None:
            pool += list(model.classes)
    labels = pd.unique(pd.Series(pool, dtype=object))
    y_codes = _codes(y_true, labels)
    evaluations, said = [], []
    for model in (candidate, champion):
        predicted = _codes(model.predicted, labels)
        said.append(predicted)
        classes = _codes(model.classes, labels) if model.classes is not None else None
        proba = np.asarray(model.proba, dtype=float) if model.proba is not None else None
        evaluations.append(_classifier(metrics, y_codes, predicted, proba, classes))
    return y_codes, said, evaluations[0], evaluations[1]


def _classifier(
    metrics: list[str],
    y: np.ndarray,
    predicted: np.ndarray,
    proba: np.ndarray | None,
    classes: np.ndarray | None,
) -> _Evaluation:
    n = len(y)
    columns: list[np.ndarray] = []
    steps: list[Callable[[np.ndarray, np.ndarray, dict[str, np.ndarray]], None]] = []

    def add(*new: np.ndarray) -> int:
        columns.extend(column.astype(float) for column in new)
        return len(columns) - len(new)

    if "accuracy" in metrics:
        at = add(predicted == y)
        steps.append(lambda sums, w, out: out.__setitem__("accuracy", sums[:, at] / n))
    if "f1_macro" in metrics:
        labels = np.union1d(y, predicted)
        truth = y[:, None] == labels
        said = predicted[:, None] == labels
        hit = add(*(truth & said).T)
        alarm = add(*(said & ~truth).T)
        miss = add(*(truth & ~said).T)
        k = len(labels)

        def f1(sums: np.ndarray, w: np.ndarray, out: dict[str, np.ndarray]) -> None:
            hits = sums[:, hit : hit + k]
            denominator = 2 * hits + sums[:, alarm : alarm + k] + sums[:, miss : miss + k]
            safe = np.where(denominator > 0, denominator, 1.0)
            out["f1_macro"] = np.where(denominator > 0, 2 * hits / safe, 0.0).mean(axis=1)

        steps.append(f1)
    needs_proba = [m for m in ("log_loss", "roc_auc") if m in metrics]
    if needs_proba and (proba is None or classes is None):
        raise ValueError(f"{', '.join(needs_proba)} need the model's probabilities")
    if "log_loss" in metrics:
        column = {code: i for i, code in enumerate(classes)}
        eps = np.finfo(float).eps
        p_true = proba[np.arange(n), [column[code] for code in y]]
        at_loss = add(-np.log(np.clip(p_true, eps, 1 - eps)))
        steps.append(lambda sums, w, out: out.__setitem__("log_loss", sums[:, at_loss] / n))
    if "roc_auc" in metrics:
        if len(classes) == 2:
            per_class = [_auc(proba[:, 1], y == classes[1])]
        else:
            per_class = [_auc(proba[:, i], y == code) for i, code in enumerate(classes)]

        def roc_auc(sums: np.ndarray, w: np.ndarray, out: dict[str, np.ndarray]) -> None:
            out["roc_auc"] = np.mean([auc(w) for auc in per_class], axis=0)

        steps.append(roc_auc)
    return _Evaluation(_stack(columns, n), _finisher(steps))


def _stack(columns: list[np.ndarray], n: int) -> np.ndarray:
    return np.column_stack(columns) if columns else np.zeros((n, 0))


def _finisher(
    steps: list[Callable[[np.ndarray, np.ndarray, dict[str, np.ndarray]], None]],
) -> Callable[[np.ndarray, np.ndarray], dict[str, np.ndarray]]:
    def finish(sums: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for step in steps:
            step(sums, weights, out)
        return out

    return finish


def _auc(score: np.ndarray, positive: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """ROC AUC of ``score`` for ``positive`` rows vs the rest, under row weights.

    The Mann-Whitney statistic: over pairs of a positive and a negative row, the weighted
    share where the positive scores higher, ties counting one half. With the negatives sorted
    by score, the negatives below a positive are a prefix: one cumulative sum per resample.
    """
    positives = np.flatnonzero(positive)
    negatives = np.flatnonzero(~positive)
    negatives = negatives[np.argsort(score[negatives], kind="mergesort")]
    ranked = score[negatives]
    # cumulative[k] = weight of the first k sorted negatives (row 0 stays zero)
    below = np.searchsorted(ranked, score[positives], side="left")
    up_to = np.searchsorted(ranked, score[positives], side="right")
    order = np.concatenate([negatives, positives])
    count = len(negatives)

    def auc(w: np.ndarray) -> np.ndarray:
        table = np.zeros((len(order) + 1, w.shape[1]), dtype=w.dtype)
        np.take(w, order, axis=0, out=table[1:])
        cumulative = table[: count + 1]
        np.add.accumulate(cumulative, axis=0, out=cumulative)
        pos = table[count + 1 :]
        shares = cumulative[below]
        shares += cumulative[up_to]
        wins = np.einsum("ij,ij->j", pos, shares) / 2
        pairs = pos.sum(axis=0) * cumulative[-1]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1.0), np.nan)

    return auc


def _regression(truth: np.ndarray, predicted: np.ndarray, metrics: list[str]) -> _Evaluation:
    n = len(truth)
    columns = np.column_stack(
        [(predicted - truth) ** 2, np.abs(predicted - truth), truth, truth**2]
    )

    def finish(sums: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
        squared, absolute, total, total_sq = sums.T
        spread = total_sq - total**2 / n
        with np.errstate(invalid="ignore", divide="ignore"):
            r2 = np.where(spread > 0, 1 - squared / np.where(spread > 0, spread, 1.0), np.nan)
        values = {"rmse": np.sqrt(squared / n), "mae": absolute / n, "r2": r2}
        return {metric: values[metric] for metric in metrics}

    return _Evaluation(columns, finish)
