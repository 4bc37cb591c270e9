"""The baseline a batch of data is judged against: pinned, never rebuilt from the data it judges.

Where it comes from (``mlgate validate --baseline``; ``auto`` inside a project):

* ``champion``: the profile of the data the registry's current champion was trained on. A
  training run records the profile of its training data (:func:`log_profile`, artifact
  ``mlgate/profile.json``), so promoting a model makes its data the next baseline.
* ``reference``: a profile committed to the repository on purpose (``mlgate baseline pin``,
  then a commit), used where the registry cannot be reached (a pull request without the
  tracking secrets) or before there is a champion.
* ``auto``: the champion's profile, else the reference, else **none**: the first run, checked
  against the schema alone. Each step passed over is noted in the report (no champion yet, the
  registry did not answer, the champion was trained on other columns, ...).
* a path to a profile JSON, or a model URI (``models:/name@alias``, ``models:/name/3``,
  ``runs:/<run id>``): that profile, and nothing else.

:func:`resolve_baseline` returns a :class:`Baseline` that names its origin (the champion's
version and run, or the file and its SHA-256), which the validation report shows.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.errors import InputError, ServiceError
from mlgate.tracking import PROFILE_ARTIFACT

MODES = ("auto", "champion", "reference", "none")
MIN_SHARED_COLUMNS = 0.5
"""Below this share of the profile's columns in the data, the profile is of other data."""


@dataclass
class Baseline:
    """A resolved baseline: the profile (None: schema checks only) and where it came from."""

    source: str  # champion | reference | file | model | none
    profile: dict[str, Any] | None
    label: str
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source, "label": self.label, **self.details}
        if self.profile is not None:
            data["data_hash"] = self.profile.get("content_hash")
            data["rows"] = self.profile.get("rows")
        if self.notes:
            data["notes"] = list(self.notes)
        return data


def file_sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def shared_columns(profile: dict[str, Any], columns: Iterable[Any]) -> tuple[int, int, list[str]]:
    """(shared, expected, missing): the profile's non-target columns found in ``columns``."""
    target = profile.get("target")
    expected = [c for c in profile["columns"] if c != target]
    present = {str(c) for c in columns}
    missing = [c for c in expected if c not in present]
    return len(expected) - len(missing), len(expected), missing


def describes(profile: dict[str, Any], columns: Iterable[Any] | None) -> bool:
    """Whether ``profile`` was built on (mostly) the same columns as the data."""
    if columns is None:
        return True
    shared, expected, _ = shared_columns(profile, columns)
    return not expected or shared >= MIN_SHARED_COLUMNS * expected


def from_file(path: Path | str, source: str = "file", root: Path | None = None) -> Baseline:
    """The profile in a JSON file, named by its path and SHA-256."""
    from mlgate.profiling import load_profile
    from mlgate.settings import display_path

    path = Path(path)
    profile = load_profile(path)
    shown = display_path(path, root)
    details = {"path": shown, "sha256": file_sha256(path)}
    if "pinned" in profile:
        details["pinned"] = profile["pinned"]
    label = f"{'reference' if source == 'reference' else 'profile'} {shown}"
    return Baseline(source, profile, label, details)


def _sqlite_file(uri: str) -> Path | None:
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        return None
    return Path(uri[len(prefix) :].split("?", 1)[0])


def _run_profile(registry: Any, run_id: str) -> dict[str, Any] | None:
    """The profile recorded with a run, or None when the run recorded none."""
    from mlgate.data_io import read_document
    from mlgate.profiling import check_profile
    from mlgate.registry import service_errors

    folder = PROFILE_ARTIFACT.rpartition("/")[0]
    with service_errors(registry.uri, f"listing the artifacts of run {run_id}"):
        listed = {item.path for item in registry.client.list_artifacts(run_id, folder)}
    if PROFILE_ARTIFACT not in listed:
        return None
    with tempfile.TemporaryDirectory(prefix="mlgate-baseline-") as tmp:
        local = registry.download(Path(tmp), run_id=run_id, path=PROFILE_ARTIFACT)
        profile = read_document(local, f"profile recorded with run {run_id}")
    return check_profile(profile, f"run {run_id} {PROFILE_ARTIFACT}")


def from_model(model_uri: str, tracking_uri: str | None) -> Baseline:
    """The training profile recorded with the run behind ``model_uri``."""
    from mlgate.registry import connect, resolve_model

    registry = connect(tracking_uri)
    ref = resolve_model(registry, model_uri)
    if not ref.run_id:
        raise InputError(f"{model_uri}: the model is not linked to an MLflow run")
    profile = _run_profile(registry, ref.run_id)
    if profile is None:
        raise InputError(
            f"{model_uri}: its run {ref.run_id} recorded no {PROFILE_ARTIFACT}",
            hint="log the training data's profile with mlgate.baseline.log_profile(path) "
            "during training, or pass --baseline with a profile file",
        )
    return Baseline("model", profile, f"model {model_uri} (run {ref.run_id[:12]})", _ref(ref))


