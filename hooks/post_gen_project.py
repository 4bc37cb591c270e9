"""Make the new project a git repository, which DVC needs, and say what to do next.

A project generated inside another repository's work tree joins it, unless that repository
ignores the folder (e.g. a build/ directory): then it gets a repository of its own.

Cookiecutter makes every folder of the template, even one whose files the answers all switch
off (notebooks/ without the notebooks option); such a folder is not left behind empty.
"""

import shutil
import subprocess
from pathlib import Path


def git(*args: str, cwd: Path) -> int:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False).returncode


def remove_empty_folders(project: Path) -> None:
    for folder in sorted(project.rglob("*"), key=lambda path: len(path.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def main() -> None:
    project = Path.cwd()
    remove_empty_folders(project)
    if shutil.which("git"):
        inside = git("rev-parse", "--is-inside-work-tree", cwd=project) == 0
        ignored = inside and git("check-ignore", "--quiet", str(project), cwd=project) == 0
        if not inside or ignored:
            # main, whatever init.defaultBranch says: the workflow runs on pushes to main.
            subprocess.run(
                ["git", "init", "--quiet", "--initial-branch", "main"], cwd=project, check=True
            )
            subprocess.run(["git", "add", "--all"], cwd=project, check=True)
    print(f"Created {project.name}. Next: see {project.name}/README.md, 'Quickstart'.")


if __name__ == "__main__":
    main()
