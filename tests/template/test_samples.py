"""The template's copies of the samples are exactly what mlgate restores, and DVC records them."""

from __future__ import annotations

import hashlib

import pytest

from mlgate.samples import SAMPLES, restore, sample_csv, sample_frame
from tests.support.samples import RAW, dvc_record, sample_path


@pytest.mark.parametrize("task", sorted(SAMPLES))
def test_the_shipped_sample_is_what_mlgate_writes(task: str) -> None:
    assert sample_path(task).read_bytes() == sample_csv(task), (
        "the template's sample is stale: run python -m tests.support.samples"
    )


def test_the_dvc_record_holds_each_samples_hash_and_size() -> None:
    assert (RAW / "dataset.csv.dvc").read_text(encoding="utf-8") == dvc_record()
    for task in SAMPLES:
        data = sample_csv(task)
        assert hashlib.md5(data, usedforsecurity=False).hexdigest() in dvc_record()


@pytest.mark.parametrize("task", sorted(SAMPLES))
def test_restore_writes_the_sample_its_record_names(task: str, tmp_path) -> None:
    data = sample_csv(task)
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    record = tmp_path / "dataset.csv.dvc"
    record.write_text(f"outs:\n- md5: {md5}\n  size: {len(data)}\n  path: dataset.csv\n")
    assert "restored" in restore(record)
    assert (tmp_path / "dataset.csv").read_bytes() == data
    assert restore(record).endswith("present")


def test_the_samples_have_named_targets_and_snake_case_features() -> None:
    for task, sample in SAMPLES.items():
        frame = sample_frame(task)
        assert frame.columns[-1] == sample.target
        assert all(name == name.lower() and " " not in name for name in frame.columns)
        assert frame.notna().all().all()
