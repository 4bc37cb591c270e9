"""Reject bad template answers before any file is written.

Cookiecutter renders this file with the answers and runs it before generating the project;
a non-zero exit makes cookiecutter stop and remove the half-made folder. Every problem found
is reported at once, each naming the option, the value given and what is allowed.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from pathlib import Path

PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "Proprietary")
TASKS = ("classification", "regression")
YES_NO = ("no", "yes")
REMOTE_SCHEMES = {"s3": "s3://", "gcs": "gs://", "azure": "azure://"}
TRACKING_SCHEMES = ("sqlite", "http", "https", "postgresql", "mysql", "mssql", "databricks")
# Names a project package must not take: they would shadow what the project imports.
SHADOWED = {
    "mlgate",
    "mlflow",
    "dvc",
    "pandera",
    "pandas",
    "numpy",
    "sklearn",
    "scipy",
    "yaml",
    "pyarrow",
    "joblib",
    "pytest",
    "nox",
    "test",
    "tests",
}

LENGTH_LIMITS = {
    "project_name": 80,
    "project_slug": 40,
    "package_name": 40,
    "description": 300,
    "author_name": 100,
}
SLUG = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+$")
PIP_URL_SCHEMES = ("git+https://", "git+ssh://", "git+file://", "https://", "file://")
GIT_REF = re.compile(r"^(?!.*\.\.)(?!.*//)(?!/)(?!.*/$)(?!.*\.lock$)[A-Za-z0-9._/-]+$")


def problems(answers: dict[str, str]) -> list[str]:
    """Every problem with the answers, as messages a person can act on."""
    found: list[str] = []

    def bad(option: str, why: str) -> None:
        found.append(f"{option}={answers.get(option, '')!r}: {why}")

    if not answers.get("project_name", "").strip():
        bad("project_name", "must not be empty")
    for option, limit in LENGTH_LIMITS.items():
        if len(answers.get(option, "")) > limit:
            bad(
                option,
                f"is {len(answers.get(option, ''))} characters long; at most {limit} keep file "
                "names, imports and the project's own lint within limits",
            )
    slug = answers.get("project_slug", "")
    if not SLUG.match(slug):
        bad(
            "project_slug",
            "must be a valid folder and distribution name: lowercase letters "
            "and digits, words joined by '-' or '_', starting with a letter (e.g. 'churn-model')",
        )
    package = answers.get("package_name", "")
    if not package.isidentifier() or not package.isascii():
        bad(
            "package_name",
            "must be a Python identifier: letters, digits and '_', not starting "
            "with a digit (e.g. 'churn_model')",
        )
    elif keyword.iskeyword(package) or keyword.issoftkeyword(package):
        bad("package_name", "is a Python keyword; choose another name (e.g. 'my_model')")
    elif package != package.lower():
        bad("package_name", "must be lowercase (PEP 8), e.g. " + repr(package.lower()))
    elif package in SHADOWED or package in sys.stdlib_module_names:
        bad("package_name", "would shadow a module the project imports; choose another name")
    if answers.get("python_version") not in PYTHON_VERSIONS:
        bad("python_version", f"must be one of {', '.join(PYTHON_VERSIONS)}")
    if answers.get("license") not in LICENSES:
        bad("license", f"must be one of {', '.join(LICENSES)}")
    if answers.get("task") not in TASKS:
        bad("task", f"must be one of {', '.join(TASKS)}")
    if answers.get("notebooks") not in YES_NO:
        bad("notebooks", f"must be one of {', '.join(YES_NO)}")
    if not EMAIL.match(answers.get("author_email", "")):
        bad("author_email", "is not an e-mail address (expected name@domain.tld)")
    for option in ("project_name", "description", "author_name"):
        if "\n" in answers.get(option, "") or '"""' in answers.get(option, ""):
            bad(option, "must be a single line without triple quotes")
    _check_remote(answers, bad)
    tracking = answers.get("mlflow_tracking_uri", "")
    scheme = tracking.split(":", 1)[0].split("+", 1)[0] if ":" in tracking else ""
    if scheme not in TRACKING_SCHEMES:
        bad(
            "mlflow_tracking_uri",
            "must be a database or server URI such as "
            "'sqlite:///mlflow.db' or 'https://mlflow.example.com' (MLflow's file store "
            "./mlruns is deprecated and refused by MLflow 3)",
        )
    for option in ("github_repository", "mlgate_repository"):
        if not REPOSITORY.match(answers.get(option, "")):
            bad(option, "must be a GitHub repository as 'owner/name'")
    if not GIT_REF.match(answers.get("mlgate_ref", "")):
        bad(
            "mlgate_ref",
            "must be 'release', 'commit', or a git tag, branch or commit SHA (e.g. 'v0.1.0')",
        )
    _check_mlgate_source(answers.get("mlgate_source", ""), bad)
    return found


def _check_mlgate_source(source: str, bad) -> None:
    """'github', a pip URL, or the absolute path of a local clone of mlgate (offline installs)."""
    if source == "github":
        return
    if "://" in source:
        if not source.startswith(PIP_URL_SCHEMES) or any(c.isspace() for c in source):
            bad(
                "mlgate_source",
                f"must be a pip URL starting with one of {', '.join(PIP_URL_SCHEMES)} "
                "(e.g. 'git+https://github.com/mlgate-dev/mlgate@v0.1.0'), or a local folder",
            )
        return
    folder = Path(source)
    pyproject = folder / "pyproject.toml"
    if not folder.is_absolute():
        bad("mlgate_source", "a local clone must be given as an absolute path")
    elif not pyproject.is_file() or 'name = "mlgate"' not in pyproject.read_text("utf-8"):
        bad("mlgate_source", "is not a folder holding mlgate (its pyproject.toml names mlgate)")


def _check_remote(answers: dict[str, str], bad) -> None:
    kind = answers.get("dvc_remote", "")
    url = answers.get("dvc_remote_url", "").strip()
    if kind == "none":
        if url:
            bad(
                "dvc_remote_url",
                "is set but dvc_remote is 'none'; leave it empty or pick a "
                "remote kind (local, s3, gcs, azure)",
            )
    elif kind == "local":
        if not url or "://" in url:
            bad(
                "dvc_remote_url",
                "must be a folder path for a 'local' remote (e.g. "
                "'../dvc-storage' or '/mnt/shared/dvc'), not a URL",
            )
    elif kind in REMOTE_SCHEMES:
        scheme = REMOTE_SCHEMES[kind]
        if not url.startswith(scheme) or len(url) <= len(scheme):
            bad(
                "dvc_remote_url",
                f"must start with {scheme} for a '{kind}' remote (e.g. '{scheme}my-bucket/path')",
            )
    else:
        bad("dvc_remote", "must be one of local, s3, gcs, azure, none")


def main() -> int:
    answers = json.loads(r"""{{ cookiecutter | jsonify }}""")
    found = problems(answers)
    if not found:
        return 0
    print("mlgate template: the answers cannot make a working project:", file=sys.stderr)
    for message in found:
        print(f"  - {message}", file=sys.stderr)
    print("Nothing was generated. Run cookiecutter again with corrected answers.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
