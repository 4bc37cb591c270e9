"""Goals: the measurable targets a candidate model must reach, and the verdict against them.

The ``goals:`` section of a project's params.yaml::

    goals:
      min:                     # floors: the candidate must reach at least this
        roc_auc: 0.95
        accuracy: 0.90
      max:                     # ceilings: the candidate must stay at or under this
        latency_p95_ms: 200
        size_mb: 50
      max_regression:          # allowed worsening against the champion
        roc_auc: 0.01          #   absolute, in the metric's own units
        accuracy: "2%"         #   or relative to the champion's value
      min_lift_over_dummy:     # required improvement over scikit-learn's dummy baseline
        accuracy: 0.10

Worsening and lift are direction-aware: for ``rmse``, ``mae``, ``log_loss``, latencies and size
a *rise* is a regression. ``min`` only takes metrics where higher is better and ``max`` only
those where lower is better (a floor on rmse is a mistake, reported as such).

**The champion comparison** judges a regression like the data gate judges drift: by its size
*and* by the noise of the held-out rows. Candidate and champion are compared on the same rows
(:mod:`mlgate.comparison`), and a quality metric's regression check fails only when

1. the candidate is worse than the champion by more than the allowed margin, *and*
2. the paired test says the candidate is worse at all: its one-sided p-value is below
   ``alpha / m``, ``m`` being the number of regression checks with a paired test
   (Bonferroni: ``alpha``, default 0.05, bounds the chance that a candidate as good as the
   champion is refused by any of them).

The margin keeps large held-out sets from refusing trivial losses; the test keeps small ones
from refusing noise. A worse candidate therefore fails once its loss is beyond the margin and
beyond what the held-out rows can tell from noise: for accuracy, roughly
``margin`` and ``2 * sqrt(d / n)`` (``d`` the share of the ``n`` rows on which the two models
disagree). The interval in each check says how far that is on the rows at hand.
Latency, throughput and size have no per-row sample: their regression checks compare the
measured values. Add ``alpha: 0.05`` (any value in (0, 0.5]) beside the sections to change the
level.

Without a ``max_regression`` key the candidate must not be worse than the champion on the
task's primary metric (``roc_auc`` for classification, ``rmse`` for regression), under the same
rule with a margin of zero; write ``max_regression: {}`` to compare with the champion for
information only. Without a champion (the bootstrap case) the regression checks are skipped
and the verdict rests on the other goals.

**Undefined metrics** (:mod:`mlgate.metrics`: ROC AUC when a class has no held-out row, log
loss when the held-out rows hold a class the model never learned, R² of a constant target):

* a ``min``, ``max`` or ``min_lift_over_dummy`` goal on a metric that is undefined for the
  candidate (or, for a lift, the dummy) *fails*, with the reason: a floor that cannot be
  checked is never passed in silence;
* a ``max_regression`` check is *skipped*, with the reason, when the metric is undefined for
  the champion (there is nothing to regress from); it *fails* when only the candidate's is
  undefined.

Everything here is pure: no I/O, no MLflow.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from mlgate.errors import ConfigError, InputError
from mlgate.metrics import KNOWN_METRICS, PRIMARY_METRIC, higher_is_better

if TYPE_CHECKING:
    from mlgate.comparison import Difference

GOAL_KINDS = ("min", "max", "max_regression", "min_lift_over_dummy")
SETTINGS = ("alpha",)
"""Keys of the goals mapping that are settings, not sections of goals."""
DEFAULT_ALPHA = 0.05
"""Chance that a candidate as good as the champion fails any regression check."""
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Margin:
    """An allowed regression: ``value`` in metric units, or a percentage of the champion's."""

    value: float
    relative: bool = False

    def allowed(self, champion_value: float) -> float:
        return abs(champion_value) * self.value / 100 if self.relative else self.value

    def __str__(self) -> str:
        return f"{self.value:g}%" if self.relative else f"{self.value:g}"


@dataclass(frozen=True)
class Goals:
    """Parsed goals; see the module documentation for the format."""

    min: dict[str, float] = field(default_factory=dict)
    max: dict[str, float] = field(default_factory=dict)
    max_regression: dict[str, Margin] | None = None
    min_lift_over_dummy: dict[str, float] = field(default_factory=dict)
    alpha: float = DEFAULT_ALPHA

    def metrics(self) -> set[str]:
        """Every metric some goal refers to."""
        names = set(self.min) | set(self.max) | set(self.min_lift_over_dummy)
        return names | set(self.max_regression or {})

    def to_dict(self) -> dict[str, Any]:
        """The goals as written, for reports (margins as numbers or "N%" strings)."""
        data: dict[str, Any] = {"min": dict(self.min), "max": dict(self.max)}
        if self.max_regression is not None:
            data["max_regression"] = {
                k: (str(m) if m.relative else m.value) for k, m in self.max_regression.items()
            }
        data["min_lift_over_dummy"] = dict(self.min_lift_over_dummy)
        data["alpha"] = self.alpha
        return data


