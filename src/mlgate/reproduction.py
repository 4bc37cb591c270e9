"""Rebuild a registered model from its lineage and check it predicts what the registered one does.

A training run records where its model came from (:mod:`mlgate.tracking`): the git commit, the
MD5 of the training and held-out data (the hashes DVC stores them under), the parameters and
their hash. :func:`reproduce` goes back to that state and trains again:

1. clones the project's git repository into a temporary folder and checks out the commit;
2. fetches the training and held-out data *by their hashes* from the project's DVC remote,
   into the clone's own, empty cache: what is not in the remote any more cannot be found in a
   local cache by accident, and is an :class:`~mlgate.errors.InputError` naming it (exit 2);
3. puts back the parameters the run recorded (when the commit's ``params.yaml`` holds others,
   as after ``dvc exp run -S``; with a tune stage, the tuned ones in ``models/best_params.json``);
4. runs the project's own train stage of that commit (``python -m <package>.train``), tracking
   into a throwaway MLflow database, so the reproduction leaves no run in the project's;
5. loads both models through MLflow and compares their predictions (labels, and class
   probabilities when there are some) on the held-out data.

The verdict passes when the predictions are identical (a seeded model), or differ by at most
``tolerance``; otherwise it fails and says by how much, on how many rows.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate import tracking
from mlgate.errors import ConfigError, InputError
from mlgate.results import GateResult

CLONE_TIMEOUT_S = 600


@dataclass
class Checkout:
    """The clean checkout a reproduction trains in."""

    folder: Path
    project: Path
    notes: list[str] = field(default_factory=list)


def _run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _tail(done: subprocess.CompletedProcess[str], lines: int = 12) -> str:
    text = (done.stderr or "") + (done.stdout or "")
    return "\n".join(text.strip().splitlines()[-lines:])


def lineage_of(chain: dict[str, Any]) -> dict[str, str]:
    """The lineage tags of a model's run, checked for what a reproduction needs."""
    run = chain.get("run")
    if not run:
        raise InputError(
            f"{chain['model_uri']} is not linked to an MLflow run: there is no lineage to "
            "reproduce it from",
            hint="reproduce a model registered by mlgate promote from a training run",
        )
    facts = dict(run["lineage"])
    commit = facts.get(tracking.TAG_GIT_COMMIT)
    if not commit or commit == "unknown":
        raise InputError(
            f"run {run['run_id']} recorded no git commit (it was trained outside a git "
            "repository), so its code cannot be checked out again",
            hint="train inside the project's git repository; its commit is recorded then",
        )
    if tracking.TAG_DATA_HASH not in facts:
        raise InputError(
            f"run {run['run_id']} recorded no training data hash ({tracking.TAG_DATA_HASH})",
            hint="train with mlgate.stages.log_training_run, which records it",
        )
    return facts


def git_toplevel(root: Path) -> Path:
    done = _run(["git", "rev-parse", "--show-toplevel"], root)
    if done.returncode != 0:
        raise InputError(
            f"{root} is not in a git repository, so no commit can be checked out",
            hint="run mlgate reproduce inside a clone of the project",
        )
    return Path(done.stdout.strip()).resolve()


def checkout(root: Path, commit: str, into: Path) -> Checkout:
    """A fresh clone of the repository around ``root`` at ``commit``, in ``into``."""
    top = git_toplevel(root)
    if _run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], top).returncode != 0:
        raise InputError(
            f"commit {commit} is not in this clone of the repository",
            hint="`git fetch origin` (the commit may be on a branch not fetched yet), or "
            "reproduce a version trained from a pushed commit",
        )
    folder = into / "checkout"
    done = _run(
        ["git", "clone", "--quiet", "--no-checkout", "--no-hardlinks", str(top), str(folder)],
        into,
        timeout=CLONE_TIMEOUT_S,
    )
    if done.returncode == 0:
        done = _run(["git", "checkout", "--quiet", "--detach", commit], folder)
    if done.returncode != 0:
        raise InputError(f"could not check out commit {commit} in a clean clone:\n{_tail(done)}")
    project = folder / root.resolve().relative_to(top)
    return Checkout(folder=folder, project=project)


