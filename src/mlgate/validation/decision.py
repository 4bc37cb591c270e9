"""The one rule every baseline check follows: fail on a large effect that is also significant."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.validation.report import CheckResult
    from mlgate.validation.tolerances import Tolerances


def fails(effect: float | None, p_value: float | None, tolerance: float, alpha: float) -> bool:
    """True when ``effect`` exceeds ``tolerance`` and (for a tested check) ``p_value < alpha``.

    An effect of None (nothing to compare) never fails; an infinite one (e.g. a constant
    baseline column that now varies) fails like any large effect.
    """
    if effect is None or (isinstance(effect, float) and math.isnan(effect)):
        return False
    if effect <= tolerance:
        return False
    return p_value is None or p_value < alpha


def decide(results: list[CheckResult], tolerances: Tolerances) -> dict[str, Any]:
    """Set ``passed`` on one dataset's baseline checks and collect samples for the failures.

    ``alpha`` is the family-wise false-alarm rate of the dataset: with ``m`` tested checks each
    test must reach ``alpha / m`` (Bonferroni), so hundreds of checks on clean data still pass.
    Returns the numbers the report records: the tests run and the level each had to reach.
    """
    tested = sum(1 for r in results if r.p_value is not None and r.tolerance is not None)
    level = tolerances.alpha / max(tested, 1)
    for result in results:
        if result.tolerance is None or result.effect is None:
            continue
        result.passed = not fails(result.effect, result.p_value, result.tolerance, level)
        if not result.passed and result.sampler is not None and tolerances.samples:
            result.sample = result.sampler(tolerances.samples)
    return {"statistical_tests": tested, "per_test_alpha": level}
