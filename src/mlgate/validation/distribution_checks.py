"""Layer 2: distribution against the baseline: mean, std, quartiles, decile PSI, class shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.validation import stats
from mlgate.validation.observed import excess_kurtosis
from mlgate.validation.report import CheckResult

if TYPE_CHECKING:
    from mlgate.validation.observed import CategoricalObservation, NumericObservation
    from mlgate.validation.tolerances import Tolerances

LAYER = "distribution"
QUARTILES = ("q1", "median", "q3")


def numeric_checks(
    dataset: str, column: str, obs: NumericObservation, base: dict[str, Any], tolerances: Tolerances
) -> list[CheckResult]:
    """mean, std, q1, median, q3 and psi of one numeric column."""
    if obs.n == 0 or base.get("count", 0) == 0:
        return []
    base_n, base_std = int(base["count"]), float(base["std"])
    results = []

    def add(
        check: str, tolerance_name: str, baseline: Any, observed: Any, effect: float, p: float
    ) -> None:
        tolerance = tolerances.get(tolerance_name, column)
        if tolerance is None:
            return
        results.append(
            CheckResult(
                LAYER,
                dataset,
                column,
                check,
                passed=True,
                baseline=baseline,
                observed=observed,
                tolerance=tolerance,
                effect=effect,
                p_value=p,
            )
        )

    effect, p = stats.mean_shift(base["mean"], base_std, base_n, obs.mean, obs.std, obs.n)
    add("mean", "mean_shift", base["mean"], obs.mean, effect, p)
    kurtosis = float(base.get("kurtosis", 0.0))
    effect, p = stats.std_ratio(base_std, base_n, obs.std, obs.n, kurtosis)
    tolerance = tolerances.get("std_ratio", column)
    if tolerance is not None and effect > tolerance:
        # heavier tails in the new data widen the test too (computed only for suspect columns)
        observed_kurtosis = excess_kurtosis(obs.values)
        if observed_kurtosis > kurtosis:
            effect, p = stats.std_ratio(base_std, base_n, obs.std, obs.n, observed_kurtosis)
    add("std", "std_ratio", base_std, obs.std, effect, p)
    for i, name in enumerate(QUARTILES):
        effect, p = stats.quantile_shift(
            base[name],
            base_std,
            base["quartile_shares"][i],
            base_n,
            obs.quartiles[i],
            obs.quartile_counts[i],
            obs.n,
        )
        add(name, "quantile_shift", base[name], obs.quartiles[i], effect, p)
    fractions = base.get("bins", {}).get("fractions")
    if fractions and len(fractions) > 1:
        effect, p = stats.psi(fractions, base_n, obs.bin_counts)
        add("psi", "psi", 0.0, effect, effect, p)
    return results


def categorical_checks(
    dataset: str,
    column: str,
    obs: CategoricalObservation,
    base: dict[str, Any],
    tolerances: Tolerances,
) -> list[CheckResult]:
    """The share of each category the baseline knew (a chi-square goodness-of-fit test)."""
    tolerance = tolerances.get("category_shift", column)
    frequencies: dict[str, float] = base.get("frequencies", {})
    if tolerance is None or len(frequencies) < 2:
        return []
    counts = [obs.counts.get(key, 0) for key in frequencies]
    seen = sum(counts)
    if seen == 0:
        return []
    effect, p = stats.category_shift(list(frequencies.values()), int(base["count"]), counts)
    observed = {key: count / seen for key, count in zip(frequencies, counts, strict=True)}
    return [
        CheckResult(
            LAYER,
            dataset,
            column,
            "category_frequencies",
            passed=True,
            baseline=dict(frequencies),
            observed=observed,
            tolerance=tolerance,
            effect=effect,
            p_value=p,
        )
    ]