@dataclass(frozen=True)
class Check:
    """One goal applied to one metric.

    ``passed`` is None when the check was skipped (no champion to compare with, or a metric
    undefined for the champion). ``paired`` holds the paired comparison a regression check
    rests on (:meth:`mlgate.comparison.Difference.to_dict`), when it has one.
    """

    metric: str
    kind: str
    goal: str
    candidate: float | None
    reference: float | None
    passed: bool | None
    reason: str
    paired: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(
            f"{where} = {value!r} is not a finite number",
            hint="write a plain number, e.g. 0.95",
        )
    return float(value)


def _margin(value: Any, where: str) -> Margin:
    if isinstance(value, str) and value.strip().endswith("%"):
        text = value.strip()[:-1].strip()
        try:
            number = float(text)
        except ValueError:
            raise ConfigError(
                f"{where} = {value!r} is not a percentage",
                hint='write an absolute margin such as 0.01 or a relative one such as "2%"',
            ) from None
        margin = Margin(number, relative=True)
    else:
        margin = Margin(_number(value, where))
    if margin.value < 0 or not math.isfinite(margin.value):
        raise ConfigError(
            f"{where} = {value!r} must be zero or positive",
            hint="a margin is how much worse than the champion the candidate may be",
        )
    return margin


def parse_goals(raw: Mapping[str, Any] | None, source: str = "goals") -> Goals:
    """Check and parse a ``goals`` mapping; ``source`` names it in error messages."""
    if raw is None:
        return Goals()
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f"{source}: must be a mapping with keys {', '.join(GOAL_KINDS)}",
            hint="see docs/registry.md for the goals format",
        )
    unknown = sorted(set(raw) - set(GOAL_KINDS) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f"{source}: unknown goal kind(s) {', '.join(map(repr, unknown))}",
            hint=f"use {', '.join(GOAL_KINDS + SETTINGS)}",
        )
    alpha = DEFAULT_ALPHA
    if raw.get("alpha") is not None:
        alpha = _number(raw["alpha"], f"{source}.alpha")
        if not 0 < alpha <= 0.5:
            raise ConfigError(
                f"{source}.alpha = {raw['alpha']!r} must be above 0 and at most 0.5",
                hint="alpha is the chance that a candidate as good as the champion is refused; "
                "0.05 is the default",
            )
    sections: dict[str, dict[str, Any]] = {}
    for kind in GOAL_KINDS:
        if kind not in raw:
            continue
        section = raw[kind] if raw[kind] is not None else {}
        if not isinstance(section, Mapping):
            raise ConfigError(
                f"{source}.{kind}: must map metric names to values, got {section!r}",
                hint=f"e.g. {kind}: {{roc_auc: 0.95}}",
            )
        sections[kind] = {str(k): v for k, v in section.items()}

    def direction(metric: str, where: str) -> bool:
        try:
            return higher_is_better(metric)
        except KeyError:
            raise InputError(
                f"{where}: unknown metric {metric!r}",
                hint=f"known metrics: {', '.join(KNOWN_METRICS)}",
            ) from None

    floors: dict[str, float] = {}
    for metric, value in sections.get("min", {}).items():
        where = f"{source}.min.{metric}"
        if not direction(metric, where):
            raise ConfigError(
                f"{where}: {metric} is better when lower, so a floor (min) cannot be a goal",
                hint=f"put {metric} under max: as a ceiling",
            )
        floors[metric] = _number(value, where)
    ceilings: dict[str, float] = {}
    for metric, value in sections.get("max", {}).items():
        where = f"{source}.max.{metric}"
        if direction(metric, where):
            raise ConfigError(
                f"{where}: {metric} is better when higher, so a ceiling (max) cannot be a goal",
                hint=f"put {metric} under min: as a floor",
            )
        ceilings[metric] = _number(value, where)
    margins = None
    if "max_regression" in sections:
        margins = {}
        for metric, value in sections["max_regression"].items():
            where = f"{source}.max_regression.{metric}"
            direction(metric, where)
            margins[metric] = _margin(value, where)
    lifts: dict[str, float] = {}
    for metric, value in sections.get("min_lift_over_dummy", {}).items():
        where = f"{source}.min_lift_over_dummy.{metric}"
        direction(metric, where)
        lifts[metric] = _number(value, where)
    return Goals(
        min=floors, max=ceilings, max_regression=margins, min_lift_over_dummy=lifts, alpha=alpha
    )