def remote_config(root: Path) -> tuple[str, str]:
    """The project's default DVC remote (name, URL), a relative local folder made absolute."""
    from dvc.config import Config

    from mlgate.dvc_remote import remote_kind

    if not (root / ".dvc").is_dir():
        raise ConfigError(
            f"{root} is not a DVC project, so no data version can be fetched",
            hint="run `dvc init`, track the data with DVC and `dvc push` it",
        )
    config = Config(str(root / ".dvc"))
    name = config["core"].get("remote")
    url = (config["remote"].get(name, {}) if name else {}).get("url")
    if not name or not url:
        raise ConfigError(
            "the project has no default DVC remote, so the training data of the model cannot be "
            "fetched",
            hint="add one (`dvc remote add -d storage PATH_OR_URL`) and `dvc push` the data",
        )
    if remote_kind(url) == "local":
        path = Path(url[len("file://") :] if url.startswith("file://") else url)
        if not path.is_absolute():
            path = (root / ".dvc" / path).resolve()
        url = str(path)
    return name, url


def fetch_by_hash(
    project: Path,
    remote: tuple[str, str],
    wanted: dict[str, tuple[str, str]],
    source_root: Path,
) -> dict[str, Path]:
    """Fetch each ``label -> (md5, shown path)`` from the remote into the clone's own cache.

    A missing object is an InputError naming the data, its hash and the remote.
    """
    name, url = remote
    env = _dvc_env()
    # The project's own config.local (credentials, endpoints) applies to the clone as well.
    local = source_root / ".dvc" / "config.local"
    if local.is_file():
        shutil.copyfile(local, project / ".dvc" / "config.local")
    done = _run(["dvc", "remote", "add", "--local", "--force", name, url], project, env)
    if done.returncode == 0:
        done = _run(["dvc", "remote", "default", "--local", name], project, env)
    if done.returncode != 0:
        raise ConfigError(f"could not point the clean checkout at DVC remote {url}:\n{_tail(done)}")
    staging = project / ".mlgate-reproduce"
    staging.mkdir(exist_ok=True)
    found: dict[str, Path] = {}
    for label, (md5, shown) in wanted.items():
        record = staging / f"{label}.dvc"
        filename = f"{label}{Path(shown).suffix}"
        record.write_text(
            f"outs:\n- md5: {md5}\n  path: {filename}\n  hash: md5\n", encoding="utf-8"
        )
        done = _run(["dvc", "pull", "--quiet", str(record.relative_to(project))], project, env)
        target = staging / filename
        if done.returncode != 0 or not target.is_file():
            raise InputError(
                f"the {label} data the model was trained with ({shown}, md5 {md5}) is not in "
                f"the DVC remote '{name}' ({url}): it was never pushed there, or it has been "
                "removed",
                hint="push it from a clone whose DVC cache still holds it (`dvc push`), or "
                "reproduce another version",
            )
        if tracking.file_md5(target) != md5:
            raise InputError(
                f"the remote's copy of {shown} does not match its hash {md5}",
                hint="the DVC remote is damaged: `dvc push` the data again from a good cache",
            )
        found[label] = target
    return found


def _dvc_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DVC_NO_ANALYTICS", "1")
    return env


def training_params(registry: Any, run_id: str) -> dict[str, Any] | None:
    """The parameters a run recorded as given (None for runs from before they were)."""
    import mlflow

    from mlgate.registry import service_errors

    folder = tracking.PARAMS_ARTIFACT.rpartition("/")[0]
    with service_errors(registry.uri, f"listing the artifacts of run {run_id}"):
        names = {item.path for item in registry.client.list_artifacts(run_id, folder)}
    if tracking.PARAMS_ARTIFACT not in names:
        return None
    with service_errors(registry.uri, f"reading the parameters of run {run_id}"):
        return mlflow.artifacts.load_dict(f"runs:/{run_id}/{tracking.PARAMS_ARTIFACT}")


