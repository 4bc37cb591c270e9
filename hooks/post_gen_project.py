"""Make the new project a git repository, which DVC needs, and say what to do next."""

import shutil
import subprocess
from pathlib import Path


def main() -> None:
    project = Path.cwd()
    git = shutil.which("git")
    inside = (
        git
        and subprocess.run(
            [git, "rev-parse", "--is-inside-work-tree"],
            cwd=project,
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    if git and not inside:
        subprocess.run([git, "init", "--quiet"], cwd=project, check=True)
        subprocess.run([git, "add", "--all"], cwd=project, check=True)
    print(f"Created {project.name}. Next: see {project.name}/README.md, 'Quickstart'.")


if __name__ == "__main__":
    main()
