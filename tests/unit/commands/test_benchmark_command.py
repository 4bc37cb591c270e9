"""``mlgate benchmark`` inside a project: defaults from settings, reports, exit codes."""

from __future__ import annotations

import json
import time

from mlgate.cli import main


def test_runs_without_arguments_inside_a_project(gate_project, capsys):
    # given a project whose latest training meets the goals, and no champion yet
    record = gate_project.train("strong")

    # when mlgate benchmark runs with no arguments
    code = main(["benchmark", "--latency-runs", "10"])

    # then it passes as a bootstrap and writes both reports where the settings say
    assert code == 0
    report = json.loads((gate_project.root / "reports/benchmark.json").read_text())
    assert report["candidate"]["run_id"] == record["run_id"]
    assert report["bootstrap"] is True
    assert report["goals"]["min"] == {"roc_auc": 0.85}
    assert report["dummy"]["fitted_on"] == "train"
    summary = (gate_project.root / "reports/benchmark.md").read_text()
    assert "Bootstrap" in summary
    assert "bootstrap" in capsys.readouterr().out


def test_compares_with_the_champion_alias_by_default_and_fails_a_worse_model(gate_project):
    # given a strong champion
    gate_project.train("strong")
    assert main(["benchmark", "--latency-runs", "10"]) == 0
    assert main(["promote"]) == 0

    # when a stump is trained and benchmarked with no arguments
    gate_project.train("stump")
    code = main(["benchmark", "--latency-runs", "10"])

    # then it was compared with models:/bc@champion and the gate fails (exit 1)
    report = json.loads((gate_project.root / "reports/benchmark.json").read_text())
    assert code == 1
    assert report["champion"]["uri"] == "models:/bc@champion"
    assert report["champion"]["version"] == "1"
    assert any("worse than the champion" in reason for reason in report["reasons"])


def test_goal_on_an_unknown_metric_exits_2_naming_it(gate_project, capsys):
    gate_project.train("strong")
    (gate_project.root / "params.yaml").write_text("goals:\n  max: {rmse: 10}\n")
    assert main(["benchmark", "--latency-runs", "10"]) == 2
    err = capsys.readouterr().err
    assert "goals.max.rmse" in err and "available metrics" in err


def test_unreachable_tracking_server_exits_2_quickly_naming_it(gate_project, capsys, monkeypatch):
    # given a run record and a tracking URI where nothing listens
    gate_project.train("strong")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")

    # when the benchmark runs
    start = time.monotonic()
    code = main(["benchmark", "--latency-runs", "10"])

    # then it fails fast with exit 2, naming the URI and what to do
    assert code == 2
    assert time.monotonic() - start < 30
    err = capsys.readouterr().err
    assert "http://127.0.0.1:9" in err and "hint:" in err
    assert not (gate_project.root / "reports/benchmark.json").exists()


def test_a_champion_trained_on_other_columns_needs_a_deliberate_new_line(gate_project, capsys):
    import pandas as pd
    from mlflow import MlflowClient

    from tests.support.training import Split

    # given a champion trained on all 30 measurements
    gate_project.train("strong")
    assert main(["benchmark", "--latency-runs", "10"]) == 0
    assert main(["promote"]) == 0

    # and new data on purpose: the "worst *" columns dropped, one renamed
    def reshape(frame: pd.DataFrame) -> pd.DataFrame:
        kept = frame.drop(columns=[c for c in frame.columns if c.startswith("worst")])
        return kept.rename(columns={"mean radius": "radius_mm"})

    split = gate_project.split
    root = gate_project.root
    reshape(split.train).to_parquet(root / "data/train.parquet")
    reshape(split.test).to_parquet(root / "data/test.parquet")
    new = Split(
        root,
        root / "data/train.parquet",
        root / "data/test.parquet",
        reshape(split.train),
        reshape(split.test),
    )
    object.__setattr__(gate_project, "split", new)
    gate_project.train("strong")
    capsys.readouterr()

    # when benchmarked as usual, then it fails naming the columns and the way on
    assert main(["benchmark", "--latency-runs", "10"]) == 1
    report = json.loads((root / "reports/benchmark.json").read_text())
    reason = " ".join(report["reasons"])
    assert "champion bc v1 cannot score this data" in reason
    assert "worst radius" in reason and "radius_mm" in reason and "--new-line" in reason
    assert main(["promote"]) == 1

    # when the change is declared deliberate, then the candidate is judged on the goals alone
    assert main(["benchmark", "--latency-runs", "10", "--new-line"]) == 0
    report = json.loads((root / "reports/benchmark.json").read_text())
    assert report["incomparable_champion"]["version"] == "1" and report["new_line"] is True
    assert report["champion"] is None
    assert "New champion line" in (root / "reports/benchmark.md").read_text()

    # and promotion replaces the old champion, which stays reachable as previous
    assert main(["promote"]) == 0
    client = MlflowClient(gate_project.tracking_uri, registry_uri=gate_project.tracking_uri)
    champion = client.get_model_version_by_alias("bc", "champion")
    assert str(champion.version) == "2"  # registered as challenger by the refused promote
    assert str(client.get_model_version_by_alias("bc", "previous").version) == "1"
    assert champion.tags["mlgate.benchmarked_against"] == "none: a new line replacing bc v1"
