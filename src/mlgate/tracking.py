"""Lineage facts a training run records, so a registered model can be traced to its inputs.

The train stage of a generated project (and any other training script) tags its MLflow run
with :func:`lineage_tags`; ``mlgate promote`` copies them onto the model version and
``mlgate lineage`` prints them back. Nothing here imports MLflow: it is cheap to call.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

TAG_GIT_COMMIT = "mlgate.git_commit"
TAG_GIT_DIRTY = "mlgate.git_dirty"
TAG_DATA_HASH = "mlgate.data_hash"
TAG_DATA_PATH = "mlgate.data_path"
TAG_PARAMS_HASH = "mlgate.params_hash"
TAG_TEST_DATA_HASH = "mlgate.test_data_hash"
TAG_TEST_DATA_PATH = "mlgate.test_data_path"

PARAMS_ARTIFACT = "mlgate/training_params.json"
"""Where a training run records its parameters as given (types kept), for ``mlgate reproduce``."""

PROFILE_ARTIFACT = "mlgate/profile.json"
"""Where a training run records the profile of its training data (the next baseline)."""

RUN_RECORD_KEYS = ("run_id", "model_uri", "experiment_id", "tracking_uri", "model_name", "tags")
"""What a train stage writes to ``[tool.mlgate] train_run`` (JSON): the candidate for the gates."""


def file_md5(path: Path | str, chunk_size: int = 1 << 20) -> str:
    """MD5 of a file's bytes: the hash DVC 3 records for a file output."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def params_hash(params: Any) -> str:
    """SHA-256 of the parameters in canonical JSON (sorted keys), stable across runs."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def git_state(root: Path | str) -> tuple[str | None, bool | None]:
    """The commit at ``root`` and whether the work tree has changes; Nones outside git."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = git("status", "--porcelain", "--untracked-files=no")
    return commit, bool(status) if status is not None else None


def lineage_tags(
    root: Path | str, data_path: Path | str, params: Any, test_path: Path | str | None = None
) -> dict[str, str]:
    """Tags for a training run: git commit (and dirtiness), data hash and path, params hash;
    with ``test_path``, the held-out data's hash and path too (what ``mlgate reproduce``
    compares predictions on)."""
    root = Path(root)
    data_path = Path(data_path)
    from mlgate.settings import display_path

    commit, dirty = git_state(root)
    tags = {
        TAG_DATA_HASH: file_md5(data_path),
        TAG_DATA_PATH: display_path(data_path, root),
        TAG_PARAMS_HASH: params_hash(params),
        TAG_GIT_COMMIT: commit or "unknown",
    }
    if dirty is not None:
        tags[TAG_GIT_DIRTY] = str(dirty).lower()
    if test_path is not None and Path(test_path).is_file():
        tags[TAG_TEST_DATA_HASH] = file_md5(test_path)
        tags[TAG_TEST_DATA_PATH] = display_path(test_path, root)
    return tags


def mlgate_requirement() -> str:
    """The pip requirement for this very mlgate, for a logged model's environment.

    A model whose preprocessing uses mlgate's transformers needs mlgate to load. mlgate is
    installed from a git ref or a local clone, not an index, so the requirement is the direct
    URL it was installed from (with the git commit), else its version.
    """
    from importlib import metadata

    from mlgate import __version__

    try:
        text = metadata.distribution("mlgate").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        text = None
    if not text:
        return f"mlgate=={__version__}"
    info = json.loads(text)
    vcs = info.get("vcs_info")
    if vcs:
        return f"mlgate @ {vcs['vcs']}+{info['url']}@{vcs['commit_id']}"
    return f"mlgate @ {info['url']}"
