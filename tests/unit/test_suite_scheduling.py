"""The suite's own scheduling on two or more cores (tests/support/scheduling.py): each generated
project's tests are one unit of work, and nothing else is split finer than its module."""

from __future__ import annotations

import subprocess
import sys

from tests.support.project import MLGATE_ROOT
from tests.support.scheduling import (
    ONE_WORKER_PER_PROJECT,
    ONE_WORKER_PER_TEST,
    order_key,
    scope_of,
)


def _collected(*paths: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *paths],
        cwd=MLGATE_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_each_project_of_a_listed_module_is_one_unit_and_other_modules_stay_whole():
    listed = sorted(ONE_WORKER_PER_PROJECT)
    ids = _collected(*listed, "tests/e2e/test_reproduce.py", "tests/e2e/test_notebooks.py")
    scopes: dict[str, set[str]] = {}
    for nodeid in ids:
        scopes.setdefault(nodeid.split("::", 1)[0], set()).add(scope_of(nodeid))
    assert scopes["tests/e2e/test_own_data.py"] == {
        "tests/e2e/test_own_data.py[customers]",
        "tests/e2e/test_own_data.py[flats]",
    }
    for module in ("tests/e2e/test_pipeline.py", "tests/e2e/test_tune.py"):
        assert scopes[module] == {f"{module}[classification]", f"{module}[regression]"}
    # a module whose tests carry parameters of their own keeps all of them together
    assert scopes["tests/e2e/test_notebooks.py"] == {"tests/e2e/test_notebooks.py"}
    assert scopes["tests/e2e/test_reproduce.py"] == {"tests/e2e/test_reproduce.py"}


def test_each_act_scenario_of_the_generated_workflow_is_a_unit_of_its_own():
    ids = _collected(*sorted(ONE_WORKER_PER_TEST), "tests/workflows/test_s3_remote_workflow.py")
    scenarios = [i for i in ids if i.startswith("tests/workflows/test_generated_workflow.py")]
    assert len(scenarios) >= 3
    assert {scope_of(i) for i in scenarios} == set(scenarios)
    # the S3 scenarios share their project (pushed to the remote once), so they stay together
    s3 = {scope_of(i) for i in ids if i not in scenarios}
    assert s3 == {"tests/workflows/test_s3_remote_workflow.py"}


def test_a_class_stays_its_own_unit_as_in_loadscope():
    assert (
        scope_of("tests/unit/test_x.py::TestThing::test_a[1-2]")
        == "tests/unit/test_x.py::TestThing"
    )


def test_units_that_make_projects_or_run_act_are_handed_out_first_then_the_larger_ones():
    pending = {
        "tests/unit/test_goals.py": 40,
        "tests/e2e/test_reproduce.py": 3,
        "tests/workflows/test_generated_workflow.py": 9,
        "tests/template/test_render.py": 60,
        "tests/e2e/test_own_data.py[flats]": 7,
    }
    order = sorted(pending, key=lambda scope: order_key(scope, pending[scope]))
    assert order == [
        "tests/workflows/test_generated_workflow.py",
        "tests/e2e/test_own_data.py[flats]",
        "tests/e2e/test_reproduce.py",
        "tests/template/test_render.py",
        "tests/unit/test_goals.py",
    ]
