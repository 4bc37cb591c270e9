"""Scan table columns for values that look like personal data.

A column is scanned in three steps, each on fewer values than the one before:

1. one RE2 pass (pyarrow) over the whole column with the union of the kinds' prefilters: values
   that cannot hold any kind (words, categories, short numbers) stop here;
2. one RE2 pass per kind over the values left: the candidates of that kind, counted exactly;
3. the kind's token pattern and validator (phonenumbers, python-stdnum, email-validator) on
   the candidates, in Python. When a kind has more candidates than ``sample_rows``, a seeded
   random sample of them is checked and the row count is estimated from it
   (``Finding.estimated``); a column of repeated values is checked once per distinct value.

Text columns (``str``, ``string``, ``object``, ``category``) are scanned for every kind; integer
columns only for payment cards (a card number stored as a number). Floats, booleans, dates and
durations are not scanned: none of the kinds survives being stored as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mlgate.errors import InputError
from mlgate.privacy.kinds import ALL, DEFAULT_REGIONS, Kind, mask, resolve

DEFAULT_SAMPLE_ROWS = 5_000
"""Candidates of one kind in one column checked by the validators before the count is
estimated from a sample of them."""
MAX_EXAMPLES = 3


@dataclass(frozen=True)
class Finding:
    """Values of one kind of personal data found in one column.

    ``rows`` counts the rows holding at least one such value; ``share`` is ``rows`` over the
    column's length. ``examples`` are masked (see :func:`mask`): a finding never carries a
    value itself. ``estimated`` is true when the column had more candidates than the scan
    checked, and ``rows`` was extrapolated from a random sample of them.
    """

    column: str
    kind: str
    rows: int
    share: float
    examples: list[str] = field(default_factory=list)
    estimated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        """One line for a terminal or a Markdown list."""
        about = "about " if self.estimated else ""
        shown = ", ".join(self.examples)
        return (
            f"{self.column}: {about}{self.rows} rows ({self.share:.2%}) hold {self.kind} values"
            + (f", e.g. {shown}" if shown else "")
        )


def scan_frame(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    kinds: Iterable[str] | str = ALL,
    *,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    regions: Sequence[str] = DEFAULT_REGIONS,
    seed: int = 0,
) -> list[Finding]:
    """Findings for ``columns`` of ``frame`` (all columns when None), column by column."""
    names = list(frame.columns) if columns is None else list(columns)
    missing = [name for name in names if name not in frame.columns]
    if missing:
        raise InputError(
            "columns to scan for personal data are not in the table: "
            + ", ".join(map(str, missing)),
            hint=f"the table has: {', '.join(map(str, frame.columns))}",
        )
    resolved = resolve(kinds)
    findings: list[Finding] = []
    for name in names:
        findings.extend(_scan(frame[name], str(name), resolved, sample_rows, tuple(regions), seed))
    return findings


def scan_column(
    series: pd.Series,
    kinds: Iterable[str] | str = ALL,
    *,
    sample_rows: int = DEFAULT_SAMPLE_ROWS,
    regions: Sequence[str] = DEFAULT_REGIONS,
    seed: int = 0,
) -> list[Finding]:
    """Findings in one column, one per kind found, in the order of ``kinds``.

    ``sample_rows`` bounds the candidates of each kind that go through the validators (None:
    all of them); ``regions`` are the phone regions whose national formats count (numbers
    written with ``+`` count for every region); ``seed`` fixes the sample.
    """
    return _scan(series, str(series.name), resolve(kinds), sample_rows, tuple(regions), seed)


def _scan(
    series: pd.Series,
    name: str,
    kinds: tuple[Kind, ...],
    sample_rows: int | None,
    regions: tuple[str, ...],
    seed: int,
) -> list[Finding]:
    if sample_rows is not None and sample_rows < 1:
        raise InputError(f"sample_rows must be at least 1 (or None for all), not {sample_rows}")
    total = len(series)
    values = _values(series, kinds)
    if values is None or total == 0:
        return []
    text, counts, numeric = values
    if numeric:
        kinds = tuple(kind for kind in kinds if kind.numeric)
    if not kinds or len(text) == 0:
        return []
    union = pc.match_substring_regex(text, "|".join(f"(?:{k.prefilter})" for k in kinds))
    keep = _true_positions(union)
    if len(keep) == 0:
        return []
    text = text.take(pa.array(keep))
    counts = counts[keep] if counts is not None else None
    rng = np.random.default_rng(seed)
    findings = []
    for kind in kinds:
        hit = _true_positions(pc.match_substring_regex(text, kind.prefilter))
        if len(hit) == 0:
            continue
        found = _check(kind, text.take(pa.array(hit)), counts, hit, sample_rows, regions, rng)
        if found is not None:
            rows, examples, estimated = found
            findings.append(Finding(name, kind.name, rows, rows / total, examples, estimated))
    return findings


def _values(
    series: pd.Series, kinds: tuple[Kind, ...]
) -> tuple[pa.Array, np.ndarray | None, bool] | None:
    """The column as an arrow string array without missing values, the count of rows each
    entry stands for (categories: None when every entry is one row), and whether it came
    from integers. None for a column of a type no kind can hide in."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        counts = np.bincount(codes[codes >= 0], minlength=len(dtype.categories))
        present = np.flatnonzero(counts)
        categories = pd.Series(dtype.categories[present])
        return _text(categories), counts[present], False
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_integer_dtype(dtype):
        if not any(kind.numeric for kind in kinds):
            return None
        numbers = series.dropna().to_numpy(dtype="int64" if dtype.kind != "u" else "uint64")
        # Card numbers have 13 to 19 digits: anything shorter or negative is not one.
        numbers = numbers[numbers >= 10**12]
        return pa.array(numbers.astype(str)), None, True
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return _text(series), None, False
    return None


