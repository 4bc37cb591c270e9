from __future__ import annotations

import pandas as pd
import pytest

from mlgate.errors import InputError
from mlgate.tuning.data import features_and_target, read_table


def test_parquet_and_csv_read_alike(tmp_path):
    frame = pd.DataFrame({"a": [1.0, 2.0], "target": [0, 1]})
    frame.to_parquet(tmp_path / "d.parquet")
    frame.to_csv(tmp_path / "d.csv", index=False)
    pd.testing.assert_frame_equal(
        read_table(tmp_path / "d.parquet"), read_table(tmp_path / "d.csv")
    )


def test_missing_and_unreadable_files_are_named(tmp_path):
    with pytest.raises(InputError, match="no such data file"):
        read_table(tmp_path / "none.parquet")
    (tmp_path / "bad.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.parquet: cannot be read as parquet"):
        read_table(tmp_path / "bad.parquet")


def test_features_are_every_other_column():
    frame = pd.DataFrame({"a": [1.0], "b": [True], "target": [1]})
    X, y = features_and_target(frame, "target", "d.csv")
    assert list(X.columns) == ["a", "b"]
    assert y.tolist() == [1]


@pytest.mark.parametrize(
    ("frame", "fragment"),
    [
        (pd.DataFrame({"a": [1.0], "label": [1]}), "no target column 'target'"),
        (pd.DataFrame({"a": [1.0], "city": ["x"], "target": [1]}), "city are not numeric"),
        (pd.DataFrame({"target": [1]}), "no feature columns"),
        (pd.DataFrame({"a": [], "target": []}), "has no rows"),
    ],
)
def test_unusable_frames_say_what_is_wrong(frame, fragment):
    with pytest.raises(InputError) as raised:
        features_and_target(frame, "target", "d.csv")
    assert fragment in raised.value.message
    assert raised.value.message.startswith("d.csv")
