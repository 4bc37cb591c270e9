"""What a training run records: lineage tags, and the requirement that reinstalls mlgate."""

from __future__ import annotations

from pathlib import Path

from mlgate import tracking


def test_the_mlgate_requirement_names_where_this_mlgate_came_from() -> None:
    # given this test environment, which installs mlgate from the working tree
    requirement = tracking.mlgate_requirement()

    # then a logged model's environment would reinstall the same code
    root = Path(__file__).resolve().parents[2]
    assert requirement == f"mlgate @ {root.as_uri()}"


def test_lineage_tags_hash_the_data_and_the_params(tmp_path: Path) -> None:
    data = tmp_path / "train.csv"
    data.write_text("a,b\n1,2\n")
    tags = tracking.lineage_tags(tmp_path, data, {"max_depth": 3})
    assert tags[tracking.TAG_DATA_HASH] == tracking.file_md5(data)
    assert tags[tracking.TAG_DATA_PATH] == "train.csv"
    assert tags[tracking.TAG_PARAMS_HASH] == tracking.params_hash({"max_depth": 3})
    assert tags[tracking.TAG_GIT_COMMIT] == "unknown"
