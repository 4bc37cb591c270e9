"""What the notebooks option costs: a project generated with it against one without it.

Both projects (classification, the defaults otherwise) are generated and measured in the same
run, alternating, so a busy machine slows both alike:

* install: a fresh virtual environment with the project and its dev extras (uv, bytecode
  compiled, from uv's cache: the packages are downloaded once, as on a developer's machine or
  a CI runner with a cache; ``--cold`` uses an empty cache, so everything comes from PyPI);
* the project's own ``pytest`` (with the option it also runs the notebook in a fresh kernel);
* ``pre-commit run --all-files`` with an empty hook cache (the first run builds the hook
  environments from PyPI) and again with the environments in place.

Each is measured ``REPEATS`` times and the median counts; the ratio is with / without.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _harness import BUILD, row, timed, write_result

from tests.support.project import install, project_env, render, run_checked, uv

REPEATS = 3
COLD = "--cold" in sys.argv[1:]
PYTEST = ["pytest", "-q", "-p", "no:cacheprovider"]


def installed(project: Path, cache: str | None) -> float:
    """Seconds to make the project's environment afresh."""
    shutil.rmtree(project / ".venv", ignore_errors=True)
    os.environ["UV_COMPILE_BYTECODE"] = "1"
    if cache:
        shutil.rmtree(cache, ignore_errors=True)
        os.environ["UV_CACHE_DIR"] = cache
    start = time.perf_counter()
    install(project)
    return time.perf_counter() - start


def packages(project: Path) -> set[str]:
    """The distributions in the project's environment, the project itself left out."""
    listed = run_checked(
        [uv(), "pip", "list", "--python", str(project / ".venv" / "bin" / "python")], project
    ).stdout.splitlines()[2:]
    return {line.split()[0].lower() for line in listed if line.strip()} - {project.name}


def pre_commit(project: Path, env: dict[str, str], home: Path) -> float:
    command = ["pre-commit", "run", "--all-files"]
    return timed(command, project, {**env, "PRE_COMMIT_HOME": str(home)})


def alternating(projects: dict[str, Path], measure) -> dict[str, list[float]]:
    """``REPEATS`` samples of ``measure(option, project)`` for each project, taken in turns."""
    samples: dict[str, list[float]] = {option: [] for option in projects}
    for _ in range(REPEATS):
        for option, project in projects.items():
            samples[option].append(measure(option, project))
    return samples


def main() -> None:
    out = BUILD / "notebooks"
    shutil.rmtree(out, ignore_errors=True)
    projects = {
        option: render(out / option, project_name=f"bench {option}", notebooks=option)
        for option in ("no", "yes")
    }
    cache = tempfile.mkdtemp(prefix="uv-cold-") if COLD else None
    envs = {option: project_env(project) for option, project in projects.items()}
    homes = {option: out / f"pre-commit-home-{option}" for option in projects}

    installs = alternating(projects, lambda option, project: installed(project, cache))
    for option, project in projects.items():
        run_checked(["git", "commit", "--quiet", "-m", "generated"], project, envs[option])
        timed(PYTEST, project, envs[option])  # bytecode and file cache warm
    tests = alternating(projects, lambda option, project: timed(PYTEST, project, envs[option]))
    first = {
        option: pre_commit(project, envs[option], homes[option])
        for option, project in projects.items()
    }
    hooks = alternating(
        projects, lambda option, project: pre_commit(project, envs[option], homes[option])
    )

    results = {
        option: {
            "install_s": statistics.median(installs[option]),
            "install_samples": installs[option],
            "tests_s": statistics.median(tests[option]),
            "tests_samples": tests[option],
            "pre_commit_first_s": first[option],
            "pre_commit_s": statistics.median(hooks[option]),
            "pre_commit_samples": hooks[option],
            "packages": sorted(packages(project)),
        }
        for option, project in projects.items()
    }
    no, yes = results["no"], results["yes"]
    extra = sorted(set(yes["packages"]) - set(no["packages"]))
    print(f"\nnotebooks option: with against without ({'cold' if COLD else 'warm'} uv cache)")
    for key, label in (
        ("install_s", "install into a fresh venv"),
        ("tests_s", "the project's pytest"),
        ("pre_commit_first_s", "pre-commit, first run (hook envs)"),
        ("pre_commit_s", "pre-commit, hook envs in place"),
    ):
        print(f"  {label}")
        print(row("  without", no[key]))
        print(row("  with", yes[key], no[key]) + f"  ({yes[key] - no[key]:+.2f} s)")
    print(f"  packages: {len(no['packages'])} -> {len(yes['packages'])} ({len(extra)} more)")
    path = write_result(
        "notebooks",
        {
            "cold": COLD,
            "results": results,
            "extra_packages": extra,
            "ratios": {
                key: yes[key] / no[key]
                for key in ("install_s", "tests_s", "pre_commit_first_s", "pre_commit_s")
            },
        },
    )
    print(f"\nwritten: {path}")
    if cache:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
