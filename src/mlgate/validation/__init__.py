"""The data validation gate: a pandera schema and checks against a baseline profile.

Four layers, every failure collected:

1. ``schema``: types, missing values, ranges, categories (the pandera schema), plus the columns,
   kinds, missing-value rates and duplicate rows the baseline profile expects;
2. ``distribution``: mean, std, quartiles, decile PSI and category shares against the baseline;
3. ``out_of_distribution``: values beyond the baseline's IQR fences, categories never seen;
4. ``correlation``: each feature's correlation with the target, and between features.

``validate(data, schema=..., baseline=..., tolerances=...)`` returns a :class:`Report`.
"""

from __future__ import annotations

from mlgate.validation.gate import validate
from mlgate.validation.report import CheckResult, Report
from mlgate.validation.tolerances import DEFAULTS, Tolerances, resolve_tolerances

__all__ = ["DEFAULTS", "CheckResult", "Report", "Tolerances", "resolve_tolerances", "validate"]