def restore_params(project: Path, params: dict[str, Any] | None, recorded_hash: str) -> list[str]:
    """Make the clone train with the run's parameters; notes on what had to be put back."""
    import yaml

    from mlgate.settings import load_settings

    settings = load_settings(project)
    notes: list[str] = []
    tuned = project / "models" / "best_params.json"
    if (project / "dvc.yaml").is_file() and "mlgate tune" in (project / "dvc.yaml").read_text(
        encoding="utf-8"
    ):
        if params is None:
            raise InputError(
                "the run did not record its tuned parameters, so the tuned model cannot be "
                "trained again",
                hint="reproduce a version trained by this mlgate or later",
            )
        tuned.parent.mkdir(parents=True, exist_ok=True)
        best = {
            "algorithm": params["algorithm"],
            "params": params.get("params", {}),
            "task": settings.task if settings else None,
            "seed": params.get("seed"),
            "cv_score": None,
            "scoring": None,
        }
        tuned.write_text(json.dumps(best, indent=2), encoding="utf-8")
        notes.append("tuned parameters restored from the run into models/best_params.json")
        return notes
    if settings is None or settings.params is None or not settings.params.is_file():
        return notes
    document = yaml.safe_load(settings.params.read_text(encoding="utf-8")) or {}
    model = document.get("model") if isinstance(document, dict) else None
    if model is not None and tracking.params_hash(model) == recorded_hash:
        return notes
    if params is None:
        raise InputError(
            "the parameters at the recorded commit are not the ones the run was trained with "
            "(their hash differs), and the run did not record its own",
            hint="reproduce a version trained from committed parameters",
        )
    document["model"] = params
    settings.params.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    notes.append(
        "params.yaml at the commit differs from the run's parameters (trained with an "
        "uncommitted change or `dvc exp run -S`): the run's recorded parameters were used"
    )
    return notes


