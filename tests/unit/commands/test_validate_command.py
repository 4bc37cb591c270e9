"""``mlgate profile`` and ``mlgate validate`` from the command line, in and out of a project."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from mlgate import cli

SCHEMAS = Path(__file__).resolve().parent.parent / "validation"


def _breast_cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A minimal generated-project layout: [tool.mlgate] settings, params, split data, schema."""
    frame = _breast_cancer().sample(frac=1.0, random_state=0).reset_index(drop=True)
    (tmp_path / "data").mkdir()
    frame.iloc[:450].to_parquet(tmp_path / "data" / "train.parquet")
    frame.iloc[450:].to_parquet(tmp_path / "data" / "test.parquet")
    package = tmp_path / "src" / "bcproject"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    schemas = (SCHEMAS / "validation_schemas.py").read_text(encoding="utf-8")
    (package / "schema.py").write_text(schemas, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.mlgate]\n"
        'target = "target"\n'
        'params = "params.yaml"\n'
        'train_data = "data/train.parquet"\n'
        'test_data = "data/test.parquet"\n'
        'schema = "bcproject.schema:BreastCancerSchema"\n'
        'profile = "reports/profile.json"\n'
        'reference_profile = "data/reference_profile.json"\n'
        'reports = "reports"\n',
        encoding="utf-8",
    )
    (tmp_path / "params.yaml").write_text("validation:\n  mean_shift: 0.3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    return tmp_path


def test_in_a_project_both_commands_need_no_arguments(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a project whose data is clean, with a reference baseline pinned from it
    # when profile, baseline pin and validate run with no arguments
    assert cli.main(["profile"]) == 0
    assert cli.main(["baseline", "pin"]) == 0
    code = cli.main(["validate"])
    out = capsys.readouterr().out

    # then the profile and both reports exist, both splits are named, and the gate passes
    assert code == 0, (project / "reports" / "validation.md").read_text(encoding="utf-8")
    report = json.loads((project / "reports" / "validation.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "pass"
    assert [d["name"] for d in report["datasets"]] == ["data/train.parquet", "data/test.parquet"]
    assert report["tolerances"]["mean_shift"] == 0.3
    assert {c["layer"] for c in report["checks"]} == {
        "schema", "distribution", "out_of_distribution", "correlation"
    }  # fmt: skip
    assert "validate: pass" in out and "validation.md" in out


def test_corrupted_data_fails_with_reports_written(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a baseline pinned from the clean training data, then a test split out of range
    assert cli.main(["baseline", "pin"]) == 0
    test = pd.read_parquet(project / "data" / "test.parquet")
    test["mean area"] = test["mean area"] * 100
    test.to_parquet(project / "data" / "test.parquet")

    # when validated
    code = cli.main(["validate"])
    out = capsys.readouterr().out

    # then it exits 1, the reports name the column in the schema and baseline layers
    assert code == 1
    assert "validate: fail" in out and "mean area" in out
    report = json.loads((project / "reports" / "validation.json").read_text(encoding="utf-8"))
    failed = {(c["dataset"], c["layer"], c["column"]) for c in report["checks"] if not c["passed"]}
    assert ("data/test.parquet", "schema", "mean area") in failed
    assert ("data/test.parquet", "out_of_distribution", "mean area") in failed
    summary = (project / "reports" / "validation.md").read_text(encoding="utf-8")
    assert summary.startswith("### ❌ Data validation failed")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["validate", "absent.csv", "--baseline", "reports/profile.json"],
            "absent.csv: no such file",
        ),
        (["validate", "--schema", "bcproject.nope:Schema"], "failed to import"),
        (["validate", "--baseline", "params.yaml"], "not a readable JSON profile"),
        (["profile", "--target", "price"], "no target column 'price'"),
        (["validate", "--config", "params.yaml:nothing"], "has no section 'nothing'"),
    ],
)
def test_input_problems_exit_2_with_a_message(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    # given a profiled project
    assert cli.main(["profile"]) == 0
    capsys.readouterr()

    # when a command gets a bad input, then it exits 2 and says what is wrong
    assert cli.main(args) == 2
    assert message in capsys.readouterr().err


def test_outside_a_project_explicit_arguments_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a CSV and no project around it
    monkeypatch.chdir(tmp_path)
    _breast_cancer().to_csv("bc.csv", index=False)

    # when profiled and validated with explicit paths
    assert cli.main(["profile", "bc.csv", "--target", "target", "-o", "p.json"]) == 0
    code = cli.main(
        ["validate", "bc.csv", "--baseline", "p.json", "--report", "r.json", "--summary", "r.md"]
    )

    # then it passes and writes where told
    assert code == 0
    assert json.loads(Path("r.json").read_text(encoding="utf-8"))["verdict"] == "pass"
    assert Path("r.md").read_text(encoding="utf-8").startswith("### ✅")
    assert cli.main(["validate", "bc.csv"]) == 2
    assert "nothing to validate against" in capsys.readouterr().err
