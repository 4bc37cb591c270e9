"""Reading CSV and Parquet tables, and the input errors a user can act on."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mlgate.data_io import load_frame, read_table
from mlgate.errors import InputError


def test_csv_and_parquet_read_to_the_same_frame(tmp_path: Path) -> None:
    # given one table written as CSV and as Parquet
    frame = pd.DataFrame({"x": [1.5, 2.5], "c": ["a", "b"]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet", index=False)

    # when both are read
    csv, parquet = read_table(tmp_path / "t.csv"), read_table(tmp_path / "t.parquet")

    # then they hold the same values
    assert csv["x"].tolist() == parquet["x"].tolist() == [1.5, 2.5]
    assert csv["c"].tolist() == parquet["c"].tolist() == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "the file is empty"),
        ("header_only.csv", b"a,b\n", "has a header but no rows"),
        ("latin1.csv", "a,b\ncaf\xe9,1\n".encode("latin-1"), "not valid UTF-8"),
        ("utf16.csv", "a,b\n1,2\n".encode("utf-16"), "NUL bytes"),
        ("ragged.csv", b"a,b\n1,2\n1,2,3,4\n", "cannot be parsed as CSV"),
        ("numbers.csv", b"1.0,2.0\n3.0,4.0\n", "holds numbers"),
        ("repeated.csv", b"a,a\n1,2\n", "repeats column names"),
        ("table.xlsx", b"PK", "unsupported file type"),
        ("broken.parquet", b"not parquet at all", "not a readable Parquet file"),
    ],
)
def test_bad_files_raise_input_errors_naming_the_file(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    # given a file that cannot be read as a table
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    # when it is read, then the error names the file and the problem
    with pytest.raises(InputError, match=message) as caught:
        read_table(path)
    assert name in str(caught.value)


def test_load_frame_names_dataframes_and_paths(tmp_path: Path) -> None:
    # given a DataFrame and a file
    frame = pd.DataFrame({"x": [1, 2]})
    frame.to_parquet(tmp_path / "f.parquet")

    # when each is loaded
    named_frame = load_frame(frame)
    named_file = load_frame(tmp_path / "f.parquet")

    # then each gets a report name and the same rows
    assert named_frame[0] == "data"
    assert named_file[0].endswith("f.parquet")
    assert named_file[1]["x"].tolist() == [1, 2]
    with pytest.raises(InputError, match="is empty"):
        load_frame(pd.DataFrame())