def train_again(project: Path, scratch: Path) -> dict[str, Any]:
    """Run the checkout's train stage against a throwaway MLflow database; its run record."""
    from mlgate.data_io import read_document
    from mlgate.settings import load_settings

    settings = load_settings(project)
    if settings is None or not settings.schema or ":" not in settings.schema:
        raise ConfigError(
            f"{project}: [tool.mlgate] schema does not name the project's package",
            hint='set schema = "<package>.schema:DatasetSchema"',
        )
    package = settings.schema.split(":")[0].rsplit(".", 1)[0]
    env = dict(os.environ)
    env["MLFLOW_TRACKING_URI"] = f"sqlite:///{scratch / 'mlflow.db'}"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(project / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    done = _run([sys.executable, "-m", f"{package}.train"], project, env, timeout=3600)
    if done.returncode != 0:
        raise InputError(
            f"training again at the recorded commit failed (python -m {package}.train, exit "
            f"{done.returncode}):\n{_tail(done)}",
            hint="the code of that commit may need other library versions than this "
            "environment has",
        )
    if settings.train_run is None or not settings.train_run.is_file():
        raise InputError(f"the train stage wrote no run record ({settings.train_run})")
    record = read_document(settings.train_run, "run record")
    record["tracking_uri"] = env["MLFLOW_TRACKING_URI"]
    return record


@dataclass
class Comparison:
    rows: int
    differing_rows: int
    max_abs_difference: float
    """Largest gap in a predicted value or class probability."""
    differing_labels: int
    """Rows whose predicted class differs (0 for values)."""
    compared: list[str]

    @property
    def identical(self) -> bool:
        return self.differing_rows == 0 and self.max_abs_difference == 0.0

    def within(self, tolerance: float) -> bool:
        """Identical, or every class the same and no value or probability further apart than
        ``tolerance``."""
        return self.identical or (
            self.differing_labels == 0 and self.max_abs_difference <= tolerance
        )


def compare_predictions(registered: Any, rebuilt: Any, features: Any) -> Comparison:
    """Labels (or values), and class probabilities when both models give them, row by row."""
    import numpy as np

    left = np.asarray(registered.predict(features))
    right = np.asarray(rebuilt.predict(features))
    rows = len(left)
    compared = ["predict"]
    largest = 0.0
    labels = 0
    if left.shape != right.shape:
        differs = np.ones(rows, dtype=bool)
        labels = rows
    elif left.dtype.kind in "fc" and right.dtype.kind in "fc":
        gap = np.abs(left.astype(float) - right.astype(float)).reshape(rows, -1)
        both_nan = (np.isnan(left) & np.isnan(right)).reshape(rows, -1)
        gap = np.where(both_nan, 0.0, gap)
        differs = (gap > 0).any(axis=1) | np.isnan(gap).any(axis=1)
        largest = float(np.nanmax(gap)) if gap.size else 0.0
        if np.isnan(gap).any():
            largest = float("inf")
    else:
        differs = np.asarray(left != right).reshape(rows, -1).any(axis=1)
        labels = int(differs.sum())
    if hasattr(registered, "predict_proba") and hasattr(rebuilt, "predict_proba"):
        a = np.asarray(registered.predict_proba(features), dtype=float)
        b = np.asarray(rebuilt.predict_proba(features), dtype=float)
        compared.append("predict_proba")
        if a.shape != b.shape:
            differs = np.ones(rows, dtype=bool)
            largest = float("inf")
        else:
            gap = np.abs(a - b).reshape(rows, -1)
            differs = differs | (gap > 0).any(axis=1)
            largest = max(largest, float(gap.max()) if gap.size else 0.0)
    return Comparison(rows, int(differs.sum()), largest, labels, compared)


def reproduce(
    model_uri: str | None,
    *,
    name: str | None,
    root: Path,
    tracking_uri: str | None,
    tolerance: float = 0.0,
    keep: Path | None = None,
) -> GateResult:
    """Train the model at ``model_uri`` (default: the champion) again from its lineage and
    compare its predictions with the registered model's on the held-out data."""
    import pandas as pd

    from mlgate.registry import connect, lineage
    from mlgate.settings import load_settings

    chain = lineage(model_uri, name=name, tracking_uri=tracking_uri)
    facts = lineage_of(chain)
    run_id = chain["run"]["run_id"]
    registry = connect(tracking_uri)
    settings = load_settings(root)
    if settings is None:
        raise ConfigError(
            f"{root} is not an mlgate project ([tool.mlgate] in pyproject.toml)",
            hint="run mlgate reproduce inside the project the model was trained in",
        )
    scratch = Path(tempfile.mkdtemp(prefix="mlgate-reproduce-", dir=keep))
    try:
        work = checkout(settings.root, facts[tracking.TAG_GIT_COMMIT], scratch)
        clone = load_settings(work.project)
        if clone is None or clone.train_data is None or clone.test_data is None:
            raise ConfigError(
                f"the project at commit {facts[tracking.TAG_GIT_COMMIT][:12]} has no "
                "[tool.mlgate] train_data and test_data",
                hint="reproduce a version trained by an mlgate project",
            )
        wanted = {
            "training": (
                facts[tracking.TAG_DATA_HASH],
                facts.get(tracking.TAG_DATA_PATH, str(clone.train_data)),
            )
        }
        notes = list(work.notes)
        if tracking.TAG_TEST_DATA_HASH in facts:
            wanted["held-out"] = (
                facts[tracking.TAG_TEST_DATA_HASH],
                facts.get(tracking.TAG_TEST_DATA_PATH, str(clone.test_data)),
            )
        remote = remote_config(settings.root)
        fetched = fetch_by_hash(work.project, remote, wanted, settings.root)
        clone.train_data.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fetched["training"], clone.train_data)
        if "held-out" in fetched:
            clone.test_data.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fetched["held-out"], clone.test_data)
            held_out = clone.test_data
        else:
            held_out = settings.test_data
            notes.append(
                "the run recorded no held-out data hash: predictions were compared on the "
                f"project's current {held_out}"
            )
            if held_out is None or not held_out.is_file():
                raise InputError(
                    "the run recorded no held-out data and the project has none to compare on",
                    hint="run `dvc repro` (or `dvc pull`) to make the test split",
                )
        params = training_params(registry, run_id)
        notes += restore_params(work.project, params, facts.get(tracking.TAG_PARAMS_HASH, ""))
        record = train_again(work.project, scratch)
        # Model URIs resolve against MLflow's process-wide URI, which connect() sets.
        rebuilt, _ = connect(record["tracking_uri"]).load_model(record["model_uri"])
        registered, _ = connect(registry.uri).load_model(chain["model_uri"])
        frame = pd.read_parquet(held_out) if held_out.suffix == ".parquet" else None
        if frame is None:
            from mlgate.data_io import read_table

            frame = read_table(held_out)
        target = clone.target_column()
        features = frame.drop(columns=[target]) if target in frame.columns else frame
        result = compare_predictions(registered, rebuilt, features)
    finally:
        if keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return _result(chain, facts, result, tolerance, notes, remote, scratch if keep else None)


