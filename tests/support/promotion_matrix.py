"""The promotion matrix: what each promotion scenario did to the registry, printed after the run.

Promotion tests record each case (backend, scenario, outcome, champion before and after) with
the ``promotion_matrix`` fixture; the table appears in the terminal summary, and is written to
``build/test-reports/promotion-matrix.json`` for notes and CI artifacts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

_ROWS: list[dict[str, str]] = []
_OUTPUT = Path("build/test-reports/promotion-matrix.json")


class Matrix:
    """Records one row per promotion scenario."""

    def record(
        self,
        backend: str,
        case: str,
        outcome: str,
        champion_before: str | None,
        champion_after: str | None,
    ) -> None:
        _ROWS.append(
            {
                "backend": backend,
                "case": case,
                "outcome": outcome,
                "champion_before": champion_before or "-",
                "champion_after": champion_after or "-",
            }
        )


@pytest.fixture
def promotion_matrix() -> Matrix:
    """The recorder for the promotion matrix."""
    return Matrix()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _ROWS:
        return
    headers = ["backend", "case", "outcome", "champion_before", "champion_after"]
    widths = {h: max(len(h), *(len(row[h]) for row in _ROWS)) for h in headers}
    terminalreporter.section("promotion matrix")
    terminalreporter.write_line("  ".join(h.ljust(widths[h]) for h in headers))
    for row in sorted(_ROWS, key=lambda r: (r["backend"], r["case"])):
        terminalreporter.write_line("  ".join(row[h].ljust(widths[h]) for h in headers))
    root = Path(terminalreporter.config.rootpath)
    path = root / _OUTPUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_ROWS, indent=2) + "\n", encoding="utf-8")
    terminalreporter.write_line(f"written to {path}")
