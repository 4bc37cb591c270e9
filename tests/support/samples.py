"""The template's copies of the sample datasets, and their DVC records, kept in step with mlgate.

The template ships ``data/raw/dataset.csv`` (one file per task, chosen by its name's Jinja
condition) and ``data/raw/dataset.csv.dvc`` with each sample's MD5 and size. They must equal
what :mod:`mlgate.samples` writes, or CI could not restore them; ``python -m
tests.support.samples`` rewrites them, and tests/template/test_samples.py checks them.
"""

from __future__ import annotations

import hashlib

from mlgate.samples import SAMPLES, sample_csv
from tests.support.project import TEMPLATE_DIR

RAW = TEMPLATE_DIR / "data" / "raw"


def sample_path(task: str):
    return RAW / f"{{% if cookiecutter.task == '{task}' %}}dataset.csv{{% endif %}}"


def dvc_record() -> str:
    """The Jinja source of data/raw/dataset.csv.dvc: each task's sample's MD5 and size."""
    lines = ["outs:"]
    for i, task in enumerate(SAMPLES):
        data = sample_csv(task)
        keyword = "if" if i == 0 else "elif"
        lines += [
            f"{{%- {keyword} cookiecutter.task == '{task}' %}}",
            f"- md5: {hashlib.md5(data, usedforsecurity=False).hexdigest()}",
            f"  size: {len(data)}",
        ]
    lines += ["{%- endif %}", "  hash: md5", "  path: dataset.csv", ""]
    return "\n".join(lines)


def main() -> None:
    for task in SAMPLES:
        sample_path(task).write_bytes(sample_csv(task))
    (RAW / "dataset.csv.dvc").write_text(dvc_record(), encoding="utf-8")
    print(f"wrote the samples and their DVC record under {RAW}")


if __name__ == "__main__":
    main()
