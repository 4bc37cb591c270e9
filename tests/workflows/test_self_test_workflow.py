"""This repository's self-test workflow, executed with act: every action on its fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.workflows.act_runner import mlgate_snapshot, run_act

pytestmark = pytest.mark.act


def test_every_action_passes_its_self_test_including_the_failure_paths(tmp_path: Path) -> None:
    # given a push to main of this repository
    payload = {
        "ref": "refs/heads/main",
        "repository": {"full_name": "mlgate-dev/mlgate", "default_branch": "main"},
    }

    # when the self-test workflow runs its jobs
    run = run_act(
        mlgate_snapshot(),
        "push",
        payload,
        tmp_path / "artifacts",
        workflow=".github/workflows/self-test.yml",
        mlgate_action_ref=None,
    )

    # then each job passes, the gathering job last, and the failure paths left their reports
    jobs = run.jobs()
    assert run.returncode == 0, f"{jobs}\n{run.log[-6000:]}"
    assert set(jobs.values()) == {"succeeded"} and len(jobs) == 4, jobs
    assert run.artifact_json("self-test-validation-drifted", "drifted.json")["verdict"] == "fail"
    # a gate that fails its step still uploads its report
    assert run.artifact_json("self-test-validation-failing", "failing.json")["verdict"] == "fail"
    assert (run.artifacts / "self-test-validation-failing" / "failing.md").is_file()
    assert run.artifact_json("self-test-benchmark-strict", "strict.json")["verdict"] == "fail"
    refused = run.artifact_json("self-test-promotion-refused", "refused.json")
    promoted = run.artifact_json("self-test-promotion", "promotion.json")
    assert (refused["outcome"], promoted["outcome"]) == ("registered", "promoted")
    assert "validate-data: pass, fail and error paths behave" in run.log
