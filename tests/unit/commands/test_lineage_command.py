"""``mlgate lineage``: version -> run -> params -> data hash -> git commit."""

from __future__ import annotations

import json

from mlgate.cli import main


def test_prints_the_chain_of_the_champion(gate_project, capsys):
    # given a promoted champion
    record = gate_project.train("strong")
    assert main(["benchmark", "--latency-runs", "10"]) == 0
    assert main(["promote"]) == 0
    capsys.readouterr()

    # when lineage runs without arguments, as text and as JSON
    assert main(["lineage"]) == 0
    text = capsys.readouterr().out
    assert main(["lineage", "--json"]) == 0
    chain = json.loads(capsys.readouterr().out)

    # then both show the version, run, params, data hash and commit of the training
    tags = record["tags"]
    assert "bc v1  [challenger, champion]" in text
    assert record["run_id"] in text
    assert "kind=strong" in text
    assert tags["mlgate.data_hash"] in text
    assert f"git      {tags['mlgate.git_commit']}" in text
    assert chain["version"]["version"] == "1"
    assert chain["run"]["run_id"] == record["run_id"]
    assert chain["run"]["lineage"]["mlgate.params_hash"] == tags["mlgate.params_hash"]


def test_unknown_model_exits_2(gate_project, capsys):
    assert main(["lineage", "models:/nope@champion"]) == 2
    assert "not found" in capsys.readouterr().err
