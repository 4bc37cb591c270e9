"""The sample datasets a generated project starts with, and how CI gets them back.

A project generated from the template holds its task's sample in ``data/raw/dataset.csv``,
tracked by DVC (``data/raw/dataset.csv.dvc`` records its MD5): breast cancer Wisconsin
(diagnostic) for classification, the diabetes study for regression, both shipped with
scikit-learn. The CSV is written here byte for byte the same every time, so a checkout whose
DVC remote is out of reach (CI and the default local remote) can restore it from scikit-learn
and prove, by the MD5 in the ``.dvc`` file, that it is exactly what was versioned. Data a user
brought is never restored this way: only ``dvc pull`` can bring it back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import InputError


@dataclass(frozen=True)
class Sample:
    task: str
    title: str
    loader: str  # sklearn.datasets function
    target: str  # the label column's name in the CSV
    kwargs: tuple[tuple[str, Any], ...] = ()


SAMPLES = {
    "classification": Sample(
        "classification", "breast cancer Wisconsin (diagnostic)", "load_breast_cancer", "diagnosis"
    ),
    # scaled=False keeps the original units (years, mm Hg, mg/dL), which the schema bounds.
    "regression": Sample(
        "regression", "diabetes", "load_diabetes", "progression", (("scaled", False),)
    ),
}


def snake_case(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def sample_frame(task: str) -> Any:
    """The sample of ``task`` as one frame: snake_case feature names, then the label column."""
    import sklearn.datasets

    sample = SAMPLES[task]
    bunch = getattr(sklearn.datasets, sample.loader)(as_frame=True, **dict(sample.kwargs))
    frame = bunch.frame.rename(columns=snake_case)
    return frame.rename(columns={"target": sample.target})


def sample_csv(task: str) -> bytes:
    """The sample of ``task`` exactly as a generated project holds it."""
    return sample_frame(task).to_csv(index=False, lineterminator="\n").encode("utf-8")


def recorded_md5(dvc_file: Path) -> str | None:
    """The MD5 a single-output ``.dvc`` file records, or None when it records something else."""
    import yaml

    try:
        data = yaml.safe_load(dvc_file.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError, yaml.YAMLError):
        return None
    outs = data.get("outs") if isinstance(data, dict) else None
    if not isinstance(outs, list) or len(outs) != 1 or not isinstance(outs[0], dict):
        return None
    md5 = outs[0].get("md5")
    return str(md5) if md5 else None


def restore(dvc_file: Path) -> str:
    """Write the bundled sample that ``dvc_file`` records, when its data file is missing.

    Returns what happened, one line. Raises InputError when the data file is missing and the
    ``.dvc`` file records other data (a user's, which only ``dvc pull`` can bring).
    """
    dvc_file = Path(dvc_file)
    out = dvc_file.with_name(dvc_file.name.removesuffix(".dvc"))
    if out.exists():
        return f"{out}: present"
    md5 = recorded_md5(dvc_file)
    for task, sample in SAMPLES.items():
        data = sample_csv(task)
        if hashlib.md5(data, usedforsecurity=False).hexdigest() == md5:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(f".{out.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(out)
            return f"{out}: restored the bundled {sample.title} sample (MD5 {md5})"
    raise InputError(
        f"{out}: missing, and {dvc_file.name} records data of your own (MD5 {md5}), "
        "which only `dvc pull` can bring",
        hint="push it to a DVC remote this machine can reach (`dvc push`), and give CI that "
        "remote's credentials; see the project README, 'Bring your own data'",
    )


def restore_all(project: Path) -> list[str]:
    """:func:`restore` for every missing output of a ``.dvc`` file under ``project``.

    Hidden folders (``.git``, ``.venv``, ``.dvc``, ...) are not searched. Returns a line per
    missing output; raises InputError for missing data that is not a sample.
    """
    import os

    lines = []
    for folder, dirs, files in os.walk(project):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".dvc") and not name.startswith("."):
                dvc_file = Path(folder) / name
                if not dvc_file.with_name(name.removesuffix(".dvc")).exists():
                    lines.append(restore(dvc_file))
    return lines
