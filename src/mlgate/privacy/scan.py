"""Scan table columns for values that look like personal data.

A column is scanned in three steps, each on fewer values than the one before:

1. RE2 passes (pyarrow) down a tree of groups: one over the whole column for the union of
   every kind's prefilter, so that values that cannot hold any kind (words, categories,
   short numbers, ``ORD-2024-118233``) stop there; then e-mail, the letter kinds, and seven
   close digits (``DENSE_DIGITS``), which phone, card and the numeric national ids need;
   then each kind on what is left for it: its candidates, counted exactly.
2. Up to ``sample_rows`` candidates of a kind: each goes through the kind's token pattern and
   validator (phonenumbers, python-stdnum, email-validator) in Python, and the count is exact.
3. More: the candidate tokens are cut out of the values in arrow and each distinct token is
   checked once, which stays exact while tokens repeat (dates in free text, a few addresses
   over and over). Too many distinct tokens (a column of addresses): a seeded random sample of
   ``sample_rows`` candidates is checked and the row count estimated from it
   (``Finding.estimated``).

Text columns (``str``, ``string``, ``object``, ``category``) are scanned for every kind; integer
columns only for payment cards (a card number stored as a number). Floats, booleans, dates and
durations are not scanned: none of the kinds survives being stored as one (a 16-digit card
number does not fit a float's 53 bits).
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
from mlgate.privacy.kinds import (
    ALL,
    DEFAULT_REGIONS,
    DENSE_DIGITS,
    Kind,
    check_regions,
    mask,
    resolve,
)

DEFAULT_SAMPLE_ROWS = 2_000
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
    resolved, regions = resolve(kinds), check_regions(regions)
    findings: list[Finding] = []
    for name in dict.fromkeys(names):
        selected = frame[name]
        # A name the table holds twice selects a frame: each of its columns is scanned.
        series = [selected] if isinstance(selected, pd.Series) else [c for _, c in selected.items()]
        for column in series:
            findings.extend(_scan(column, str(name), resolved, sample_rows, regions, seed))
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
    regions = check_regions(regions)
    return _scan(series, str(series.name), resolve(kinds), sample_rows, regions, seed)


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
    values = _values(series, kinds, sample_rows)
    if values is None or total == 0:
        return []
    text, counts, numeric = values
    if numeric:
        kinds = tuple(kind for kind in kinds if kind.numeric)
    if not kinds or len(text) == 0:
        return []
    rng = np.random.default_rng(seed)
    findings = []
    for kind, (candidates, weights) in _narrow(text, counts, kinds).items():
        found = _check(kind, candidates, weights, sample_rows, regions, rng)
        if found is not None:
            rows, examples, estimated = found
            findings.append(Finding(name, kind.name, rows, rows / total, examples, estimated))
    return findings


Pool = tuple[pa.Array, np.ndarray | None]


def _narrow(text: pa.Array, counts: np.ndarray | None, kinds: tuple[Kind, ...]) -> dict:
    """Each kind's candidates (values its prefilter matches) and their counts, found with as
    few RE2 passes over as few values as possible, down a tree of groups: everything; then
    e-mail, and everything else; then the letter kinds (IBAN, codice fiscale), and seven close
    digits (:data:`DENSE_DIGITS`); under those, phone, and the other digit kinds together;
    then each kind. A group nothing in the column matches costs one pass, not one per kind;
    a group most of the column matches is not tried on its own (see :data:`PROBE`)."""
    dense = [k for k in kinds if k.dense]
    loose = [k for k in kinds if not k.dense]
    rest: list[Kind | tuple[str, list]] = [_group(loose[1:])] if loose[1:] else []
    if dense:
        phones = [k for k in dense if k.name == "phone"]
        others = [k for k in dense if k.name != "phone"]
        rest.append((DENSE_DIGITS, [*phones, *([_group(others)] if others else [])]))
    top = [*loose[:1], *([_group(rest)] if rest else [])]
    found: dict[Kind, Pool] = {}
    _descend((text, counts), [_group(top)], found)
    return {kind: found[kind] for kind in kinds if kind in found}


def _group(members: list) -> Kind | tuple[str, list]:
    return members[0] if len(members) == 1 else ("|".join(_pattern(m) for m in members), members)


def _pattern(member: Kind | tuple[str, list]) -> str:
    return f"(?:{member.prefilter if isinstance(member, Kind) else member[0]})"


PROBE = 4_096
"""Values a group's pattern is first tried on: when most of them match, the pass over the
whole pool would not narrow it, and the group's members are tried on the pool directly."""


def _descend(pool: Pool, members: list, found: dict) -> None:
    for member in members:
        if isinstance(member, Kind):
            narrowed = _where(*pool, member.prefilter)
            if len(narrowed[0]):
                found[member] = narrowed
            continue
        pattern, inner = member
        if _mostly_matches(pool[0], pattern):
            _descend(pool, inner, found)
            continue
        narrowed = _where(*pool, pattern)
        if len(narrowed[0]):
            _descend(narrowed, inner, found)


def _mostly_matches(values: pa.Array, pattern: str) -> bool:
    if len(values) <= 2 * PROBE:
        return False
    probe = values.slice(0, PROBE)
    return pc.sum(pc.match_substring_regex(probe, pattern)).as_py() > 0.6 * PROBE


def _values(
    series: pd.Series, kinds: tuple[Kind, ...], sample_rows: int | None
) -> tuple[pa.Array, np.ndarray | None, bool] | None:
    """The column as an arrow string array without missing values, the count of rows each
    entry stands for (categories, and text whose values repeat: see :func:`_distinct`; None
    when every entry is one row), and whether it came from integers. None for a column of a
    type no kind can hide in."""
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
        return (*_distinct(_text(series), sample_rows), False)
    return None


