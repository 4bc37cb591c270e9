"""The baseline profile: its documented keys, its numbers, and its stability."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlgate.errors import InputError
from mlgate.profiling import FORMAT_VERSION, build_profile, load_profile


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    x = rng.normal(10, 2, 500)
    return pd.DataFrame(
        {
            "x": x,
            "y": 2 * x + rng.normal(0, 1, 500),
            "c": rng.choice(["a", "b"], 500, p=[0.7, 0.3]),
            "label": (x > 10).astype(int),
        }
    )


def test_profile_holds_the_documented_statistics(frame: pd.DataFrame) -> None:
    # given a table with numeric and categorical columns and a label
    # when it is profiled
    profile = build_profile(frame, target="label")

    # then the numbers match pandas' own and the documented keys are there
    x = profile["columns"]["x"]
    assert profile["format_version"] == FORMAT_VERSION
    assert profile["rows"] == 500 and profile["target"] == "label"
    assert x["mean"] == pytest.approx(frame["x"].mean())
    assert x["std"] == pytest.approx(frame["x"].std())
    assert x["q1"] == pytest.approx(frame["x"].quantile(0.25))
    assert x["upper_fence"] == pytest.approx(x["q3"] + 1.5 * x["iqr"])
    assert sum(x["bins"]["fractions"]) == pytest.approx(1.0)
    assert len(x["bins"]["fractions"]) == len(x["bins"]["edges"]) + 1
    assert profile["columns"]["c"]["frequencies"]["a"] == pytest.approx((frame["c"] == "a").mean())
    assert profile["correlations"]["target"]["x"] > 0.5
    features = profile["correlations"]["features"]
    assert features["matrix"][features["columns"].index("x")][features["columns"].index("y")] > 0.9


def test_profile_is_stable_json(frame: pd.DataFrame, tmp_path: Path) -> None:
    # given the same data profiled twice, once shuffled in memory and written back
    first = build_profile(frame, target="label")
    second = build_profile(frame.copy(), target="label")

    # when written as JSON
    text = json.dumps(first, sort_keys=True, allow_nan=False)

    # then the profiles are equal, hashes included, and a change of one value changes the hash
    assert first == second
    assert json.loads(text) == first
    changed = frame.copy()
    changed.loc[0, "x"] += 1
    assert build_profile(changed, target="label")["content_hash"] != first["content_hash"]


def test_missing_target_is_an_input_error(frame: pd.DataFrame) -> None:
    # given a table without the named target, when profiled, then the error names the column
    with pytest.raises(InputError, match="no target column 'price'"):
        build_profile(frame, target="price")


def test_load_profile_refuses_other_files(tmp_path: Path) -> None:
    # given a JSON file that is not a profile and one from a future format
    other = tmp_path / "other.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    future = tmp_path / "future.json"
    future.write_text(json.dumps({"format_version": 99, "columns": {}}), encoding="utf-8")

    # when loaded, then each is refused with what to do
    with pytest.raises(InputError, match="not an mlgate profile"):
        load_profile(other)
    with pytest.raises(InputError, match="format_version 99"):
        load_profile(future)


def test_identifier_and_excluded_columns_are_recorded_by_role_not_by_value() -> None:
    from tests.support.tables import customers

    # given a customer table whose id is unique per row and a free-text column to ignore
    frame = customers(200, seed=3)
    frame["notes"] = [f"called on day {i}" for i in range(len(frame))]

    # when profiled with the schema's roles
    profile = build_profile(
        frame, target="segment", roles={"customer_id": "identifier", "notes": "excluded"}
    )

    # then their values are not listed (200 categories each), only presence and gaps
    for column, role in (("customer_id", "identifier"), ("notes", "excluded")):
        entry = profile["columns"][column]
        assert entry["kind"] == "other" and entry["role"] == role
        assert "frequencies" not in entry and entry["count"] == 200
    assert profile["columns"]["plan"]["kind"] == "categorical"
    assert profile["columns"]["age_years"]["nulls"] > 0


def test_duplicate_rows_are_the_rows_pandas_calls_duplicated_on_a_table_like_a_users():
    from mlgate.profiling import duplicate_rows_mask
    from tests.support import tables

    # given a customer table (ids, dates as text, units, categories with gaps, missing ages)
    # in which some rows are repeated whole, and others repeat only the first columns
    rows = tables.customers(400, seed=11)
    repeated = rows.sample(60, random_state=1)
    near = rows.sample(40, random_state=2).assign(monthly_spend=lambda f: f["monthly_spend"] + 1)
    frame = pd.concat([rows, repeated, near, repeated.head(10)], ignore_index=True)
    frame = frame.sample(frac=1, random_state=3).reset_index(drop=True)

    # when the rows that repeat an earlier one are marked
    mask = duplicate_rows_mask(frame)

    # then they are exactly the rows pandas' duplicated() marks: first occurrences unmarked,
    # rows differing in one later column not duplicates, missing values equal to each other
    expected = frame.duplicated().to_numpy()
    assert expected.sum() == 70
    assert (mask == expected).all()


def test_duplicate_mask_keeps_the_first_of_equal_hashes_and_marks_the_rest():
    from mlgate.profiling import duplicate_mask

    hashes = np.array([7, 3, 7, 9, 3, 7, 1], dtype=np.uint64)
    assert duplicate_mask(hashes).tolist() == [False, False, True, False, True, True, False]
    assert duplicate_mask(np.array([], dtype=np.uint64)).tolist() == []
