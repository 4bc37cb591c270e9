"""Whether CI pulls DVC data: the decision per remote kind, and a real pull from a local remote."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mlgate import dvc_remote


@pytest.mark.parametrize(
    ("url", "environ", "pull", "why"),
    [
        (None, {}, False, "no default DVC remote"),
        ("s3://bucket/p", {}, False, "none of AWS_ACCESS_KEY_ID"),
        ("s3://bucket/p", {"AWS_ACCESS_KEY_ID": "AKIA"}, True, "from AWS_ACCESS_KEY_ID"),
        ("gs://bucket/p", {"GOOGLE_APPLICATION_CREDENTIALS": "/k.json"}, True, "gs remote"),
        ("azure://c/p", {"AZURE_STORAGE_KEY": ""}, False, "azure remote but none"),
        ("ssh://host/p", {}, True, "from the DVC config"),
    ],
)
def test_cloud_remotes_need_their_credentials(
    url: str | None, environ: dict[str, str], pull: bool, why: str, tmp_path: Path
) -> None:
    # given a default remote and an environment, then the decision and its reason follow
    decision = dvc_remote.decide(url, environ, tmp_path)
    assert decision.pull is pull
    assert why in decision.reason


def test_a_relative_local_remote_is_resolved_against_the_dvc_folder(tmp_path: Path) -> None:
    # given .dvc/ and a sibling storage folder named relatively, as the template does
    (tmp_path / ".dvc").mkdir()
    (tmp_path / "storage").mkdir()

    # then the remote is found from .dvc/, and a missing one is named
    assert dvc_remote.decide("../storage", {}, tmp_path / ".dvc").pull is True
    missing = dvc_remote.decide("../elsewhere", {}, tmp_path / ".dvc")
    assert missing.pull is False
    assert str(tmp_path / "elsewhere") in missing.reason


def _dvc(cwd: Path, *args: str) -> None:
    subprocess.run(["dvc", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.mark.skipif(shutil.which("dvc") is None, reason="needs the dvc command")
def test_main_pulls_from_an_existing_local_remote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a DVC project whose data was pushed to a local remote, then removed from the checkout
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    _dvc(project, "init", "-q")
    _dvc(project, "config", "core.analytics", "false")
    _dvc(project, "remote", "add", "-d", "storage", "../storage")
    (project / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    _dvc(project, "add", "data.csv")
    _dvc(project, "push")
    (project / "data.csv").unlink()
    shutil.rmtree(project / ".dvc" / "cache")

    # when CI runs the pull step in auto mode
    code = dvc_remote.main(["--project", str(project)], environ={})

    # then the data is back
    assert code == 0
    assert (project / "data.csv").read_text(encoding="utf-8") == "a,b\n1,2\n"
    assert "local remote" in capsys.readouterr().out


def test_main_in_true_mode_fails_without_a_remote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a folder that is not a DVC project, then auto skips and true fails
    assert dvc_remote.main(["--project", str(tmp_path)], environ={}) == 0
    assert dvc_remote.main(["--project", str(tmp_path), "--mode", "true"], environ={}) == 1
    assert "is not a DVC project" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("dvc") is None, reason="needs the dvc command")
def test_default_remote_url_reads_dvc_config_with_its_local_override(tmp_path: Path) -> None:
    # given a project whose default remote is overridden in config.local
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _dvc(tmp_path, "init", "-q")
    _dvc(tmp_path, "remote", "add", "-d", "storage", "s3://bucket/path")
    _dvc(tmp_path, "remote", "modify", "--local", "storage", "url", "s3://other/path")

    # then the URL DVC would use is the local one; without a default there is none
    assert dvc_remote.default_remote_url(tmp_path) == "s3://other/path"
    _dvc(tmp_path, "remote", "default", "--unset")
    assert dvc_remote.default_remote_url(tmp_path) is None


def _tracked_sample(project: Path, data: bytes) -> Path:
    """A project whose data/raw/dataset.csv.dvc records ``data``; the file is not there."""
    import hashlib

    (project / ".dvc").mkdir(parents=True)
    raw = project / "data" / "raw"
    raw.mkdir(parents=True)
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    (raw / "dataset.csv.dvc").write_text(
        f"outs:\n- md5: {md5}\n  size: {len(data)}\n  hash: md5\n  path: dataset.csv\n"
    )
    return raw / "dataset.csv"


def test_a_missing_bundled_sample_is_restored_when_no_remote_is_reachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlgate.samples import sample_csv

    # given a generated project's DVC record of the sample, on a runner without its remote
    data = sample_csv("classification")
    raw = _tracked_sample(tmp_path, data)
    outputs = tmp_path / "github-output"

    # when CI runs the pull step
    code = dvc_remote.main(["--project", str(tmp_path)], environ={"GITHUB_OUTPUT": str(outputs)})

    # then the sample is back, byte for byte, and the workflow learns the data is complete
    assert code == 0
    assert raw.read_bytes() == data
    assert "restored the bundled breast cancer" in capsys.readouterr().out
    assert outputs.read_text() == "data=complete\n"


@pytest.mark.parametrize(("mode", "code"), [("auto", 0), ("true", 1)])
def test_missing_data_of_ones_own_is_reported_never_invented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, code: int
) -> None:
    # given a DVC record of a user's own data that no reachable remote holds
    raw = _tracked_sample(tmp_path, b"customer_id,segment\nC1,gold\n")
    outputs = tmp_path / "github-output"

    # when CI runs the pull step
    done = dvc_remote.main(
        ["--project", str(tmp_path), "--mode", mode], environ={"GITHUB_OUTPUT": str(outputs)}
    )

    # then nothing is written, the message names the file and the fix, and the data is missing
    assert done == code
    assert not raw.exists()
    out = capsys.readouterr().out
    assert "data/raw/dataset.csv: missing" in out and "dvc push" in out
    assert outputs.read_text() == "data=missing\n"
