"""``mlgate rollback``: the previous champion back, or a clear refusal."""

from __future__ import annotations

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


def test_a_negative_wait_is_a_usage_error(gate_project, capsys):
    import pytest

    with pytest.raises(SystemExit) as caught:
        main(["rollback", "--wait", "-1"])
    assert caught.value.code == 2
    assert "not a number of seconds >= 0" in capsys.readouterr().err