def effective_margins(goals: Goals, task: str, available: Iterable[str]) -> dict[str, Margin]:
    """The regression margins in force: the goals', or "no worse on the primary metric"."""
    if goals.max_regression is not None:
        return goals.max_regression
    available = list(available)
    primary = PRIMARY_METRIC[task]
    if primary not in available:
        primary = "accuracy" if task == "classification" else "r2"
    return {primary: Margin(0.0)}


def check_available(
    goals: Goals,
    available: Iterable[str],
    source: str = "goals",
    dummy_available: Iterable[str] | None = None,
) -> None:
    """Refuse goals on metrics that are not computed here, naming the key and the choices."""
    available = list(available)
    dummy_available = list(dummy_available if dummy_available is not None else available)
    sections: list[tuple[str, Iterable[str], list[str]]] = [
        ("min", goals.min, available),
        ("max", goals.max, available),
        ("max_regression", goals.max_regression or {}, available),
        ("min_lift_over_dummy", goals.min_lift_over_dummy, dummy_available),
    ]
    for kind, metrics, allowed in sections:
        for metric in metrics:
            if metric not in allowed:
                raise InputError(
                    f"{source}.{kind}.{metric}: the metric {metric!r} is not computed for this "
                    f"model and task",
                    hint=f"available metrics: {', '.join(allowed)}",
                )


def _worsening(metric: str, candidate: float, reference: float) -> float:
    """How much worse ``candidate`` is than ``reference`` (negative when better)."""
    if higher_is_better(metric):
        return reference - candidate
    return candidate - reference


def paired_tests(goals: Goals, task: str, shared: Iterable[str]) -> list[str]:
    """The regression checks that get a paired test: margins on quality metrics that both
    models have on the held-out rows (``shared``)."""
    shared = list(shared)
    return [m for m in effective_margins(goals, task, shared) if m in shared]


def comparison_level(goals: Goals, tested: Iterable[str]) -> float:
    """The confidence level of the paired intervals: ``1 - 2 * alpha / m`` for ``m`` tests.

    Each tail of the interval then leaves out ``alpha / m``: the lower end of the worsening's
    interval is above zero exactly when the one-sided test rejects "not worse" at that level.
    """
    return 1 - 2 * goals.alpha / max(1, len(list(tested)))


def _with_interval(text: str, paired: Difference | None) -> str:
    if paired is None:
        return text
    low, high = paired.worsening_interval
    test = "McNemar" if paired.test == "mcnemar" else paired.test
    return (
        f"{text} ({paired.level:.0%} interval of the worsening {low:+.3g} to {high:+.3g} on "
        f"{paired.rows} rows; {test} p = {paired.p_value:.2g})"
    )


def _regression_check(
    metric: str,
    margin: Margin,
    value: float | None,
    reference: float | None,
    paired: Difference | None,
    why: Callable[[str, str], str],
) -> Check:
    """One ``max_regression`` check (see the module documentation for the rule)."""
    goal = f"worse by <= {margin} vs champion"
    if reference is None:
        reason = f"{metric}: not compared with the champion, {why('champion', metric)}"
        return Check(metric, "max_regression", goal, value, None, None, reason)
    if value is None:
        reason = (
            f"{metric} could not be computed ({why('candidate', metric)}), while the "
            f"champion's is {reference:.4g}"
        )
        return Check(metric, "max_regression", goal, None, reference, False, reason)
    worse = _worsening(metric, value, reference)
    allowed = margin.allowed(reference)
    beyond = worse > allowed + _TOLERANCE
    real = paired.significantly_worse if paired is not None else True
    ok = not (beyond and real)
    if worse <= 0:
        reason = f"{metric} {value:.4g} is not worse than the champion's {reference:.4g}"
    elif not beyond:
        reason = (
            f"{metric} {value:.4g} is worse than the champion's {reference:.4g} by "
            f"{worse:.4g} (within the allowed {allowed:.4g})"
        )
    elif not real:
        assert paired is not None
        reason = (
            f"{metric} {value:.4g} is worse than the champion's {reference:.4g} by "
            f"{worse:.4g}, beyond the allowed {allowed:.4g}, but within the noise of the "
            "held-out rows: the paired test does not tell it from chance"
        )
    elif paired is not None:
        reason = (
            f"{metric} {value:.4g} is worse than the champion's {reference:.4g} by "
            f"{worse:.4g}, beyond the allowed {allowed:.4g}, and the paired test says the loss "
            "is real"
        )
    else:
        reason = (
            f"{metric} {value:.4g} is worse than the champion's {reference:.4g} by "
            f"{worse:.4g} (beyond the allowed {allowed:.4g})"
        )
    paired_dict = paired.to_dict() if paired is not None else None
    reason = _with_interval(reason, paired)
    return Check(metric, "max_regression", goal, value, reference, ok, reason, paired_dict)