def _distinct(text: pa.Array, sample_rows: int | None) -> tuple[pa.Array, np.ndarray | None]:
    """Text whose values repeat (a category kept as text, a few addresses over and over) as
    its distinct values and the rows each stands for, so that the RE2 passes read those
    instead of every row; other text as it is.

    Only when there are at most ``sample_rows`` distinct values (or half the rows, without a
    sample), so that every candidate is then checked and counted exactly: a sample is always
    one of rows. The first :data:`PROBE` values tell a column of mostly distinct values
    before anything is counted.
    """
    limit = len(text) // 2 if sample_rows is None else min(sample_rows, len(text) // 2)
    if len(text) > PROBE and pc.count_distinct(text.slice(0, PROBE)).as_py() > limit:
        return text, None
    counted = pc.value_counts(text)
    if len(counted) > limit:
        return text, None
    return counted.field("values"), counted.field("counts").to_numpy()


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
    if isinstance(array, pa.ChunkedArray):  # a column read from Parquet in row groups
        array = array.combine_chunks()
    return array.drop_null() if array.null_count else array


def _where(
    text: pa.Array, counts: np.ndarray | None, pattern: str
) -> tuple[pa.Array, np.ndarray | None]:
    """The values matching the RE2 ``pattern`` anywhere, with their counts."""
    matched = pc.match_substring_regex(text, pattern).fill_null(False)
    keep = np.flatnonzero(matched.to_numpy(zero_copy_only=False))
    if len(keep) == len(text):
        return text, counts
    return text.take(pa.array(keep)), (counts[keep] if counts is not None else None)


def _check(
    kind: Kind,
    candidates: pa.Array,
    weights: np.ndarray | None,
    sample_rows: int | None,
    regions: tuple[str, ...],
    rng: np.random.Generator,
) -> tuple[int, list[str], bool] | None:
    """Rows holding ``kind`` among its candidates, masked examples, and whether estimated.

    Up to ``sample_rows`` candidates: each is checked. More: the candidate tokens are cut out
    in arrow and each distinct token checked once, which is exact while they repeat (dates in
    free text, a few addresses over and over). Too many distinct tokens: a seeded random
    sample of ``sample_rows`` candidates is checked and the count estimated from it.
    """
    if sample_rows is None or len(candidates) <= sample_rows:
        return _check_values(kind, candidates, weights, regions)
    by_token = _check_tokens(kind, candidates, weights, sample_rows, regions)
    if by_token is not None:
        return by_token
    chosen = np.sort(rng.choice(len(candidates), size=sample_rows, replace=False))
    sample = candidates.take(pa.array(chosen))
    found = _check_values(kind, sample, weights[chosen] if weights is not None else None, regions)
    if found is None:
        return None
    rows, examples, _ = found
    checked = int(weights[chosen].sum()) if weights is not None else sample_rows
    everything = int(weights.sum()) if weights is not None else len(candidates)
    return round(everything * rows / checked), examples, True


def _check_values(
    kind: Kind, values: pa.Array, weights: np.ndarray | None, regions: tuple[str, ...]
) -> tuple[int, list[str], bool] | None:
    examples: list[str] = []
    rows = 0
    for index, value in enumerate(values.to_pylist()):
        tokens = kind.find(value, regions)
        if tokens:
            rows += int(weights[index]) if weights is not None else 1
            _add_examples(examples, kind, tokens)
    return (rows, examples, False) if rows else None


MAX_TOKENS_PER_VALUE = 4


def _check_tokens(
    kind: Kind,
    candidates: pa.Array,
    weights: np.ndarray | None,
    sample_rows: int,
    regions: tuple[str, ...],
) -> tuple[int, list[str], bool] | None:
    """The exact count from distinct candidate tokens; None when they do not repeat enough.

    Each round cuts the first candidate out of every value (the RE2 prefilter match and the
    two characters after it, which the token pattern's look-ahead reads), checks each distinct
    one, and keeps the values whose first candidate failed for the next round, without it.
    """
    whole = kind.cut or kind.prefilter
    cut = f"(?P<token>(?:{whole}).{{0,2}})"
    examples: list[str] = []
    rows = 0
    values = candidates
    for _ in range(MAX_TOKENS_PER_VALUE):
        probe = pc.extract_regex(values.slice(0, 2 * sample_rows), cut).field("token")
        if pc.count_distinct(probe).as_py() > sample_rows:
            return None
        tokens = pc.extract_regex(values, cut).field("token")
        distinct = pc.unique(tokens)
        if len(distinct) > sample_rows:
            return None
        valid = []
        for token in distinct.to_pylist():
            found = kind.find(token, regions)
            if found:
                valid.append(token)
                _add_examples(examples, kind, found)
        hit = pc.is_in(tokens, value_set=pa.array(valid, type=tokens.type)).to_numpy(
            zero_copy_only=False
        )
        rows += int(weights[hit].sum()) if weights is not None else int(hit.sum())
        rest = np.flatnonzero(~hit)
        values = pc.replace_substring_regex(
            values.take(pa.array(rest)), whole, "", max_replacements=1
        )
        weights = weights[rest] if weights is not None else None
        values, weights = _where(values, weights, whole)
        if len(values) == 0:
            break
    else:
        if len(values) > sample_rows:
            return None
        more = _check_values(kind, values, weights, regions)
        if more:
            rows += more[0]
            examples.extend(e for e in more[1] if e not in examples)
            del examples[MAX_EXAMPLES:]

    return (rows, examples, False) if rows else None


def _add_examples(examples: list[str], kind: Kind, tokens: list[str]) -> None:
    for token in tokens:
        masked = mask(kind.name, token)
        if len(examples) < MAX_EXAMPLES and masked not in examples:
            examples.append(masked)
