"""The template renders into a complete, parseable, lint-clean project for every option value."""

from __future__ import annotations

import configparser
import itertools
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support.project import render

TASKS = ["classification", "regression"]
REMOTES = ["local", "s3", "gcs", "azure", "none"]
PYTHONS = ["3.11", "3.12", "3.13"]
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "Proprietary"]
TUNE = ["no", "yes"]
NOTEBOOKS = ["no", "yes"]
REMOTE_URLS = {
    "s3": "s3://team-bucket/dvc",
    "gcs": "gs://team-bucket/dvc",
    "azure": "azure://box/dvc",
}


def combinations() -> list[dict[str, str]]:
    """Every task x remote pair; Python versions and licenses cycle so each value appears."""
    combos = []
    for i, (task, remote) in enumerate(itertools.product(TASKS, REMOTES)):
        answers = {
            "project_name": f"Combo {i} {task}",
            "task": task,
            "dvc_remote": remote,
            "python_version": PYTHONS[i % len(PYTHONS)],
            "license": LICENSES[i % len(LICENSES)],
            "tune": TUNE[(i // 2) % len(TUNE)],
            "notebooks": NOTEBOOKS[i % len(NOTEBOOKS)],
        }
        if remote in REMOTE_URLS:
            answers["dvc_remote_url"] = REMOTE_URLS[remote]
        combos.append(answers)
    return combos


HOSTILE = {
    # answers with every character that breaks a file format when pasted in unescaped
    "project_name": "Ünïcode \\ back\\slash 'quotes' <tags> & a name of eighty characters....",
    "description": 'C:\\data model, "quoted", \\n not a newline, <b>bold</b> & {braces}',
    "author_name": 'O\'Brien "Bob" \\ Jr.',
    "task": "classification",
    "dvc_remote": "local",
    "python_version": "3.12",
    "license": "MIT",
    "tune": "no",
    "notebooks": "yes",
}

COMBOS = [*combinations(), HOSTILE]

EXPECTED_FILES = {
    ".dvc/.gitignore",
    ".dvc/config",
    ".dvcignore",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".github/workflows/ci.yml",
    "LICENSE",
    "README.md",
    "data/raw/.gitignore",
    "data/raw/dataset.csv",
    "data/raw/dataset.csv.dvc",
    "dvc.yaml",
    "noxfile.py",
    "params.yaml",
    "pyproject.toml",
    "src/{pkg}/__init__.py",
    "src/{pkg}/config.py",
    "src/{pkg}/data.py",
    "src/{pkg}/evaluate.py",
    "src/{pkg}/model.py",
    "src/{pkg}/predict.py",
    "src/{pkg}/schema.py",
    "src/{pkg}/split.py",
    "src/{pkg}/train.py",
    "tests/conftest.py",
    "tests/test_schema.py",
    "tests/test_stages.py",
}
NOTEBOOK_FILES = {
    "notebooks/.gitignore",
    "notebooks/01-explore-data.ipynb",
    "notebooks/01-explore-data.py",
    "notebooks/jupytext.toml",
    "src/{pkg}/explore.py",
    "tests/test_explore.py",
    "tests/test_notebooks.py",
}

# Jinja left behind; GitHub's own ${{ ... }} expressions are meant to stay.
LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|%\}|\{#")


def project_files(project: Path) -> set[str]:
    return {
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    }


def test_every_option_value_is_rendered_at_least_once() -> None:
    for option, values in {
        "task": TASKS,
        "dvc_remote": REMOTES,
        "python_version": PYTHONS,
        "license": LICENSES,
        "tune": TUNE,
        "notebooks": NOTEBOOKS,
    }.items():
        assert {combo[option] for combo in COMBOS} == set(values), option


@pytest.fixture(
    scope="module",
    params=COMBOS,
    ids=lambda c: (
        "hostile-answers"
        if "description" in c
        else f"{c['task']}-{c['dvc_remote']}-py{c['python_version']}-{c['license']}"
        f"{'-tune' if c['tune'] == 'yes' else ''}{'-notebooks' if c['notebooks'] == 'yes' else ''}"
    ),
)
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, str], Path]:
    answers = request.param
    return answers, render(tmp_path_factory.mktemp("render"), **answers)


def test_file_set_is_exact(rendered: tuple[dict[str, str], Path]) -> None:
    answers, project = rendered
    package = project.name.replace("-", "_")
    expected = EXPECTED_FILES | (NOTEBOOK_FILES if answers["notebooks"] == "yes" else set())
    assert project_files(project) == {name.format(pkg=package) for name in expected}
    # and no folder is left empty (notebooks/ when its files are switched off)
    folders = [p for p in project.rglob("*") if p.is_dir() and ".git" not in p.parts]
    assert [str(f.relative_to(project)) for f in folders if not any(f.iterdir())] == []


def test_no_template_syntax_is_left(rendered: tuple[dict[str, str], Path]) -> None:
    _, project = rendered
    for name in project_files(project):
        text = (project / name).read_text(encoding="utf-8")
        assert not LEFTOVER.search(text), f"{name}: {LEFTOVER.search(text).group()!r} left"


