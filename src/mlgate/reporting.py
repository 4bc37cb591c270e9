"""Writing reports: JSON for machines, Markdown for people, never half-written.

Every gate report is a JSON object with at least::

    {"gate": "validate", "verdict": "pass" | "fail", "mlgate_version": "...", ...}

Files are written to a temporary sibling and renamed into place, so a crash never leaves a
truncated report where a reader (DVC, CI, a person) expects a whole one.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def atomic_write_text(path: Path | str, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, creating parent folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _default(value: Any) -> Any:
    # numpy scalars and arrays, paths and sets appear in reports; JSON knows none of them.
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (ValueError, TypeError):
            pass
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=_default, allow_nan=False) + "\n"


def write_json(path: Path | str, data: Any) -> Path:
    """Write ``data`` as indented JSON, atomically. NaN is refused: use None for 'no value'."""
    return atomic_write_text(path, to_json(data))


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; cells are escaped so a '|' never breaks a row."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join(" --- " for _ in headers) + "|")
    lines.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def verdict_badge(passed: bool) -> str:
    return "✅ pass" if passed else "❌ fail"
