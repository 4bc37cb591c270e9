"""The corruption corpus and clean resamples: what the gate catches and what it lets through.

Both tests print a table (detections; false alarms) so the numbers show in every test run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from validation_corpus import CORPUS, DATASETS, Corruption

from mlgate.errors import InputError
from mlgate.profiling import build_profile
from mlgate.validation import validate

_CLEAN = {name: load() for name, load in DATASETS.items()}
_PROFILES = {name: build_profile(df, target="target") for name, df in _CLEAN.items()}


def _named(report, corruption: Corruption) -> list[str]:
    """The failed checks that name the corrupted column and check, as 'column/check' strings."""
    found = []
    for check in report.failures:
        columns = {check.column, check.other_column}
        if check.check == corruption.check and corruption.column in columns:
            found.append(f"{check.column}/{check.check}")
    return found


@pytest.mark.parametrize("corruption", CORPUS, ids=[c.name for c in CORPUS])
def test_each_corruption_is_caught_and_named(corruption: Corruption, tmp_path: Path) -> None:
    # given a clean table's baseline profile and a corrupted copy of the table
    clean = _CLEAN[corruption.dataset]
    data = corruption.make(clean, tmp_path)

    if corruption.error:
        # when it is validated, then it cannot be read as that table: a clear input error
        with pytest.raises(InputError, match=corruption.error):
            validate(data, baseline=_PROFILES[corruption.dataset])
        return
    # when it is validated
    report = validate(data, baseline=_PROFILES[corruption.dataset])

    # then the gate fails and names the corrupted column and the right check
    assert not report.passed
    assert _named(report, corruption), [f"{c.column}/{c.check}" for c in report.failures]


def test_detection_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # given every corruption of the corpus
    rows = []
    caught = 0
    for corruption in CORPUS:
        data = corruption.make(_CLEAN[corruption.dataset], tmp_path)
        # when each is validated against its clean baseline
        try:
            report = validate(data, baseline=_PROFILES[corruption.dataset])
        except InputError as error:
            hit = bool(corruption.error) and corruption.error in str(error)
            message = str(error).split("\n")[0].rsplit(": ", 1)[-1][:60]
            rows.append((corruption.name, corruption.dataset, "exit 2: " + message, hit))
        else:
            named = _named(report, corruption)
            hit = not report.passed and bool(named)
            rows.append((corruption.name, corruption.dataset, ", ".join(named[:2]) or "-", hit))
        caught += hit
    with capsys.disabled():
        print(
            f"\n\ncorruption corpus: {caught}/{len(CORPUS)} caught with the right column and check"
        )
        for name, dataset, what, hit in rows:
            print(f"  {'caught' if hit else 'MISSED':6}  {name:36} {dataset:14} {what}")
    # then every kind is caught
    assert caught == len(CORPUS)


def test_clean_bootstrap_resamples_pass(capsys: pytest.CaptureFixture[str]) -> None:
    # given 20 bootstrap resamples of each clean table
    alarms = {}
    for name, clean in _CLEAN.items():
        failed = []
        for seed in range(20):
            resample = clean.sample(n=len(clean), replace=True, random_state=seed)
            # when each is validated with the default tolerances
            report = validate(resample.reset_index(drop=True), baseline=_PROFILES[name])
            if not report.passed:
                failed.append([f"{c.column}/{c.check}" for c in report.failures])
        alarms[name] = failed
    with capsys.disabled():
        print("\nfalse alarms on 20 bootstrap resamples (default tolerances):")
        for name, failed in alarms.items():
            print(f"  {name:14} {len(failed)}/20 = {len(failed) / 20:.0%}")
    # then none fails
    assert all(not failed for failed in alarms.values()), alarms


def test_held_out_splits_pass_against_the_training_profile() -> None:
    # given 10 random 80/20 splits of each table, profiled on the 80%
    for name, clean in _CLEAN.items():
        for seed in range(10):
            train = clean.sample(frac=0.8, random_state=seed)
            test = clean.drop(train.index)
            # when both splits are validated against the training profile
            report = validate(
                {"train": train, "test": test}, baseline=build_profile(train, target="target")
            )
            # then both pass: a held-out split is not drift
            assert report.passed, (name, seed, [f"{c.column}/{c.check}" for c in report.failures])


def test_half_std_mean_shift_detection_rate(capsys: pytest.CaptureFixture[str]) -> None:
    # given 300-row samples with one numeric feature shifted by 0.5 std, for every feature
    results = {}
    for name in ("breast_cancer", "diabetes"):
        clean = _CLEAN[name]
        features = [c for c in clean.columns if c != "target"]
        hits = 0
        for i, column in enumerate(features):
            sample = clean.sample(n=300, random_state=i).reset_index(drop=True)
            sample[column] = sample[column] + 0.5 * clean[column].std()
            # when each is validated
            report = validate(sample, baseline=_PROFILES[name])
            hits += any(c.column == column and c.check == "mean" for c in report.failures)
        results[name] = (hits, len(features))
    with capsys.disabled():
        print("\n0.5 std mean shift on 300 rows, detected by the 'mean' check:")
        for name, (hits, total) in results.items():
            print(f"  {name:14} {hits}/{total} = {hits / total:.0%}")
    # then every shift is caught by the mean check
    assert all(hits == total for hits, total in results.values()), results


def test_small_shift_on_huge_data_passes() -> None:
    # given 200,000 rows whose mean moved by a trivial 0.05 std (highly significant at this n)
    rng = np.random.default_rng(0)
    base = pd.DataFrame({"x": rng.normal(0, 1, 200_000), "y": rng.normal(5, 2, 200_000)})
    moved = pd.DataFrame({"x": rng.normal(0.05, 1, 200_000), "y": rng.normal(5, 2, 200_000)})

    # when validated against the baseline
    report = validate(moved, baseline=build_profile(base))

    # then the effect-size tolerance keeps it from failing, though its p-value is tiny
    mean_x = next(c for c in report.checks if c.column == "x" and c.check == "mean")
    assert mean_x.p_value < 1e-10
    assert report.passed
