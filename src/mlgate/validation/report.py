"""The validation report: every check with its verdict, as JSON and as a Markdown summary."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.reporting import atomic_write_text, markdown_table, to_json, write_json

if TYPE_CHECKING:
    from mlgate.results import GateResult

LAYERS = ("schema", "distribution", "out_of_distribution", "correlation", "privacy")
MARKDOWN_FAILURE_ROWS = 50
"""Failures listed in the Markdown summary; the JSON report always holds all of them."""


@dataclass
class CheckResult:
    """One check on one dataset: what was compared, against which tolerance, and the verdict.

    ``effect`` is the quantity the tolerance bounds (e.g. the mean shift in baseline standard
    deviations); ``p_value`` the test's p-value when the check has a test. ``sample`` holds a
    few failing rows (``{"row": index, "value": value}``) or values, for failed checks only.
    """

    layer: str
    dataset: str
    column: str | None
    check: str
    passed: bool
    baseline: Any = None
    observed: Any = None
    tolerance: Any = None
    effect: float | None = None
    p_value: float | None = None
    other_column: str | None = None
    failing_count: int | None = None
    sample: list[Any] | None = None
    message: str | None = None
    sampler: Callable[[int], list[Any]] | None = field(default=None, repr=False, compare=False)
    """Collects ``sample`` when the check fails; failing rows are looked up only then."""

    def to_dict(self) -> dict[str, Any]:
        data = {
            "layer": self.layer,
            "dataset": self.dataset,
            "column": self.column,
            "check": self.check,
            "passed": self.passed,
            "baseline": _clean(self.baseline),
            "observed": _clean(self.observed),
            "tolerance": _clean(self.tolerance),
            "effect": _clean(self.effect),
            "p_value": _clean(self.p_value),
        }
        if self.other_column is not None:
            data["other_column"] = self.other_column
        if self.failing_count is not None:
            data["failing_count"] = self.failing_count
        if self.sample is not None:
            data["sample"] = _clean(self.sample)
        if self.message:
            data["message"] = self.message
        return data


@dataclass
class Report:
    """What :func:`mlgate.validation.validate` found: ``passed``, ``failures``, JSON, Markdown."""

    checks: list[CheckResult] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    schema: str | None = None
    baseline: dict[str, Any] | None = None
    """Where the baseline came from (:meth:`mlgate.baseline.Baseline.to_dict`)."""
    privacy: dict[str, Any] | None = None
    """The schema's classifications and treatments, and how the scan was set."""
    tolerances: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def failures(self) -> list[CheckResult]:
        return [check for check in self.checks if not check.passed]

    def counts(self) -> dict[str, Any]:
        by_layer = {layer: {"passed": 0, "failed": 0} for layer in LAYERS}
        for check in self.checks:
            by_layer.setdefault(check.layer, {"passed": 0, "failed": 0})
            by_layer[check.layer]["passed" if check.passed else "failed"] += 1
        failed = len(self.failures)
        return {
            "checks": len(self.checks),
            "passed": len(self.checks) - failed,
            "failed": failed,
            "by_layer": by_layer,
        }

    def summary(self) -> str:
        """One line: how many checks passed or failed, on which columns, against what."""
        counts = self.counts()
        if self.passed:
            text = f"{counts['checks']} checks passed"
        else:
            columns = sorted({c.column for c in self.failures if c.column is not None})
            more = ", ..." if len(columns) > 5 else ""
            named = f" on {', '.join(columns[:5])}{more}" if columns else ""
            text = f"{counts['failed']} of {counts['checks']} checks failed{named}"
        baseline = self.baseline or {}
        if baseline.get("source", "none") != "none":
            text += f", against {baseline['label']}"
        elif baseline:
            text += ", schema only (no baseline yet)"
        return text

    def verdict_line(self) -> str:
        return f"validate: {self.verdict} ({self.summary()})"

    def to_dict(self) -> dict[str, Any]:
        from mlgate import __version__

        return {
            "gate": "validate",
            "verdict": self.verdict,
            "mlgate_version": __version__,
            "counts": self.counts(),
            "datasets": self.datasets,
            "schema": self.schema,
            "baseline": self.baseline,
            "privacy": self._privacy_document(),
            "tolerances": self.tolerances,
            "checks": [check.to_dict() for check in self.checks],
        }

    def to_result(self) -> GateResult:
        """The report as the gate result every command finishes with."""
        from mlgate.results import GateResult

        counts = self.counts()
        return GateResult(
            gate="validate",
            passed=self.passed,
            summary=self.summary(),
            document=self.to_dict(),
            markdown=self.to_markdown(),
            outputs={"checks": str(counts["checks"]), "failed-checks": str(counts["failed"])},
        )

    def to_json(self) -> str:
        return to_json(self.to_dict())

    def to_markdown(self) -> str:
        counts = self.counts()
        icon = "✅" if self.passed else "❌"
        if self.passed:
            title = f"### {icon} Data validation passed: all {counts['checks']} checks"
        else:
            failed, total = counts["failed"], counts["checks"]
            title = f"### {icon} Data validation failed: {failed} of {total} checks"
        lines = [title, ""]
        sources = ", ".join(f"`{d['name']}` ({d['rows']} rows)" for d in self.datasets)
        baseline = self.baseline or {}
        has_profile = baseline.get("source", "none") != "none"
        against = [
            f"schema `{self.schema}`" if self.schema else None,
            f"baseline: {baseline['label']}" if has_profile else None,
        ]
        lines.append(f"Data: {sources}. Checked against {' and '.join(a for a in against if a)}.")
        lines.append("")
        if baseline and not has_profile:
            lines.append(f"**No baseline** {baseline['label'].removeprefix('none ')}.")
            if baseline.get("hint"):
                lines.append(
                    f"The distribution checks start once there is one: {baseline['hint']}."
                )
            lines.append("")
        elif baseline.get("sha256"):
            lines.append(f"Baseline file SHA-256: `{baseline['sha256'].removeprefix('sha256:')}`.")
            lines.append("")
        if baseline.get("notes"):
            lines.append("Baseline resolution: " + "; ".join(baseline["notes"]) + ".")
            lines.append("")
        failures = self.failures
        if failures:
            lines.append("#### Failures")
            lines.append("")
            rows = [
                (
                    check.dataset,
                    check.layer,
                    _column_label(check),
                    check.check,
                    _value(check.baseline),
                    _value(check.observed),
                    _limit(check),
                    _sample(check.sample),
                )
                for check in failures[:MARKDOWN_FAILURE_ROWS]
            ]
            headers = (
                "Dataset",
                "Layer",
                "Column",
                "Check",
                "Baseline",
                "Observed",
                "Effect vs tolerance",
                "Failing sample",
            )
            lines.append(markdown_table(headers, rows).rstrip("\n"))
            if len(failures) > MARKDOWN_FAILURE_ROWS:
                lines.append("")
                lines.append(
                    f"... and {len(failures) - MARKDOWN_FAILURE_ROWS} more failures "
                    "in the JSON report."
                )
            lines.append("")
        if self.privacy:
            lines += self._privacy_markdown()
        lines.append("#### Checks per layer")
        lines.append("")
        layer_rows = [
            (layer, numbers["passed"], numbers["failed"])
            for layer, numbers in counts["by_layer"].items()
            if numbers["passed"] or numbers["failed"]
        ]
        lines.append(markdown_table(("Layer", "Passed", "Failed"), layer_rows).rstrip("\n"))
        lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"

    def _privacy_document(self) -> dict[str, Any] | None:
        """The privacy section with its own verdict (any privacy check failed or not)."""
        if self.privacy is None:
            return None
        failed = [c for c in self.checks if c.layer == "privacy" and not c.passed]
        return {**self.privacy, "verdict": "fail" if failed else "pass", "failed": len(failed)}

    def _privacy_markdown(self) -> list[str]:
        """The privacy section: who is what, what was treated, what the scan found."""
        privacy = self.privacy or {}
        levels = privacy.get("classifications", {})
        rows = [(level, len(names), ", ".join(names[:6]) + (" ..." if len(names) > 6 else ""))
                for level, names in levels.items()]  # fmt: skip
        lines = [
            "#### Privacy",
            "",
            markdown_table(("Classification", "Columns", ""), rows).rstrip("\n"),
            "",
        ]
        treatments = privacy.get("treatments") or {}
        if treatments:
            shown = "; ".join(f"`{name}`: {how}" for name, how in treatments.items())
            lines += [f"Treated before data/processed: {shown}.", ""]
        kept_out = privacy.get("kept_out_of_the_model") or []
        if kept_out:
            lines += [f"Personal, untreated, kept out of the model: {', '.join(kept_out)}.", ""]
        found = [c for c in self.checks if c.layer == "privacy" and not c.passed]
        scan = privacy.get("scan", {})
        if not found:
            state = "on" if scan.get("scan", True) else "off"
            lines += [f"No privacy check failed (personal-data scan {state}).", ""]
        return lines

    def write(
        self, json_path: Path | str | None = None, markdown_path: Path | str | None = None
    ) -> None:
        """Write the JSON report and/or the Markdown summary, each atomically."""
        if json_path is not None:
            write_json(json_path, self.to_dict())
        if markdown_path is not None:
            atomic_write_text(markdown_path, self.to_markdown())


def _clean(value: Any) -> Any:
    """JSON-safe values: non-finite floats become None, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _column_label(check: CheckResult) -> str:
    if check.column is None:
        return "(table)"
    if check.other_column is not None:
        return f"{check.column} ~ {check.other_column}"
    return check.column


def _value(value: Any) -> Any:
    if isinstance(value, float):
        return float(f"{value:.4g}")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(v)}" for k, v in list(value.items())[:4])
    return value


def _limit(check: CheckResult) -> str:
    if check.effect is None or check.tolerance is None:
        return "" if check.message is None else check.message
    effect = "inf" if not math.isfinite(check.effect) else f"{check.effect:.3g}"
    text = f"{effect} > {check.tolerance:.3g}"
    if check.p_value is not None:
        text += f" (p={check.p_value:.2g})"
    return text


def _sample(sample: list[Any] | None) -> str:
    if not sample:
        return ""
    parts = []
    for item in sample[:3]:
        if isinstance(item, dict) and "row" in item:
            parts.append(f"row {item['row']}: {_short(item.get('value'))}")
        else:
            parts.append(_short(item))
    return "; ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value)
    return text if len(text) <= 30 else text[:27] + "..."