def test_structured_files_parse(rendered: tuple[dict[str, str], Path]) -> None:
    _, project = rendered
    for name in project_files(project):
        path = project / name
        if path.suffix in {".yaml", ".yml"}:
            assert yaml.safe_load(path.read_text()) is not None, name
        elif path.suffix == ".toml":
            tomllib.loads(path.read_text())
        elif path.suffix in {".json", ".ipynb"}:
            json.loads(path.read_text())
    parser = configparser.ConfigParser()
    parser.read_string((project / ".dvc" / "config").read_text())
    assert parser.get("core", "analytics") == "false"


def test_the_sample_data_is_the_input_dvc_records(rendered: tuple[dict[str, str], Path]) -> None:
    import hashlib

    answers, project = rendered
    raw = project / "data" / "raw"
    data = (raw / "dataset.csv").read_bytes()
    record = yaml.safe_load((raw / "dataset.csv.dvc").read_text())["outs"]
    assert record == [
        {
            "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
            "size": len(data),
            "hash": "md5",
            "path": "dataset.csv",
        }
    ]
    assert (raw / ".gitignore").read_text() == "/dataset.csv\n"
    target = {"classification": "diagnosis", "regression": "progression"}[answers["task"]]
    assert data.split(b"\n", 1)[0].decode().split(",")[-1] == target
    package = project.name.replace("-", "_")
    schema = (project / "src" / package / "schema.py").read_text()
    assert f"{target}: Series" in schema and '"role": "target"' in schema


def test_generated_code_is_ruff_clean(rendered: tuple[dict[str, str], Path]) -> None:
    _, project = rendered
    for args in (["check"], ["format", "--check"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "."],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_options_reach_the_files_that_depend_on_them(rendered: tuple[dict[str, str], Path]) -> None:
    answers, project = rendered
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    package = project.name.replace("-", "_")
    if "description" in answers:
        assert pyproject["project"]["description"] == answers["description"]
        assert pyproject["project"]["authors"][0]["name"] == answers["author_name"]

    assert pyproject["project"]["requires-python"] == f">={answers['python_version']}"
    assert pyproject["tool"]["mlgate"]["task"] == answers["task"]
    assert pyproject["tool"]["mlgate"]["schema"] == f"{package}.schema:DatasetSchema"
    assert pyproject["tool"]["mlgate"]["tracking_uri"] == "sqlite:///mlflow.db"
    mlgate_dep = next(d for d in pyproject["project"]["dependencies"] if d.startswith("mlgate"))
    assert mlgate_dep == "mlgate @ git+https://github.com/mlgate-dev/mlgate@v0.1.0"

    license_text = (project / "LICENSE").read_text()
    marker = {
        "MIT": "MIT License",
        "Apache-2.0": "Apache License, Version 2.0",
        "BSD-3-Clause": "BSD 3-Clause License",
        "Proprietary": "All rights reserved",
    }
    assert marker[answers["license"]] in license_text
    if answers["license"] == "Proprietary":
        assert "license" not in pyproject["project"]
    else:
        assert pyproject["project"]["license"] == answers["license"]

    dvc = configparser.ConfigParser()
    dvc.read_string((project / ".dvc" / "config").read_text())
    remote = answers["dvc_remote"]
    if remote == "none":
        assert dvc.sections() == ["core"]
    else:
        assert dvc.get("core", "remote") == "storage"
        expected_url = REMOTE_URLS.get(remote, "../dvc-storage")
        assert dvc.get("'remote \"storage\"'", "url") == expected_url
    extras = {d.split(">")[0] for d in pyproject["project"]["dependencies"]}
    assert ({f"dvc-{remote}"} & extras) == ({f"dvc-{remote}"} if remote in REMOTE_URLS else set())

    schema = (project / "src" / package / "schema.py").read_text()
    params = yaml.safe_load((project / "params.yaml").read_text())
    if answers["task"] == "classification":
        assert "mean_radius" in schema and "Series[int]" in schema
    else:
        assert "bmi" in schema and "mean_radius" not in schema
    assert params["model"]["algorithm"] in (project / "src" / package / "model.py").read_text()

    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    train_py = (project / "src" / package / "train.py").read_text()
    if answers["tune"] == "yes":
        assert list(stages).index("tune") == list(stages).index("train") - 1
        assert "models/best_params.json" in stages["train"]["deps"]
        assert set(params["tune"]["algorithms"]) >= {"random_forest", "hist_gradient_boosting"}
        assert "read_best_params" in train_py
    else:
        assert "tune" not in stages and "tune" not in params
        assert "best_params" not in train_py


def test_the_project_starts_on_the_branch_its_workflow_runs_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given git configured to start repositories on another branch, as git 2.39 does by default
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = master\n")
    monkeypatch.setenv("HOME", str(home))

    # when a project is generated
    project = render(tmp_path / "out")

    # then its repository is on main, the branch ci.yml triggers on
    assert (project / ".git" / "HEAD").read_text().strip() == "ref: refs/heads/main"
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML reads the key "on" as True