def judge(
    goals: Goals,
    task: str,
    candidate: Mapping[str, float | None],
    champion: Mapping[str, float | None] | None = None,
    dummy: Mapping[str, float | None] | None = None,
    *,
    differences: Mapping[str, Difference] | None = None,
    undefined: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Check]:
    """Apply every goal to the candidate's metrics; the verdict passes when no check fails.

    ``differences`` holds the paired comparison of candidate and champion per metric
    (:func:`mlgate.comparison.compare`); a regression check on a metric without one compares
    the two values. ``undefined`` gives, for ``candidate``, ``champion`` and ``dummy``, why a
    metric has no value on these rows (:attr:`mlgate.metrics.Scores.undefined`).
    """
    checks: list[Check] = []
    differences = differences or {}
    undefined = undefined or {}

    def why(whose: str, metric: str) -> str:
        cause = (undefined.get(whose) or {}).get(metric) or "no value on these rows"
        return f"the {whose}'s {metric} is undefined: {cause}"

    def unchecked(metric: str, kind: str, goal: str, whose: str, reference: float | None = None):
        reason = (
            f"{metric} could not be computed ({why(whose, metric)}); a goal that cannot be "
            "checked fails: hold out rows of every class, or remove the goal"
        )
        return Check(metric, kind, goal, None, reference, False, reason)

    for metric, floor in goals.min.items():
        goal = f">= {floor:g}"
        value = candidate.get(metric)
        if value is None:
            checks.append(unchecked(metric, "min", goal, "candidate"))
            continue
        ok = value >= floor - _TOLERANCE
        reason = f"{metric} {value:.4g} {'>=' if ok else '<'} floor {floor:g}"
        checks.append(Check(metric, "min", goal, value, None, ok, reason))
    for metric, ceiling in goals.max.items():
        goal = f"<= {ceiling:g}"
        value = candidate.get(metric)
        if value is None:
            checks.append(unchecked(metric, "max", goal, "candidate"))
            continue
        ok = value <= ceiling + _TOLERANCE
        reason = f"{metric} {value:.4g} {'<=' if ok else '>'} ceiling {ceiling:g}"
        checks.append(Check(metric, "max", goal, value, None, ok, reason))
    defined = [metric for metric, value in candidate.items() if value is not None]
    for metric, margin in effective_margins(goals, task, defined or candidate).items():
        if champion is None:
            goal = f"worse by <= {margin} vs champion"
            reason = f"{metric}: no champion to compare with (bootstrap)"
            value = candidate.get(metric)
            checks.append(Check(metric, "max_regression", goal, value, None, None, reason))
            continue
        checks.append(
            _regression_check(
                metric,
                margin,
                candidate.get(metric),
                champion.get(metric),
                differences.get(metric),
                why,
            )
        )
    for metric, lift in goals.min_lift_over_dummy.items():
        goal = f"beats dummy by >= {lift:g}"
        value = candidate.get(metric)
        reference = (dummy or {}).get(metric)
        if value is None:
            checks.append(unchecked(metric, "min_lift_over_dummy", goal, "candidate", reference))
            continue
        if reference is None:
            checks.append(unchecked(metric, "min_lift_over_dummy", goal, "dummy"))
            continue
        gain = -_worsening(metric, value, reference)
        ok = gain >= lift - _TOLERANCE
        reason = (
            f"{metric} {value:.4g} beats the dummy's {reference:.4g} by {gain:.4g} "
            f"({'>=' if ok else '<'} the required {lift:g})"
        )
        checks.append(Check(metric, "min_lift_over_dummy", goal, value, reference, ok, reason))
    return checks


def passed(checks: Iterable[Check]) -> bool:
    """The verdict: True when no check failed (skipped checks do not count)."""
    return all(check.passed is not False for check in checks)


def failure_reasons(checks: Iterable[Check]) -> list[str]:
    """Why the verdict failed, one line per failed check."""
    return [check.reason for check in checks if check.passed is False]