def _ref(ref: Any) -> dict[str, Any]:
    details = {"model_uri": ref.uri, "run_id": ref.run_id}
    if ref.name:
        details.update(model=ref.name, version=ref.version)
    return details


def champion(
    tracking_uri: str | None, model_name: str | None, columns: Iterable[Any] | None = None
) -> tuple[Baseline | None, str | None]:
    """The champion's training profile, or None and why not (no champion, no profile, ...).

    Only a registry that cannot answer raises (ServiceError); a missing sqlite file is a
    registry with no champion yet, and is not created.
    """
    from mlgate.registry import CHAMPION, default_tracking_uri

    if not model_name:
        return None, "no model name is configured, so there is no champion to ask for"
    uri = tracking_uri or default_tracking_uri()
    local = _sqlite_file(uri)
    if local is not None and not local.is_file():
        return None, f"no champion yet: the registry {local.name} does not exist"

    from mlgate.registry import alias_version, connect, resolve_model

    registry = connect(uri)
    version = alias_version(registry, model_name, CHAMPION)
    if version is None:
        return None, f"no champion yet: '{model_name}' has no '{CHAMPION}' in the registry"
    ref = resolve_model(registry, f"models:/{model_name}@{CHAMPION}")
    shown = f"champion {model_name} v{version}"
    profile = _run_profile(registry, ref.run_id) if ref.run_id else None
    if profile is None:
        return None, f"{shown}: its run recorded no training profile ({PROFILE_ARTIFACT})"
    if not describes(profile, columns):
        shared, expected, missing = shared_columns(profile, [] if columns is None else columns)
        return None, (
            f"{shown} was trained on other columns ({shared} of its {expected} are here; "
            f"missing e.g. {', '.join(missing[:4])}): a new champion line starts with the "
            "next promotion"
        )
    label = f"{shown} (run {ref.run_id[:12]})"
    return Baseline("champion", profile, label, _ref(ref)), None


def resolve_baseline(
    spec: str | Path | None,
    *,
    tracking_uri: str | None = None,
    model_name: str | None = None,
    reference: Path | None = None,
    columns: Iterable[Any] | None = None,
    root: Path | None = None,
) -> Baseline:
    """The baseline ``spec`` names (see the module docstring); ``None`` means ``auto``.

    ``columns`` are the data's columns: in ``auto`` mode a champion trained on other columns
    is passed over (and noted), as a deliberate change of data starts a new line.
    """
    spec = "auto" if spec is None else spec
    text = str(spec)
    if text == "none":
        return Baseline("none", None, "none (as asked: only the schema is checked)")
    if text == "reference":
        if reference is None or not reference.is_file():
            raise InputError(
                f"no reference profile at {reference or '(none configured)'}",
                hint="pin one with `mlgate baseline pin` and commit it",
            )
        return from_file(reference, "reference", root)
    if text == "champion":
        found, why = champion(tracking_uri, model_name, None)
        if found is None:
            raise InputError(
                f"no champion baseline: {why}",
                hint="promote a model trained by the pipeline, or use --baseline reference",
            )
        return found
    if text.startswith(("models:/", "runs:/")):
        return from_model(text, tracking_uri)
    if text != "auto":
        return from_file(Path(text), "file", root)

    notes: list[str] = []
    try:
        found, why = champion(tracking_uri, model_name, columns)
    except ServiceError as error:
        found, why = None, f"the registry could not be asked ({error.message})"
    if found is not None:
        return found
    notes.append(str(why))
    if reference is not None and reference.is_file():
        chosen = from_file(reference, "reference", root)
        if describes(chosen.profile or {"columns": {}}, columns):
            chosen.notes = notes
            return chosen
        notes.append(f"the reference {chosen.details['path']} describes other columns")
    elif reference is not None:
        from mlgate.settings import display_path

        notes.append(f"no reference profile at {display_path(reference, root)}")
    return Baseline(
        "none",
        None,
        "none (first run: only the schema is checked)",
        {
            "hint": "the first promoted champion's training profile becomes the baseline; "
            "or pin one now with `mlgate baseline pin` and commit it"
        },
        notes,
    )


def log_profile(path: Path | str) -> None:
    """Record a training profile with the active MLflow run (artifact ``mlgate/profile.json``).

    A training script calls this inside ``mlflow.start_run()``; once the run's model is the
    champion, its profile is the baseline new data is judged against.
    """
    import shutil

    import mlflow

    folder, _, name = PROFILE_ARTIFACT.rpartition("/")
    with tempfile.TemporaryDirectory(prefix="mlgate-profile-") as tmp:
        copy = Path(tmp) / name
        shutil.copyfile(path, copy)
        mlflow.log_artifact(str(copy), artifact_path=folder)
