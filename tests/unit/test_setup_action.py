"""The setup action's steps: the environment made with uv, what later steps get, the DVC pull."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from mlgate import setup_action
from tests.support.github_output import read_outputs

UV = Path(sys.executable).parent / "uv"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The files Actions hands a step, a RUNNER_TEMP, and a project folder as the cwd."""
    files = {
        "env": tmp_path / "github_env",
        "path": tmp_path / "github_path",
        "output": tmp_path / "github_output",
        "temp": tmp_path / "runner_temp",
        "project": tmp_path / "project",
    }
    files["temp"].mkdir()
    files["project"].mkdir()
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "UV_", "VIRTUAL_ENV")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GITHUB_ENV", str(files["env"]))
    monkeypatch.setenv("GITHUB_PATH", str(files["path"]))
    monkeypatch.setenv("GITHUB_OUTPUT", str(files["output"]))
    monkeypatch.setenv("RUNNER_TEMP", str(files["temp"]))
    monkeypatch.setenv("PATH", f"{UV.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.chdir(files["project"])
    return files


def _stand_in_mlgate(folder: Path) -> Path:
    """A package named mlgate with only a ``mlgate --version`` script.

    It stands in for the real checkout so that the install is quick and needs nothing beyond
    the build backend: what is checked is what setup does around the install.
    """
    (folder / "fake_mlgate").mkdir(parents=True)
    (folder / "fake_mlgate" / "__init__.py").write_text(
        "def main():\n    print('mlgate 9.8.7')\n", encoding="utf-8"
    )
    (folder / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "mlgate"\nversion = "9.8.7"\n'
        '[project.scripts]\nmlgate = "fake_mlgate:main"\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["fake_mlgate"]\n',
        encoding="utf-8",
    )
    return folder


def test_plan_installs_the_project_with_its_extras_only_when_asked(tmp_path: Path) -> None:
    # given a checkout of mlgate and a project with a pyproject.toml
    source = _stand_in_mlgate(tmp_path / "mlgate")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'p'\n", encoding="utf-8")
    common = {"source": source, "venv": ".venv", "project": project, "temp": tmp_path}

    # when the install is planned with and without the project, with and without extras
    with_extras = setup_action.plan(extras="dev, docs", install_project=True, **common)
    plain = setup_action.plan(extras="", install_project=True, **common)
    without = setup_action.plan(extras="dev", install_project=False, **common)

    # then mlgate always comes from the checkout and the project only when asked
    assert with_extras.targets == (str(source), "-e", ".[dev,docs]")
    assert plain.targets == (str(source), "-e", ".")
    assert without.targets == (str(source),)
    assert with_extras.venv == project / ".venv"
    assert "--override" in with_extras.install_command("uv")


def test_a_checkout_without_pyproject_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(setup_action.SetupError, match=r"holds no pyproject\.toml"):
        setup_action.plan(
            source=tmp_path,
            venv=".venv",
            extras="",
            install_project=False,
            project=tmp_path,
            temp=tmp_path,
        )


def test_install_makes_the_environment_and_hands_it_to_later_steps(
    runner: dict[str, Path], tmp_path: Path
) -> None:
    # given a checkout of "mlgate" and a folder without a project
    source = _stand_in_mlgate(tmp_path / "checkout")

    # when the install step runs
    code = setup_action.main(["install", "--source", str(source), "--install-project", "true"])

    # then the environment exists with mlgate in it, on PATH for later steps, with its outputs
    assert code == 0
    venv = runner["project"] / ".venv"
    assert (venv / "bin" / "mlgate").exists()
    assert runner["path"].read_text(encoding="utf-8").splitlines() == [str(venv / "bin")]
    outputs = read_outputs(runner["output"])
    assert outputs == {
        "python-path": str(venv / "bin" / "python"),
        "venv-path": str(venv),
        "mlgate-version": "9.8.7",
    }
    # and later uv installs take mlgate from the same checkout; telemetry is off
    env = read_outputs(runner["env"])
    assert env["VIRTUAL_ENV"] == str(venv)
    override = Path(env["UV_OVERRIDE"])
    assert override.parent == runner["temp"]
    assert override.read_text(encoding="utf-8") == f"mlgate @ {source.resolve().as_uri()}\n"
    assert env["MLFLOW_DISABLE_TELEMETRY"] == "true" and env["DVC_NO_ANALYTICS"] == "1"


def test_a_failing_install_ends_the_step_with_2_and_says_what_failed(
    runner: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a project whose pyproject.toml is not valid TOML
    source = _stand_in_mlgate(tmp_path / "checkout")
    (runner["project"] / "pyproject.toml").write_text("[project\n", encoding="utf-8")

    # when the install step runs, then it fails naming the install, and hands nothing on
    assert setup_action.main(["install", "--source", str(source)]) == 2
    assert "installing mlgate and the project failed" in capsys.readouterr().out
    assert not runner["path"].exists()


def test_an_input_that_is_not_a_flag_is_an_error(
    runner: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _stand_in_mlgate(tmp_path / "checkout")
    code = setup_action.main(["install", "--source", str(source), "--install-project", "yes"])
    assert code == 2
    assert "input install-project must be true or false, got 'yes'" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("mode", "with_dvc", "says"),
    [
        ("false", True, "turned off"),
        ("auto", False, "is not a DVC project"),
        ("true", False, "is not a DVC project"),
    ],
)
def test_pull_does_nothing_when_off_or_outside_a_dvc_project(
    runner: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    mode: str,
    with_dvc: bool,
    says: str,
) -> None:
    # given a folder with or without .dvc/
    if with_dvc:
        (runner["project"] / ".dvc").mkdir()

    # when the pull step runs, then it passes, says why nothing happened and sets no output
    assert setup_action.main(["pull", "--mode", mode]) == 0
    assert says in capsys.readouterr().out
    assert not runner["output"].exists()


def test_pull_in_a_dvc_project_checks_the_data_and_sets_the_output(
    runner: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # given a DVC project without a default remote and without tracked data
    (runner["project"] / ".dvc").mkdir()
    (runner["project"] / ".dvc" / "config").write_text("", encoding="utf-8")

    # when the pull step runs in auto mode
    code = setup_action.main(["pull", "--mode", "auto"])

    # then it says why nothing was pulled, and the data is complete (there is none to miss)
    assert code == 0
    assert "no default DVC remote" in capsys.readouterr().out
    assert read_outputs(runner["output"]) == {"data": "complete"}


def test_an_unknown_pull_mode_is_an_error(
    runner: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert setup_action.main(["pull", "--mode", "sometimes"]) == 2
    assert "dvc-pull must be auto, true or false, got 'sometimes'" in capsys.readouterr().out
