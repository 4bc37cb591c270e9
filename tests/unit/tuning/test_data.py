from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgate.errors import InputError
from mlgate.tuning.data import features_and_target, require_columns


def test_features_are_every_other_column_of_any_kind():
    # given a table with a number, a flag, a text category and a date besides the target
    frame = pd.DataFrame(
        {
            "a": [1.0],
            "b": [True],
            "city": pd.array(["Oslo"], dtype="str"),
            "day": pd.to_datetime(["2024-01-02"]),
            "target": [1],
        }
    )
    # when the target is split off
    X, y = features_and_target(frame, "target", "d.csv")
    # then every other column is a feature, whatever its kind
    assert list(X.columns) == ["a", "b", "city", "day"]
    assert y.tolist() == [1]


@pytest.mark.parametrize(
    ("frame", "fragment"),
    [
        (pd.DataFrame({"a": [1.0], "label": [1]}), "no target column 'target'"),
        (pd.DataFrame({"target": [1]}), "no feature columns"),
        (pd.DataFrame({"a": [], "target": []}), "has no rows"),
        (
            pd.DataFrame({"a": [1.0, 2.0, 3.0], "target": ["x", np.nan, None]}),
            "the target column 'target' has 2 missing value(s)",
        ),
    ],
)
def test_unusable_frames_say_what_is_wrong(frame, fragment):
    with pytest.raises(InputError) as raised:
        features_and_target(frame, "target", "d.csv")
    assert fragment in raised.value.message
    assert raised.value.message.startswith("d.csv")


def test_missing_declared_columns_are_named():
    # given a table without two of the columns a schema declares as features
    frame = pd.DataFrame({"a": [1.0]})
    # when the declared features are required
    with pytest.raises(InputError) as raised:
        require_columns(frame, ["a", "b", "c"], "d.csv", "schema pkg.schema:S")
    # then the message names the file, the missing columns and who declared them
    assert raised.value.message == (
        "d.csv: lacks feature column(s) b, c that schema pkg.schema:S declares"
    )
    require_columns(frame, ["a"], "d.csv", "schema pkg.schema:S")  # nothing missing: no error
