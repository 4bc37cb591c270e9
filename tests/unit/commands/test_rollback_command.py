"""``mlgate rollback``: the previous champion back, or a clear refusal."""

from __future__ import annotations

import json

from mlgate.cli import main
from mlgate.registry import aliases, connect


def test_rolls_back_to_the_previous_champion(gate_project, capsys):
    # given a stump champion replaced by a strong model
    for kind in ("stump", "strong"):
        gate_project.train(kind)
        assert main(["benchmark", "--latency-runs", "10"]) == 0
        assert main(["promote"]) == 0

    # when mlgate rollback runs with no arguments
    code = main(["rollback"])

    # then the stump is champion again
    assert code == 0
    assert aliases(connect(gate_project.tracking_uri), "bc")["champion"] == "1"
    assert "champion is v1 again" in capsys.readouterr().out


def test_without_a_previous_champion_exits_2(gate_project, capsys):
    assert main(["rollback"]) == 2
    assert "nothing to roll back to" in capsys.readouterr().err


def test_promoting_the_rolled_back_version_again_exits_1_unless_forced(gate_project, capsys):
    # given a stump champion replaced by a strong model (benchmarked against the stump), then
    # rolled back: the strong model's report compares against v1, the champion again
    for kind in ("stump", "strong"):
        gate_project.train(kind)
        assert main(["benchmark", "--latency-runs", "10"]) == 0
        assert main(["promote"]) == 0
    assert main(["rollback"]) == 0
    capsys.readouterr()

    # when it is promoted again, then exit 1, naming the version and --force, nothing changed
    assert main(["promote"]) == 1
    out = capsys.readouterr().out
    assert "refused" in out and "v2 was rolled back at" in out and "--force" in out
    registry = connect(gate_project.tracking_uri)
    assert aliases(registry, "bc") == {"champion": "1", "challenger": "2", "rolled_back": "2"}
    report = json.loads((gate_project.root / "reports/promotion.json").read_text())
    assert report["outcome"] == "refused" and report["outputs"]["promoted"] == "false"

    # when it is forced, then exit 0, the output says forced, and the version is tagged
    assert main(["promote", "--force"]) == 0
    assert "FORCED: v2 was rolled back" in capsys.readouterr().out
    assert aliases(registry, "bc") == {"champion": "2", "challenger": "2", "previous": "1"}
    assert registry.client.get_model_version("bc", "2").tags["mlgate.forced"] == "true"
    report = json.loads((gate_project.root / "reports/promotion.json").read_text())
    assert report["forced"] and report["outputs"]["forced"] == "true"


def test_a_negative_wait_is_a_usage_error(gate_project, capsys):
    import pytest

    with pytest.raises(SystemExit) as caught:
        main(["rollback", "--wait", "-1"])
    assert caught.value.code == 2
    assert "not a number of seconds >= 0" in capsys.readouterr().err
