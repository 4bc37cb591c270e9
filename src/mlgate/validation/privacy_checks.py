"""Layer 5, privacy: personal data stays out of the model unless it was treated on purpose.

Three checks per dataset, from the schema's classifications and treatments
(:mod:`mlgate.contract`):

* ``untreated_personal``: a column classified personal with the role feature and no treatment
  fails (the model leaves it out either way; the schema must say what to do with it);
* ``treatment_applied``: a treated column of the data (the processed splits) must look treated:
  gone (``drop``), 16 hex digits (``hash``), bucket labels (``bucket``), short enough
  (``truncate``); raw values there mean the treatment was skipped;
* ``personal_data``: text columns not classified personal, not treated, are scanned for values
  that look like personal data (:mod:`mlgate.privacy`); a hit fails, naming the column, the kind
  and the rows, with examples masked, never the values themselves.

Tolerances come from the ``privacy:`` section of params.yaml (:class:`PrivacySettings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlgate.errors import ConfigError
from mlgate.validation.report import CheckResult

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.contract import Contract

LAYER = "privacy"


@dataclass(frozen=True)
class PrivacySettings:
    """``scan`` turns the personal-data scan on; ``kinds`` limits it (None: every kind);
    ``max_rows`` is how many rows may hold a match before the check fails (0: any fails);
    ``regions`` are the countries whose national phone formats count (numbers written with
    ``+`` count for every country); ``columns`` holds per-column overrides (``scan: false``)."""

    scan: bool = True
    kinds: tuple[str, ...] | None = None
    max_rows: int = 0
    regions: tuple[str, ...] | None = None
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)

    def scanned(self, column: str) -> bool:
        return bool(self.columns.get(column, {}).get("scan", self.scan))

    def to_dict(self) -> dict[str, Any]:
        return {"scan": self.scan, "kinds": list(self.kinds) if self.kinds else None,
                "max_rows": self.max_rows,
                "regions": list(self.regions) if self.regions else None,
                "columns": self.columns}  # fmt: skip


def resolve_privacy(given: Mapping[str, Any] | None, source: str = "privacy") -> PrivacySettings:
    """The ``privacy:`` section as settings, every key checked."""
    given = dict(given or {})
    known = {"scan", "kinds", "max_rows", "regions", "columns"}
    unknown = sorted(set(given) - known)
    if unknown:
        raise ConfigError(
            f"{source}: unknown setting '{unknown[0]}'", hint=f"known: {', '.join(sorted(known))}"
        )
    scan = given.get("scan", True)
    if not isinstance(scan, bool):
        raise ConfigError(f"{source}: scan must be true or false, got {scan!r}")
    max_rows = given.get("max_rows", 0)
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 0:
        raise ConfigError(f"{source}: max_rows must be a whole number >= 0, got {max_rows!r}")
    kinds = given.get("kinds")
    if kinds is not None:
        from mlgate.privacy import ALL

        if not isinstance(kinds, list) or not set(kinds) <= set(ALL):
            raise ConfigError(f"{source}: kinds must be a list of {', '.join(ALL)}, got {kinds!r}")
        kinds = tuple(kinds)
    regions = given.get("regions")
    if regions is not None:
        from mlgate.errors import InputError
        from mlgate.privacy.kinds import check_regions

        if not isinstance(regions, list):
            raise ConfigError(f"{source}: regions must be a list such as [GB, DE], got {regions!r}")
        try:
            regions = check_regions(regions)
        except InputError as error:
            raise ConfigError(f"{source}: {error.message}", hint=error.hint) from None
    columns = given.get("columns") or {}
    if not isinstance(columns, Mapping):
        raise ConfigError(f"{source}: columns must map column names to settings")
    for column, overrides in columns.items():
        if not isinstance(overrides, Mapping) or set(overrides) - {"scan"}:
            raise ConfigError(
                f"{source}: columns.{column} must be a mapping such as {{scan: false}}"
            )
    return PrivacySettings(
        scan, kinds, max_rows, regions, {str(k): dict(v) for k, v in columns.items()}
    )


def privacy_checks(
    dataset: str, df: pd.DataFrame, contract: Contract, settings: PrivacySettings, samples: int
) -> list[CheckResult]:
    """Every privacy check of one dataset, in the order the module docstring lists them."""
    from mlgate.treatments import conforms

    untreated = (
        "classified personal, used as a feature, with no treatment: the model leaves it out; "
        "name a treatment (drop, hash, bucket, truncate) or give it the role excluded"
    )
    results = [
        CheckResult(
            LAYER,
            dataset,
            name,
            "untreated_personal",
            passed=False,
            baseline="a treatment",
            observed="none",
            message=untreated,
        )
        for name in contract.untreated_personal_features()
    ]
    for column in contract.treated():
        present = column.name in df.columns
        if column.treatment_name == "drop":
            results.append(CheckResult(
                LAYER, dataset, column.name, "treatment_applied", passed=not present,
                baseline="dropped", observed="present" if present else "absent",
                message="the column was to be dropped before data/processed" if present else None,
            ))  # fmt: skip
            continue
        if not present:
            continue
        bad, expected = conforms(df[column.name], column)
        results.append(CheckResult(
            LAYER, dataset, column.name, "treatment_applied", passed=bad == 0,
            baseline=expected, observed=bad, failing_count=bad or None,
            message=f"{bad} value(s) are not {expected}: raw values reached the data"
            if bad else None,
        ))  # fmt: skip
    if settings.scan:
        results.extend(_scan(dataset, df, contract, settings, samples))
    return results


def _scan(
    dataset: str, df: pd.DataFrame, contract: Contract, settings: PrivacySettings, samples: int
) -> list[CheckResult]:
    from mlgate.privacy import ALL, DEFAULT_REGIONS, scan_column

    skip = {c.name for c in contract.columns if c.classification == "personal" or c.treatment}
    results = []
    for name in df.columns:
        column = str(name)
        if column in skip or not settings.scanned(column):
            continue
        found = scan_column(
            df[name], settings.kinds or ALL, regions=settings.regions or DEFAULT_REGIONS
        )
        for finding in found:
            passed = finding.rows <= settings.max_rows
            about = "about " if finding.estimated else ""
            results.append(CheckResult(
                LAYER, dataset, column, f"personal_data:{finding.kind}", passed=passed,
                baseline=0, observed=finding.rows, tolerance=settings.max_rows,
                failing_count=finding.rows, sample=None if passed else finding.examples[:samples],
                message=f"{about}{finding.rows} row(s) hold what looks like {finding.kind} "
                f"({finding.share:.1%}); shown masked",
            ))  # fmt: skip
    return results