def _result(
    chain: dict[str, Any],
    facts: dict[str, str],
    comparison: Comparison,
    tolerance: float,
    notes: list[str],
    remote: tuple[str, str],
    kept: Path | None,
) -> GateResult:
    version = chain.get("version") or {}
    label = f"{version['name']} v{version['version']}" if version else chain["model_uri"]
    passed = comparison.within(tolerance)
    if comparison.identical:
        summary = (
            f"{label} rebuilt from its lineage: identical predictions on {comparison.rows} rows"
        )
    else:
        summary = (
            f"{label} rebuilt from its lineage: {comparison.differing_rows} of "
            f"{comparison.rows} rows predict differently ({comparison.differing_labels} "
            f"in their class; largest difference {comparison.max_abs_difference:.3g}, "
            f"tolerance {tolerance:g})"
        )
    commit = facts[tracking.TAG_GIT_COMMIT]
    document = {
        "model_uri": chain["model_uri"],
        "version": version or None,
        "run_id": chain["run"]["run_id"],
        "lineage": facts,
        "remote": {"name": remote[0], "url": remote[1]},
        "comparison": {
            "rows": comparison.rows,
            "differing_rows": comparison.differing_rows,
            "differing_labels": comparison.differing_labels,
            "max_abs_difference": comparison.max_abs_difference,
            "compared": comparison.compared,
            "identical": comparison.identical,
            "tolerance": tolerance,
        },
        "notes": notes,
        "kept": str(kept) if kept else None,
    }
    lines = [
        f"### mlgate reproduce: {'pass' if passed else 'fail'}",
        "",
        summary,
        "",
        "| from the lineage | value |",
        "| --- | --- |",
        f"| git commit | `{commit}` |",
        f"| training data | `{facts.get(tracking.TAG_DATA_PATH, '?')}` md5 "
        f"`{facts[tracking.TAG_DATA_HASH]}` |",
        f"| held-out data | `{facts.get(tracking.TAG_TEST_DATA_PATH, '?')}` md5 "
        f"`{facts.get(tracking.TAG_TEST_DATA_HASH, 'not recorded')}` |",
        f"| parameters hash | `{facts.get(tracking.TAG_PARAMS_HASH, '?')[:12]}` |",
        f"| DVC remote | {remote[0]} (`{remote[1]}`) |",
        f"| compared | {', '.join(comparison.compared)} |",
    ]
    lines += [""] + [f"- {note}" for note in notes]
    return GateResult(
        gate="reproduce",
        passed=passed,
        summary=summary,
        document=document,
        markdown="\n".join(lines).rstrip() + "\n",
        outputs={"identical": str(comparison.identical).lower(), "run-id": chain["run"]["run_id"]},
    )