def _text(series: pd.Series) -> pa.Array:
    """Non-missing values as an arrow string array; values of other types as their ``str``."""
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = None
    if array is None or not (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        array = pa.array([str(v) for v in series.dropna().to_numpy()], type=pa.large_string())
    return array.drop_null() if array.null_count else array


def _true_positions(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.flatnonzero(mask.fill_null(False).to_numpy(zero_copy_only=False))


def _check(
    kind: Kind,
    candidates: pa.Array,
    counts: np.ndarray | None,
    positions: np.ndarray,
    sample_rows: int | None,
    regions: tuple[str, ...],
    rng: np.random.Generator,
) -> tuple[int, list[str], bool] | None:
    """Rows holding ``kind`` among its candidates, masked examples, and whether estimated."""
    weights = counts[positions] if counts is not None else None
    if weights is None and sample_rows is not None and len(candidates) > sample_rows:
        candidates, weights = _deduplicate(candidates, sample_rows)
    rows_in = int(weights.sum()) if weights is not None else len(candidates)
    chosen = np.arange(len(candidates))
    estimated = sample_rows is not None and len(candidates) > sample_rows
    if estimated:
        chosen = np.sort(rng.choice(len(candidates), size=sample_rows, replace=False))
    examples: list[str] = []
    hit_rows = 0
    checked_rows = 0
    for index, value in zip(chosen, candidates.take(pa.array(chosen)).to_pylist(), strict=True):
        weight = int(weights[index]) if weights is not None else 1
        checked_rows += weight
        tokens = kind.find(value, regions)
        if not tokens:
            continue
        hit_rows += weight
        for token in tokens:
            masked = mask(kind.name, token)
            if len(examples) < MAX_EXAMPLES and masked not in examples:
                examples.append(masked)
    if hit_rows == 0:
        return None
    rows = round(rows_in * hit_rows / checked_rows) if estimated else hit_rows
    return rows, examples, estimated


def _deduplicate(candidates: pa.Array, sample_rows: int) -> tuple[pa.Array, np.ndarray | None]:
    """Distinct candidates and their counts when the column repeats values, so that a column
    of a few thousand distinct values is checked exactly; the candidates unchanged otherwise.
    A probe of the first candidates decides, so a column of distinct values pays no hashing."""
    probe = candidates.slice(0, 2 * sample_rows)
    if pc.count_distinct(probe).as_py() > sample_rows // 2:
        return candidates, None
    counted = pc.value_counts(candidates)
    return counted.field("values"), counted.field("counts").to_numpy()
