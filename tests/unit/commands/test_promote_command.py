"""``mlgate promote`` inside a project: exit codes and the promotion report."""

from __future__ import annotations

import json

from mlgate.cli import main
from mlgate.registry import aliases, connect


def test_promotes_a_passing_candidate_without_arguments(gate_project, capsys):
    # given a passing benchmark of the latest training
    gate_project.train("strong")
    assert main(["benchmark", "--latency-runs", "10"]) == 0

    # when mlgate promote runs with no arguments
    code = main(["promote"])

    # then the candidate is champion and the report says so
    assert code == 0
    assert aliases(connect(gate_project.tracking_uri), "bc") == {
        "champion": "1",
        "challenger": "1",
    }
    report = json.loads((gate_project.root / "reports/promotion.json").read_text())
    assert report["gate"] == "promote" and report["verdict"] == "pass"
    assert "promoted bc v1 to champion" in capsys.readouterr().out


def test_a_failed_benchmark_registers_the_challenger_and_exits_1(gate_project, capsys):
    # given a bootstrap benchmark that fails the goals
    gate_project.train("constant")
    assert main(["benchmark", "--latency-runs", "10"]) == 1

    # when promote runs
    code = main(["promote"])

    # then exit 1, the output says it was not promoted, and no champion exists
    assert code == 1
    out = capsys.readouterr().out
    assert "NOT promoted" in out and "challenger" in out
    assert aliases(connect(gate_project.tracking_uri), "bc") == {"challenger": "1"}


def test_a_stale_report_exits_2_and_changes_nothing(gate_project, capsys):
    # given a benchmark taken when there was no champion, after which one was promoted
    gate_project.train("strong")
    assert main(["benchmark", "--latency-runs", "10"]) == 0
    stale = (gate_project.root / "reports/benchmark.json").read_text()
    assert main(["promote"]) == 0
    gate_project.train("strong")
    report = json.loads(stale)
    record = json.loads((gate_project.root / "reports/train.json").read_text())
    report["candidate"]["run_id"] = record["run_id"]  # the stale report, for the new run
    (gate_project.root / "reports/benchmark.json").write_text(json.dumps(report))
    capsys.readouterr()

    # when promote runs with it
    code = main(["promote"])

    # then exit 2, the reason, and the registry as it was
    assert code == 2
    assert "changed since the benchmark" in capsys.readouterr().err
    registry = connect(gate_project.tracking_uri)
    assert aliases(registry, "bc") == {"champion": "1", "challenger": "1"}


def test_missing_report_exits_2(gate_project, capsys):
    gate_project.train("strong")
    assert main(["promote"]) == 2
    assert "no such benchmark report" in capsys.readouterr().err
