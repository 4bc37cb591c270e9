"""Every command outside a project, with only its required arguments: reports go to ./reports.

One documented place (docs and README: "reports/ outside a project, [tool.mlgate] reports
inside one"), the same for every gate; the table this test prints is the evidence.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.cli import main
from tests.support.training import TARGET, Split, train_and_log

TUNE = (
    "tune:\n  seed: 1\n  n_trials: 2\n  cv_folds: 2\n"
    "  algorithms:\n    random_forest: {n_estimators: [5], max_depth: [2, 3]}\n"
)


def _written(root: Path, before: set[Path]) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file()
        and p not in before
        and "mlflow.db" not in p.name
        and "artifacts" not in p.parts
    )


def test_every_command_writes_its_reports_under_reports(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    breast_cancer_split: Split,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a folder that is not a project: two data files and a tracking store, nothing else
    monkeypatch.chdir(tmp_path)
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    breast_cancer_split.train.to_parquet("train.parquet")
    breast_cancer_split.test.to_parquet("test.parquet")
    Path("tune.yaml").write_text(TUNE)
    split = Split(tmp_path, tmp_path / "train.parquet", tmp_path / "test.parquet",
                  breast_cancer_split.train, breast_cancer_split.test)  # fmt: skip
    records = [train_and_log(uri, split, kind, tmp_path) for kind in ("stump", "strong")]

    commands = {
        "profile": ["profile", "train.parquet", "--target", TARGET],
        "validate": ["validate", "test.parquet", "--baseline", "reports/profile.json"],
        "benchmark (stump)": ["benchmark", "--candidate", records[0]["model_uri"],
                              "--data", "test.parquet", "--latency-runs", "5"],
        "promote (stump)": ["promote", "--name", "bc", "--candidate", records[0]["model_uri"]],
        "benchmark (strong)": ["benchmark", "--candidate", records[1]["model_uri"],
                               "--data", "test.parquet", "--champion", "models:/bc@champion",
                               "--latency-runs", "5"],
        "promote (strong)": ["promote", "--name", "bc", "--candidate", records[1]["model_uri"]],
        "rollback": ["rollback", "--name", "bc"],
        "tune": ["tune", "--data", "train.parquet", "--test", "test.parquet", "--target", TARGET,
                 "--task", "classification", "--config", "tune.yaml:tune", "--no-tracking"],
    }  # fmt: skip
    expected = {
        "profile": ["reports/profile.json"],
        "validate": ["reports/validation.json", "reports/validation.md"],
        "benchmark (stump)": [
            "reports/benchmark.json",
            "reports/benchmark.md",
            "reports/model_card.md",
        ],
        "promote (stump)": ["reports/promotion.json", "reports/promotion.md"],
        "benchmark (strong)": [],  # the same three files, rewritten
        "promote (strong)": [],
        "rollback": ["reports/rollback.json", "reports/rollback.md"],
        "tune": ["models/best_params.json", "reports/tune.json", "reports/tune.md"],
    }
    table = []
    for name, args in commands.items():
        before = {p for p in tmp_path.rglob("*") if p.is_file()}
        # when each runs with only what it needs
        code = main(args)
        assert code == 0, (name, capsys.readouterr())
        # then its reports are under ./reports, and nowhere else
        written = _written(tmp_path, before)
        assert written == expected[name], name
        table.append(
            f"| `mlgate {' '.join(args[:1])}` ({name}) | {', '.join(written) or '(same files)'} |"
        )

    for gate in ("validation", "benchmark", "promotion", "rollback", "tune"):
        document = json.loads((tmp_path / "reports" / f"{gate}.json").read_text())
        assert {"gate", "verdict", "summary", "outputs", "mlgate_version"} <= set(document), gate
        assert (tmp_path / "reports" / f"{gate}.md").read_text().strip(), gate
    print("\n| command | reports written |\n| --- | --- |\n" + "\n".join(table))
