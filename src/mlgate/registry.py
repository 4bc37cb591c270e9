"""The MLflow model registry as the gates see it: connect, resolve models, aliases, lineage.

Registered models carry three aliases that mlgate manages:

* ``champion``: the version in production (loaded as ``models:/<name>@champion``);
* ``challenger``: the most recently evaluated candidate, whatever its verdict;
* ``previous``: the champion before the last promotion, the target of ``mlgate rollback``;
* ``rolled_back``: the version a rollback took out of production.

MLflow has no compare-and-set on aliases or tags, but creating a registered model is atomic:
the database refuses a second model of the same name. :func:`hold_lock` uses that as an
advisory lock (a registered model ``<name>__mlgate_lock`` whose tags say who holds it), so
that one promotion or rollback of a model changes its versions and aliases at a time.

Every call that talks to the tracking server goes through :func:`connect`, which sets MLflow's
HTTP retries and timeout so that an unreachable server fails in seconds, and turns MLflow's
errors into :class:`~mlgate.errors.ServiceError` naming the URI.
"""

from __future__ import annotations

import os
import re
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate import tracking
from mlgate.errors import InputError, MlgateError, ServiceError

if TYPE_CHECKING:
    from mlflow import MlflowClient

CHAMPION = "champion"
CHALLENGER = "challenger"
PREVIOUS = "previous"
ROLLED_BACK = "rolled_back"

FAIL_FAST_ENV = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "15",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
}
"""MLflow settings the gates apply unless the environment already sets them.

MLflow's defaults retry an unreachable server for minutes (7 retries, exponential backoff,
120 s timeout); a gate in CI should say what is wrong within seconds.
"""

_RUN_ID = re.compile(r"^[0-9a-f]{32}$")


def apply_fail_fast_env() -> None:
    """Set :data:`FAIL_FAST_ENV` for this process, keeping any value the user set."""
    for key, value in FAIL_FAST_ENV.items():
        os.environ.setdefault(key, value)


def default_tracking_uri() -> str:
    """MLflow's own default when nothing is configured: ``sqlite:///mlflow.db`` in the cwd."""
    return "sqlite:///" + str(Path.cwd() / "mlflow.db")


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else type(error).__name__
    return first[:300]


@contextmanager
def service_errors(uri: str, action: str) -> Iterator[None]:
    """Turn MLflow and HTTP failures inside the block into a ServiceError naming ``uri``."""
    try:
        yield
    except ServiceError:
        raise
    except InputError:
        raise
    except Exception as error:
        raise ServiceError(
            f"MLflow at {uri}: {action} failed: {_short(error)}",
            hint=(
                "check that the tracking server is running and reachable, or point "
                "MLFLOW_TRACKING_URI / [tool.mlgate] tracking_uri at the right one"
            ),
        ) from error


@dataclass(frozen=True)
class Registry:
    """The one door to MLflow: a client and the URI it talks to (tracking and registry are the
    same store), made by :func:`connect` with fail-fast settings. Every MLflow call the gates,
    tuning, promotion and a project's train and predict stages make goes through it; each
    method turns MLflow's errors into ServiceError (unreachable) or InputError (not found)."""

    client: MlflowClient
    uri: str

    def download(
        self,
        destination: Path,
        *,
        artifact_uri: str | None = None,
        run_id: str | None = None,
        path: str | None = None,
    ) -> Path:
        """Artifacts (a model URI, or a path in a run) downloaded into ``destination``."""
        import mlflow

        what = artifact_uri or f"{path} of run {run_id}"
        with service_errors(self.uri, f"downloading {what}"):
            if artifact_uri is not None:
                local = mlflow.artifacts.download_artifacts(
                    artifact_uri=artifact_uri, dst_path=str(destination)
                )
            else:
                local = mlflow.artifacts.download_artifacts(
                    run_id=run_id, artifact_path=path, dst_path=str(destination)
                )
        return Path(local)

    def load_model(self, model: str | Path) -> tuple[Any, str]:
        """A model (URI or downloaded folder) and its flavor: scikit-learn's if it has one,
        else MLflow's generic python_function. InputError when it is neither."""
        import mlflow

        try:
            return mlflow.sklearn.load_model(str(model)), "sklearn"
        except Exception:
            try:
                return mlflow.pyfunc.load_model(str(model)), "python_function"
            except Exception as error:
                raise InputError(
                    f"{model}: cannot be loaded as an MLflow model ({_short(error)})",
                    hint="log the model with mlflow.sklearn.log_model(model, name='model', ...), "
                    f"and check that it exists in the registry at {self.uri}",
                ) from error

    def register(self, model_uri: str, name: str, tags: dict[str, str]) -> str:
        """A new version of registered model ``name`` for ``model_uri``; its version number."""
        import mlflow

        with service_errors(self.uri, f"registering {model_uri} as {name!r}"):
            return str(mlflow.register_model(model_uri, name, tags=tags).version)


