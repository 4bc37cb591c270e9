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
from collections.abc import Callable
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


def lazy_attributes(api: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports each name of ``api`` ("module:attribute") on first
    use and caches it in ``namespace`` (the module's globals), so importing the package stays
    cheap."""

    def __getattr__(name: str) -> Any:
        target = api.get(name)
        if target is None:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        module_name, _, attribute = target.partition(":")
        value = getattr(importlib.import_module(module_name), attribute)
        namespace[name] = value
        return value

    return __getattr__


__getattr__ = lazy_attributes(_API, globals())
