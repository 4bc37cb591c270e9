"""Where things are and how they are tuned: pyproject.toml ``[tool.mlgate]`` and params.yaml.

Every stage reads its paths from here, so moving a file means editing one setting.
"""

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from mlgate.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


@cache
def settings() -> Settings:
    found = load_settings(ROOT)
    if found is None:
        raise RuntimeError(f"{ROOT / 'pyproject.toml'} has no [tool.mlgate] table")
    return found


def params() -> dict[str, Any]:
    """The whole params.yaml (read afresh: DVC may change it between stages)."""
    with open(settings().params, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