def connect(tracking_uri: str | None = None) -> Registry:
    """A client for ``tracking_uri`` (also used as registry), checked to answer.

    Sets the URI as MLflow's process-wide tracking and registry URI, so that model URIs such
    as ``models:/name@champion`` resolve against it. Raises ServiceError when it does not answer.
    """
    apply_fail_fast_env()
    import mlflow
    from mlflow import MlflowClient

    uri = tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or default_tracking_uri()
    if uri.startswith("file:") or ("://" not in uri and not uri.startswith("databricks")):
        raise ServiceError(
            f"MLflow tracking URI {uri!r} is a file store, which mlgate does not use",
            hint="use a database (sqlite:///mlflow.db) or a server (http://host:5000)",
        )
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    _check_sqlite_file(uri)
    with service_errors(uri, "connecting to the registry"):
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        client.search_registered_models(max_results=1)
    return Registry(client=client, uri=uri)


def _check_sqlite_file(uri: str) -> None:
    """A local sqlite store that is not a database (truncated, overwritten) is named as such."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        return
    path = Path(uri[len(prefix) :].split("?", 1)[0])
    if not path.is_file() or path.stat().st_size == 0:
        return
    with open(path, "rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise ServiceError(
            f"MLflow store {path} is not an SQLite database (damaged or replaced); "
            "nothing was read or written",
            hint="restore it from a backup, or move it away to start a new, empty store "
            "(the runs and registered models in it are then gone)",
        )


def _error_code(error: BaseException) -> str | None:
    return getattr(error, "error_code", None)


def aliases(registry: Registry, name: str) -> dict[str, str]:
    """The aliases of registered model ``name`` (alias -> version); empty if it does not exist."""
    from mlflow.exceptions import MlflowException

    with service_errors(registry.uri, f"reading registered model {name!r}"):
        try:
            model = registry.client.get_registered_model(name)
        except MlflowException as error:
            if _error_code(error) == "RESOURCE_DOES_NOT_EXIST":
                return {}
            raise
    return {alias: str(version) for alias, version in (model.aliases or {}).items()}


def alias_version(registry: Registry, name: str, alias: str) -> str | None:
    """The version that ``alias`` names, or None."""
    return aliases(registry, name).get(alias)


@dataclass(frozen=True)
class ModelRef:
    """A model URI resolved against the registry: where it came from."""

    uri: str
    run_id: str | None = None
    name: str | None = None
    version: str | None = None
    model_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_model_uri(value: str) -> str:
    """A bare run id becomes ``runs:/<id>/model``; anything else is returned as given."""
    value = value.strip()
    if _RUN_ID.match(value):
        return f"runs:/{value}/model"
    return value


def resolve_model(registry: Registry, uri: str) -> ModelRef:
    """Resolve a model URI (``runs:/``, ``models:/m-...``, ``models:/name@alias``,
    ``models:/name/version``) to its run, registered name and version.

    Raises InputError when the run, model, version or alias does not exist.
    """
    from mlflow.exceptions import MlflowException

    uri = normalise_model_uri(uri)
    client = registry.client

    def missing(error: MlflowException, what: str) -> InputError | None:
        if _error_code(error) in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
            return InputError(
                f"{uri}: {what} not found in the registry at {registry.uri}",
                hint="check the model URI, and that MLFLOW_TRACKING_URI points at the right server",
            )
        return None

    with service_errors(registry.uri, f"resolving {uri}"):
        try:
            if uri.startswith("runs:/"):
                run_id = uri[len("runs:/") :].split("/", 1)[0]
                client.get_run(run_id)
                return ModelRef(uri=uri, run_id=run_id)
            if uri.startswith("models:/"):
                rest = uri[len("models:/") :].rstrip("/")
                if rest.startswith("m-") and "/" not in rest and "@" not in rest:
                    logged = client.get_logged_model(rest)
                    return ModelRef(uri=uri, run_id=logged.source_run_id, model_id=rest)
                if "@" in rest:
                    name, alias = rest.split("@", 1)
                    version = client.get_model_version_by_alias(name, alias)
                elif "/" in rest:
                    name, number = rest.rsplit("/", 1)
                    version = client.get_model_version(name, number)
                else:
                    raise InputError(
                        f"{uri}: a registered model URI needs a version or an alias",
                        hint=f"write models:/{rest}@champion or models:/{rest}/<version>",
                    )
                return ModelRef(
                    uri=uri,
                    run_id=version.run_id,
                    name=version.name,
                    version=str(version.version),
                    model_id=getattr(version, "model_id", None),
                )
        except MlflowException as error:
            problem = missing(error, "the model")
            if problem is not None:
                raise problem from error
            raise
    return ModelRef(uri=uri)


def load_run_record(path: Path | str) -> dict[str, Any]:
    """The JSON a train stage writes (see :data:`mlgate.tracking.RUN_RECORD_KEYS`)."""
    from mlgate.data_io import read_document

    record = read_document(
        path,
        "training run record",
        hint="run the train stage first (dvc repro train), or pass --candidate MODEL_URI",
    )
    if not (record.get("model_uri") or record.get("run_id")):
        raise InputError(
            f"{path}: the run record has neither 'model_uri' nor 'run_id'",
            hint=f"a train stage writes the keys {', '.join(tracking.RUN_RECORD_KEYS)}",
        )
    return record


def candidate_from_record(record: dict[str, Any]) -> str:
    """The candidate model URI a run record names."""
    return str(record.get("model_uri") or f"runs:/{record['run_id']}/model")


_LINEAGE_TAGS = (
    tracking.TAG_GIT_COMMIT,
    tracking.TAG_GIT_DIRTY,
    tracking.TAG_DATA_HASH,
    tracking.TAG_DATA_PATH,
    tracking.TAG_PARAMS_HASH,
    tracking.TAG_TEST_DATA_HASH,
    tracking.TAG_TEST_DATA_PATH,
)


def lineage(
    model_uri: str | None = None, *, name: str | None = None, tracking_uri: str | None = None
) -> dict[str, Any]:
    """The chain behind a model: version -> run -> params -> data hash -> git commit.

    ``model_uri`` defaults to ``models:/<name>@champion``.
    """
    if model_uri is None:
        if not name:
            raise InputError(
                "no model to trace: give a MODEL_URI or --name",
                hint="e.g. mlgate lineage models:/my_model@champion",
            )
        model_uri = f"models:/{name}@{CHAMPION}"
    registry = connect(tracking_uri)
    client = registry.client
    ref = resolve_model(registry, model_uri)
    uri = registry.uri
    result: dict[str, Any] = {"model_uri": ref.uri, "tracking_uri": uri, "version": None}
    if ref.name and ref.version:
        with service_errors(uri, f"reading {ref.name} version {ref.version}"):
            version = client.get_model_version(ref.name, ref.version)
        version_aliases = sorted(
            a for a, v in aliases(registry, ref.name).items() if v == ref.version
        )
        result["version"] = {
            "name": ref.name,
            "version": ref.version,
            "aliases": version_aliases,
            "source": version.source,
            "created": version.creation_timestamp,
            "tags": dict(version.tags or {}),
        }
    result["run"] = None
    if ref.run_id:
        with service_errors(uri, f"reading run {ref.run_id}"):
            run = client.get_run(ref.run_id)
        tags = dict(run.data.tags or {})
        result["run"] = {
            "run_id": ref.run_id,
            "experiment_id": run.info.experiment_id,
            "status": run.info.status,
            "start_time": run.info.start_time,
            "params": dict(run.data.params or {}),
            "metrics": dict(run.data.metrics or {}),
            "lineage": {key: tags[key] for key in _LINEAGE_TAGS if key in tags},
        }
    result["model_card"] = _model_card(registry, result)
    return result


def _model_card(registry: Registry, chain: dict[str, Any]) -> str | None:
    """The version's card (its description, when mlgate attached one), else the run's."""
    from mlgate.model_card import TAG_MODEL_CARD, read_logged

    version = chain.get("version")
    if version and TAG_MODEL_CARD in version["tags"]:
        with service_errors(registry.uri, f"reading {version['name']} v{version['version']}"):
            found = registry.client.get_model_version(version["name"], version["version"])
        if found.description:
            return found.description
    run = chain.get("run")
    return read_logged(registry, run["run_id"]) if run else None


def format_lineage(chain: dict[str, Any]) -> str:
    """The lineage chain as indented lines for a terminal."""
    lines = [f"model    {chain['model_uri']}  ({chain['tracking_uri']})"]
    version = chain.get("version")
    if version:
        shown = ", ".join(version["aliases"]) or "no alias"
        lines.append(f"version  {version['name']} v{version['version']}  [{shown}]")
        why = version["tags"].get("mlgate.why")
        if why:
            lines.append(f"         why: {why}")
    run = chain.get("run")
    if not run:
        lines.append("run      (none recorded: the model is not linked to an MLflow run)")
        return "\n".join(lines) + "\n"
    lines.append(f"run      {run['run_id']}  (experiment {run['experiment_id']}, {run['status']})")
    params = ", ".join(f"{k}={v}" for k, v in sorted(run["params"].items())) or "(none)"
    facts = run["lineage"]
    lines.append(f"params   {params}")
    lines.append(f"         hash {facts.get(tracking.TAG_PARAMS_HASH, 'unknown')}")
    data_path = facts.get(tracking.TAG_DATA_PATH, "unknown path")
    lines.append(f"data     {data_path}  md5 {facts.get(tracking.TAG_DATA_HASH, 'unknown')}")
    dirty = facts.get(tracking.TAG_GIT_DIRTY)
    suffix = " (uncommitted changes)" if dirty == "true" else ""
    lines.append(f"git      {facts.get(tracking.TAG_GIT_COMMIT, 'unknown')}{suffix}")
    if tracking.TAG_TEST_DATA_HASH in facts:
        lines.append(
            f"held-out {facts.get(tracking.TAG_TEST_DATA_PATH, 'unknown path')}  "
            f"md5 {facts[tracking.TAG_TEST_DATA_HASH]}"
        )
    card = chain.get("model_card")
    lines.append("")
    if card:
        lines += ["-" * 72, card.rstrip("\n")]
    else:
        lines.append("model card: none (made by `mlgate benchmark`, attached by `mlgate promote`)")
    return "\n".join(lines) + "\n"


LOCK_SUFFIX = "__mlgate_lock"
"""The lock of registered model ``name`` is the registered model ``name + LOCK_SUFFIX``."""
LOCK_WAIT_S = 60.0
"""How long a promotion or rollback waits for another one of the same model, by default."""
LOCK_POLL_S = (0.05, 1.0)
"""While waiting for a lock: the first pause between two looks at it, and the longest. The
pause doubles after each look: a race of two promotions (the holder done within a second) is
settled within a tenth of a second, and a long wait asks the registry once a second."""
TAG_LOCK_ID = "mlgate.lock_id"
TAG_LOCK_HOLDER = "mlgate.lock_holder"
TAG_LOCK_ACTION = "mlgate.lock_action"
TAG_LOCK_SINCE = "mlgate.lock_since"


class RegistryLockedError(ServiceError):
    """Another promotion or rollback of the model held its lock for longer than the wait."""


def lock_name(name: str) -> str:
    """The registered model that serves as the lock of registered model ``name``."""
    return name + LOCK_SUFFIX


@dataclass
class RegistryLock:
    """The advisory lock on one registered model: who holds it, doing what, since when.

    ``waited_for`` is the lock another process held when this one asked (None when it was
    free); ``release_problem`` says why the lock could not be removed afterwards, if so.
    """

    model: str
    id: str
    holder: str
    action: str
    since: str
    waited_for: RegistryLock | None = field(default=None, repr=False)
    release_problem: str | None = None

    @property
    def name(self) -> str:
        return lock_name(self.model)

    def describe(self) -> str:
        return f"{self.action} by {self.holder} since {self.since} (lock id {self.id})"

    def tags(self) -> dict[str, str]:
        return {
            TAG_LOCK_ID: self.id,
            TAG_LOCK_HOLDER: self.holder,
            TAG_LOCK_ACTION: self.action,
            TAG_LOCK_SINCE: self.since,
        }

    @classmethod
    def from_tags(cls, model: str, tags: dict[str, str]) -> RegistryLock:
        unknown = "unknown"
        return cls(
            model=model,
            id=tags.get(TAG_LOCK_ID, unknown),
            holder=tags.get(TAG_LOCK_HOLDER, unknown),
            action=tags.get(TAG_LOCK_ACTION, "an unknown change"),
            since=tags.get(TAG_LOCK_SINCE, unknown),
        )


def _holder(who: str) -> str:
    place = f"pid {os.getpid()} on {socket.gethostname()}"
    run = os.environ.get("GITHUB_RUN_ID")
    if run:
        place += f", GitHub run {run}"
    return f"{who} ({place})"


def read_lock(registry: Registry, name: str) -> RegistryLock | None:
    """The lock currently held on registered model ``name``, or None."""
    from mlflow.exceptions import MlflowException

    with service_errors(registry.uri, f"reading the lock of {name!r}"):
        try:
            model = registry.client.get_registered_model(lock_name(name))
        except MlflowException as error:
            if _error_code(error) == "RESOURCE_DOES_NOT_EXIST":
                return None
            raise
    return RegistryLock.from_tags(name, dict(model.tags or {}))


def _create_lock(registry: Registry, lock: RegistryLock) -> bool:
    """Create the lock model; False when a model of that name exists already."""
    from mlflow.exceptions import MlflowException

    description = (
        f"mlgate's lock on {lock.model!r}: {lock.describe()}. mlgate deletes it when that "
        "promotion or rollback ends; if it stays, that process died: check the aliases of "
        f"{lock.model!r}, then run the command again with --break-lock {lock.id}."
    )
    with service_errors(registry.uri, f"locking {lock.model!r}"):
        try:
            registry.client.create_registered_model(
                lock.name, tags=lock.tags(), description=description
            )
        except MlflowException as error:
            # DOES_NOT_EXIST: the holder released it between the refusal and MLflow's re-read
            if _error_code(error) in ("RESOURCE_ALREADY_EXISTS", "RESOURCE_DOES_NOT_EXIST"):
                return False
            raise
    return True


def acquire_lock(
    registry: Registry,
    name: str,
    action: str,
    *,
    who: str,
    wait_s: float = LOCK_WAIT_S,
    poll_s: tuple[float, float] = LOCK_POLL_S,
) -> RegistryLock:
    """Take the lock on registered model ``name``, waiting up to ``wait_s`` for its holder.

    Raises RegistryLockedError naming the holder when the wait runs out.
    """
    mine = RegistryLock(
        model=name,
        id=uuid.uuid4().hex[:12],
        holder=_holder(who),
        action=action,
        since=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    deadline = time.monotonic() + wait_s
    pause, longest = poll_s
    while True:
        if _create_lock(registry, mine):
            return mine
        held = read_lock(registry, name)
        if held is not None and held.id == mine.id:  # a retried request that had succeeded
            return mine
        if held is not None:
            mine.waited_for = held
        if time.monotonic() >= deadline:
            raise _locked_error(name, held, wait_s)
        if held is not None:
            time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
            pause = min(2 * pause, longest)


def _locked_error(name: str, held: RegistryLock | None, wait_s: float) -> RegistryLockedError:
    holder = held.describe() if held else "another process"
    lock_id = held.id if held else "<lock id>"
    return RegistryLockedError(
        f"{name!r} is locked by another promotion or rollback: {holder}; waited {wait_s:g} s "
        f"for it (registered model {lock_name(name)!r}); nothing was changed",
        hint=(
            "wait for it to finish and run this again (or give --wait more seconds). If that "
            f"process died (a killed CI job), check the aliases of {name!r}, then run this "
            f"command again with --break-lock {lock_id}"
        ),
    )


def release_lock(registry: Registry, lock: RegistryLock) -> str | None:
    """Remove ``lock`` if it is still this one; what went wrong, or None."""
    try:
        held = read_lock(registry, lock.model)
        if held is None or held.id != lock.id:
            now = f"; it is now held by {held.describe()}" if held else ""
            return f"the lock {lock.name!r} (id {lock.id}) was removed by someone else{now}"
        with service_errors(registry.uri, f"unlocking {lock.model!r}"):
            registry.client.delete_registered_model(lock.name)
    except MlgateError as error:
        return (
            f"the lock {lock.name!r} could not be removed ({error.message}): the next promote "
            f"or rollback of {lock.model!r} waits for it, then refuses; once the registry is "
            f"checked, run it with --break-lock {lock.id}"
        )
    return None


def break_lock(registry: Registry, name: str, lock_id: str) -> RegistryLock | None:
    """Remove the lock on ``name`` if its id is ``lock_id``; the lock removed, or None.

    Raises InputError when the lock held has another id: that is a live process's lock, or
    one newer than the one the user meant to break.
    """
    held = read_lock(registry, name)
    if held is None:
        return None
    if held.id != lock_id:
        raise InputError(
            f"--break-lock {lock_id}: the lock on {name!r} is {held.describe()}, not "
            f"{lock_id}; nothing was removed",
            hint="break only the lock an error named, and only when its process is gone",
        )
    with service_errors(registry.uri, f"breaking the lock of {name!r}"):
        registry.client.delete_registered_model(held.name)
    return held


@contextmanager
def hold_lock(
    registry: Registry,
    name: str,
    action: str,
    *,
    who: str,
    wait_s: float = LOCK_WAIT_S,
    break_id: str | None = None,
) -> Iterator[RegistryLock]:
    """Hold the lock on registered model ``name`` for the block; see :func:`acquire_lock`.

    ``break_id`` first removes a lock left behind by a process that died. When the lock
    cannot be removed at the end, an MlgateError raised in the block says so, and otherwise
    ``release_problem`` of the yielded lock does.
    """
    if break_id:
        break_lock(registry, name, break_id)
    lock = acquire_lock(registry, name, action, who=who, wait_s=wait_s)
    try:
        yield lock
    except MlgateError as error:
        problem = release_lock(registry, lock)
        if problem:
            error.message = f"{error.message}. Also, {problem}"
        raise
    except BaseException:
        release_lock(registry, lock)
        raise
    lock.release_problem = release_lock(registry, lock)
