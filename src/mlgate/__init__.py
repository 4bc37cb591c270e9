"""mlgate: data validation, benchmarking and model promotion gates for ML projects.

Every gate writes a JSON report for machines and a Markdown summary for people, and its
command exits 0 (pass), 1 (the gate failed) or 2 (usage or input error).

The Python API is imported lazily, so ``import mlgate`` stays cheap::

    report = mlgate.validate(df, schema=MySchema, baseline="reports/profile.json")
    profile = mlgate.profile(df, target="target")
    result = mlgate.benchmark(candidate="runs:/<id>/model", data=test_df, target="target", ...)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> "module:attribute"
_API = {
    "profile": "mlgate.profiling:build_profile",
    "validate": "mlgate.validation:validate",
    "benchmark": "mlgate.benchmarking:benchmark",
    "promote": "mlgate.promotion:promote",
    "rollback": "mlgate.promotion:rollback",
    "lineage": "mlgate.registry:lineage",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    target = _API.get(name)
    if target is None:
        raise AttributeError(f"module 'mlgate' has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value
