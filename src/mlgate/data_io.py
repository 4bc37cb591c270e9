"""Reading the tables the gates check: CSV, Parquet, or a DataFrame handed over in Python.

Every problem a user can fix raises :class:`mlgate.errors.InputError` naming the file and what
is wrong with it: a missing file, an empty one, a CSV that is not UTF-8 or cannot be parsed, a
header that looks like data, an extension we do not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")
SUPPORTED_SUFFIXES = CSV_SUFFIXES + PARQUET_SUFFIXES


def read_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV (UTF-8, comma-separated, with a header row) or Parquet file."""
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{path}: unsupported file type '{suffix or '(no extension)'}'",
            hint=f"give a file ending in one of: {', '.join(SUPPORTED_SUFFIXES)}",
        )
    if not path.exists():
        raise InputError(
            f"{path}: no such file", hint="check the path, relative to the working directory"
        )
    if not path.is_file():
        raise InputError(f"{path}: is not a file")
    if path.stat().st_size == 0:
        raise InputError(
            f"{path}: the file is empty", hint="regenerate it from the stage that writes it"
        )
    frame = _read_parquet(path, pd) if suffix in PARQUET_SUFFIXES else _read_csv(path, pd)
    if frame.shape[1] == 0:
        raise InputError(f"{path}: has no columns", hint="the file must start with a header row")
    if len(frame) == 0:
        raise InputError(
            f"{path}: has a header but no rows ({frame.shape[1]} columns)",
            hint="regenerate it from the stage that writes it",
        )
    return frame


def _read_parquet(path: Path, pd: Any) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise InputError(
            f"{path}: not a readable Parquet file ({type(error).__name__}: {error})",
            hint="check that the file was written completely, e.g. with DataFrame.to_parquet",
        ) from error
    except Exception as error:  # pyarrow raises its own ArrowInvalid and friends
        raise InputError(
            f"{path}: not a readable Parquet file ({type(error).__name__}: {error})"
        ) from error


def _read_csv(path: Path, pd: Any) -> pd.DataFrame:
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    if b"\x00" in head:
        raise InputError(
            f"{path}: contains NUL bytes, so it is binary or UTF-16, not a UTF-8 CSV",
            hint="save the file as UTF-8 CSV",
        )
    try:
        frame = pd.read_csv(path, encoding="utf-8", encoding_errors="strict")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: is not valid UTF-8 (byte {error.object[error.start : error.start + 1]!r} "
            f"at offset {error.start})",
            hint="re-save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`",
        ) from error
    except pd.errors.EmptyDataError as error:
        raise InputError(f"{path}: has no data (only blank lines)") from error
    except pd.errors.ParserError as error:
        raise InputError(
            f"{path}: cannot be parsed as CSV ({error})".replace("\n", " "),
            hint="every row must have as many comma-separated fields as the header",
        ) from error
    _check_header(path, [str(c) for c in frame.columns])
    return frame


SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _check_header(path: Path, columns: list[str]) -> None:
    """Refuse headers that cannot be column names: numbers, blanks, duplicates, or one name
    that is really several joined by another separator."""
    if len(columns) == 1:
        for separator, name in SEPARATORS.items():
            if separator in columns[0]:
                raise InputError(
                    f"{path}: has one column named {columns[0][:60]!r}: the file seems to "
                    f"separate its fields with {name}, not commas",
                    hint="save it as a comma-separated CSV (or as Parquet)",
                )
    unnamed = [c for c in columns if c.startswith("Unnamed: ")]
    if unnamed and len(unnamed) == len(columns):
        raise InputError(
            f"{path}: the header row is empty", hint="the first line must name the columns"
        )
    if all(_looks_numeric(c) for c in columns):
        raise InputError(
            f"{path}: the header row holds numbers ({', '.join(columns[:3])}, ...), "
            "not column names",
            hint="the file seems to have lost its header; the first line must name the columns",
        )
    mangled = [
        c
        for c in columns
        if "." in c and c.rsplit(".", 1)[0] in columns and c.rsplit(".", 1)[1].isdigit()
    ]
    if mangled:
        raise InputError(
            f"{path}: the header repeats column names ({', '.join(mangled[:3])})",
            hint="give every column a distinct name",
        )


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_frame(data: Any, name: str | None = None) -> tuple[str, pd.DataFrame]:
    """A DataFrame and a name for reports, from a DataFrame or a path to a table file."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        if data.shape[1] == 0 or len(data) == 0:
            raise InputError(
                f"{name or 'the DataFrame'}: is empty "
                f"({data.shape[0]} rows, {data.shape[1]} columns)"
            )
        return (name or "data"), data
    if isinstance(data, str | Path):
        return (name or str(data)), read_table(data)
    raise InputError(
        f"cannot read data of type {type(data).__name__}", hint="pass a DataFrame or a path"
    )


def read_document(path: Path | str, what: str, hint: str | None = None) -> dict[str, Any]:
    """A JSON object from ``path`` (a profile, a report, a run record, ...).

    ``what`` names the document in messages ("baseline profile", "benchmark report"); ``hint``
    says how to make one. A missing, unreadable, non-JSON or non-object file is an InputError
    naming the file and what was expected.
    """
    import json

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such {what}", hint=hint)
    if not path.is_file():
        raise InputError(f"{path}: is not a file, so not a {what}", hint=hint)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path}: not a readable JSON {what} ({error})", hint=hint) from error
    if not isinstance(data, dict):
        raise InputError(
            f"{path}: a {what} is a JSON object, this holds a {type(data).__name__}", hint=hint
        )
    return data


def check_writable(outputs: Iterable[Path | str | None], inputs: Iterable[Path | str] = ()) -> None:
    """Refuse output paths that are folders or that name one of the inputs.

    A report written over the data it judges would destroy the data; a folder cannot be
    written as a file. Both are InputErrors naming the path, raised before anything is written.
    """
    given = [Path(p).resolve() for p in inputs]
    for output in outputs:
        if output is None:
            continue
        path = Path(output)
        if path.is_dir():
            raise InputError(
                f"{path}: is a folder; a report is written to a file",
                hint=f"give a file path, e.g. {path / 'report.json'}",
            )
        if path.resolve() in given:
            raise InputError(
                f"{path}: is an input of this command; writing the report there would overwrite it",
                hint="give the report another path",
            )
