"""Promotion and rollback: moving the ``champion`` alias, never leaving the registry half-changed.

``promote`` writes in this order, and ``champion`` moves last, in one call:

1. register the candidate as a new version of the model (or reuse the version already
   registered from the same run: one version per run), tagged with its lineage, metrics,
   who, when and why; its model card (logged with the run by ``mlgate benchmark``) becomes
   the version's description;
2. alias it ``challenger`` (whatever the verdict: a failed candidate stays inspectable);
3. when the benchmark verdict passed: alias the current champion ``previous``;
4. alias the candidate ``champion``.

One at a time: every promotion and rollback of a model holds the model's lock in the registry
(:func:`mlgate.registry.hold_lock`, made atomic by the database) from its first read to its
last write, waiting for a holder to finish. A second promotion therefore never interleaves
with the first: it starts after it, and the compare-and-set below makes it refuse.

Compare-and-set: the benchmark report records the champion it compared against. If the
registry's champion is a different version once the lock is held, promote refuses without
writing ("lost to vN" when it waited for the promotion that moved it). The check is repeated
just before step 3, for writers that do not take the lock (a person in the MLflow UI).

The journal: each write is recorded with how to undo it; when a write fails, or the process
is interrupted or terminated (SIGTERM, as when CI cancels a job), completed writes are undone
in reverse order and the lock is released. ``champion`` is untouched because it is the last
write. A process killed outright leaves the lock behind; the next promotion or rollback says
so and ``--break-lock ID`` removes it.

``rollback`` puts ``previous`` back as ``champion``; the demoted version gets the alias
``rolled_back`` and tags saying when and by whom, and ``previous`` is removed, so a second
rollback refuses instead of flipping back. A rolled-back version is not promoted again unless
the promotion is forced (``force=True``), which tags it ``mlgate.forced``.
"""

from __future__ import annotations

import getpass
import json
import os
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mlgate import model_card, tracking
from mlgate.errors import InputError, ServiceError
from mlgate.registry import (
    CHALLENGER,
    CHAMPION,
    LOCK_WAIT_S,
    PREVIOUS,
    ROLLED_BACK,
    Registry,
    RegistryLock,
    aliases,
    connect,
    hold_lock,
    resolve_model,
    service_errors,
)
from mlgate.results import GateResult

StepHook = Callable[[str], None]
"""Called with a step's name before it runs: locked (the lock is held), register, challenger,
rolled_back, previous, champion; for a rollback: locked, rolled_back, champion, cleanup."""

TAG_RUN_ID = "mlgate.run_id"
TAG_METRICS = "mlgate.metrics"
TAG_VERDICT = "mlgate.verdict"
TAG_WHY = "mlgate.why"
TAG_BY = "mlgate.registered_by"
TAG_AT = "mlgate.registered_at"
TAG_AGAINST = "mlgate.benchmarked_against"
TAG_ROLLED_BACK_AT = "mlgate.rolled_back_at"
TAG_ROLLED_BACK_BY = "mlgate.rolled_back_by"
TAG_FORCED = "mlgate.forced"
TAG_FORCED_WHY = "mlgate.forced_why"

_COPIED_RUN_TAGS = (
    tracking.TAG_GIT_COMMIT,
    tracking.TAG_GIT_DIRTY,
    tracking.TAG_DATA_HASH,
    tracking.TAG_DATA_PATH,
    tracking.TAG_PARAMS_HASH,
    tracking.TAG_TEST_DATA_HASH,
    tracking.TAG_TEST_DATA_PATH,
)
_TAG_LIMIT = 4000


class StaleReportError(InputError):
    """The champion changed since the benchmark ran: the report no longer applies."""


@dataclass
class Outcome:
    """What a promotion or rollback did, for the command's output and the JSON report."""

    name: str
    action: str  # promote | rollback
    outcome: str  # promoted | registered | refused | rolled_back
    version: str | None = None
    run_id: str | None = None
    champion_before: str | None = None
    champion_after: str | None = None
    previous: str | None = None
    forced: str | None = None  # what --force overrode, when it did
    reasons: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.outcome in ("promoted", "rolled_back")

    def to_result(self) -> GateResult:
        """The outcome as the gate result every command finishes with."""
        return GateResult(
            gate=self.action,
            passed=self.passed,
            summary=self.lines()[0],
            document=asdict(self),
            markdown=self.markdown(),
            outputs=self.outputs(),
        )

    def to_report(self) -> dict[str, Any]:
        """The JSON report (the result's document)."""
        return self.to_result().to_dict()

    def markdown(self) -> str:
        """What happened, for the job summary: the verdict, the aliases before and after."""
        from mlgate.reporting import markdown_table

        title = {
            "promoted": "✅ promoted (forced)" if self.forced else "✅ promoted",
            "rolled_back": "✅ rolled back",
            "registered": "❌ not promoted",
            "refused": "❌ refused",
        }[self.outcome]
        rows = [
            ("model", self.name),
            ("version", _v(self.version)),
            ("run", self.run_id or ""),
            ("champion", f"{_v(self.champion_before)} -> {_v(self.champion_after)}"),
        ]
        if self.forced:
            rows.append(("forced", self.forced))
        lines = [f"## {self.action.capitalize()}: {title}", "", self.lines()[0], ""]
        lines.append(markdown_table(("", ""), rows).rstrip("\n"))
        if self.reasons:
            lines += ["", "Why:", "", *(f"- {reason}" for reason in self.reasons)]
        if self.steps:
            lines += ["", "Registry changes, in order: " + "; ".join(self.steps) + "."]
        return "\n".join(lines) + "\n"

    def outputs(self) -> dict[str, str]:
        """What a CI step outputs for this outcome (``model-version``, ``promoted``, ...)."""
        found = {"outcome": self.outcome, "promoted": str(self.outcome == "promoted").lower()}
        if self.version is not None:
            found["model-version"] = str(self.version)
        if self.run_id is not None:
            found["run-id"] = str(self.run_id)
        if self.champion_after is not None:
            found["champion-version"] = str(self.champion_after)
        if self.forced:
            found["forced"] = "true"
        return found

    def lines(self) -> list[str]:
        """Human-readable lines for the terminal."""
        if self.outcome == "promoted":
            was = f"v{self.champion_before}" if self.champion_before else "none (bootstrap)"
            head = f"promoted {self.name} v{self.version} to champion (was {was})"
            if self.champion_before:
                head += f"; v{self.champion_before} is now '{PREVIOUS}'"
            if self.forced:
                head += f"; FORCED: {self.forced}"
        elif self.outcome == "registered":
            head = (
                f"NOT promoted: {self.name} v{self.version} is registered as '{CHALLENGER}'; "
                f"champion stays at {_v(self.champion_before)} because the benchmark failed"
            )
        elif self.outcome == "rolled_back":
            head = (
                f"rolled back {self.name}: champion is v{self.champion_after} again; "
                f"v{self.champion_before} is now '{ROLLED_BACK}'"
            )
        else:
            head = f"refused: {self.name} champion stays at {_v(self.champion_before)}"
        return [head, *(f"  - {reason}" for reason in self.reasons)]


def _v(version: str | None) -> str:
    return f"v{version}" if version else "none"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def actor() -> str:
    """Who is acting: the GitHub actor in CI, else the local user."""
    who = os.environ.get("GITHUB_ACTOR")
    if who:
        return who
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def load_report(report: Mapping[str, Any] | Path | str) -> dict[str, Any]:
    """A benchmark report, from a mapping or a JSON file, checked for the keys promote uses."""
    if isinstance(report, GateResult):
        report = report.to_dict()
    if isinstance(report, Mapping):
        data, source = dict(report), "benchmark report"
    else:
        from mlgate.data_io import read_document

        source = str(report)
        data = read_document(
            report, "benchmark report", hint="run mlgate benchmark first, or pass --report"
        )
    if data.get("gate") != "benchmark":
        raise InputError(
            f'{source}: not a benchmark report (no "gate": "benchmark")',
            hint="pass the JSON written by mlgate benchmark --report",
        )
    if data.get("verdict") not in ("pass", "fail") or not isinstance(data.get("candidate"), dict):
        raise InputError(f"{source}: the report has no verdict or no candidate")
    data["_source"] = source
    return data


def _expected_champion(report: Mapping[str, Any], name: str) -> str | None:
    """The champion version the benchmark saw (or, for a new line, the one it replaces)."""
    champion = report.get("champion") or report.get("incomparable_champion")
    if not champion:
        return None
    if champion.get("name") != name or not champion.get("version"):
        raise StaleReportError(
            f"{report['_source']}: the benchmark compared against {champion.get('uri')}, "
            f"not a version of {name!r}; nothing was changed",
            hint=f"benchmark against models:/{name}@{CHAMPION} (the default) before promoting",
        )
    return str(champion["version"])


def _check_champion(
    registry: Registry,
    name: str,
    expected: str | None,
    source: str,
    *,
    waited_for: RegistryLock | None = None,
    own_version: str | None = None,
) -> str | None:
    """The champion, when it is still the one the benchmark compared against.

    Raises StaleReportError otherwise: "lost to vN" when this promotion waited for another
    one (``waited_for``) that moved the champion.
    """
    current = aliases(registry, name).get(CHAMPION)
    if current == expected:
        return current
    if waited_for is not None:
        lead = (
            f"lost to {_v(current)}: while this promotion waited, {waited_for.describe()} "
            f"made {_v(current)} the champion of {name!r}"
        )
    else:
        lead = f"the champion of {name!r} changed since the benchmark ran"
    if current is not None and current == own_version:
        own = f" ({_v(current)} is this candidate's own version: it is champion already)"
        hint = "nothing to do: this candidate is the champion"
    else:
        own = ""
        hint = f"run mlgate benchmark again (against {_v(current)}), then mlgate promote"
    raise StaleReportError(
        f"{lead}: {source} compared against {_v(expected)}, the registry now has "
        f"{_v(current)}{own}; nothing was changed",
        hint=hint,
    )


def _check_candidate(report: Mapping[str, Any], ref: Any) -> None:
    benchmarked = report["candidate"]
    same_run = ref.run_id and benchmarked.get("run_id") == ref.run_id
    if not (same_run or benchmarked.get("uri") == ref.uri):
        raise InputError(
            f"{report['_source']} benchmarked {benchmarked.get('uri')} "
            f"(run {benchmarked.get('run_id')}), not the candidate {ref.uri} (run {ref.run_id}); "
            "nothing was changed",
            hint="run mlgate benchmark for this candidate, or pass the matching --candidate",
        )


def _version_tags(
    registry: Registry, run_id: str | None, report: Mapping[str, Any]
) -> dict[str, str]:
    tags: dict[str, str] = {}
    if run_id:
        with service_errors(registry.uri, f"reading run {run_id}"):
            run_tags = registry.client.get_run(run_id).data.tags or {}
        tags.update({key: run_tags[key] for key in _COPIED_RUN_TAGS if key in run_tags})
        tags[TAG_RUN_ID] = run_id
    metrics = {
        k: round(v, 6) for k, v in report["candidate"].get("metrics", {}).items() if v is not None
    }
    why = report.get("summary") or "; ".join(report.get("reasons", []))
    champion = report.get("champion")
    tags.update(
        {
            TAG_METRICS: json.dumps(metrics, sort_keys=True, separators=(",", ":"))[:_TAG_LIMIT],
            TAG_VERDICT: report["verdict"],
            TAG_WHY: why[:_TAG_LIMIT],
            TAG_BY: actor(),
            TAG_AT: _now(),
            TAG_AGAINST: _against(champion, report),
        }
    )
    return tags


def _against(champion: Mapping[str, Any] | None, report: Mapping[str, Any]) -> str:
    replaced = report.get("incomparable_champion")
    if champion:
        return f"{champion.get('name')} v{champion.get('version')}"
    if replaced:
        kind = "a new line replacing" if report.get("new_line") else "not comparable with"
        return f"none: {kind} {replaced.get('name')} v{replaced.get('version')}"
    return "none (bootstrap)"


class _Journal:
    """The registry writes of one promotion or rollback, in order, and how to undo each."""

    def __init__(
        self,
        hook: StepHook | None,
        registry: Registry,
        name: str,
        old_aliases: Mapping[str, str],
        steps: list[str],
    ) -> None:
        self.hook = hook
        self.registry = registry
        self.name = name
        self.old_aliases = dict(old_aliases)
        self.steps = steps
        self.undo: list[tuple[str, Callable[[], None]]] = []

    def step(self, name: str) -> None:
        if self.hook is not None:
            self.hook(name)

    def set_alias(self, alias: str, version: str, *, undoable: bool = True) -> None:
        """Point ``alias`` at ``version``, recording the step and (unless it is the last write)
        how to put the alias back."""
        self.step(alias)
        self.registry.client.set_registered_model_alias(self.name, alias, version)
        if undoable:
            previous = self.old_aliases.get(alias)
            restore = _restore_alias(self.registry, self.name, alias, previous)
            self.undo.append((f"alias {alias} -> v{version}", restore))
        self.steps.append(f"alias {alias} -> v{version}")

    def remove_alias(self, alias: str) -> None:
        """Remove ``alias``, recording how to put it back."""
        self.step(alias)
        self.registry.client.delete_registered_model_alias(self.name, alias)
        restore = _restore_alias(self.registry, self.name, alias, self.old_aliases.get(alias))
        self.undo.append((f"alias {alias} removed", restore))
        self.steps.append(f"alias {alias} removed")

    def rollback(self) -> list[str]:
        """Undo what was done; returns what could not be undone."""
        left = []
        for label, action in reversed(self.undo):
            try:
                action()
            except Exception as error:
                left.append(f"{label} (undo failed: {str(error).splitlines()[0][:200]})")
        self.undo.clear()
        return left


def _restore_alias(registry: Registry, name: str, alias: str, version: str | None) -> Callable:
    def undo() -> None:
        if version is None:
            registry.client.delete_registered_model_alias(name, alias)
        else:
            registry.client.set_registered_model_alias(name, alias, version)

    return undo


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While the registry is being changed, SIGTERM (how CI cancels a job) raises
    KeyboardInterrupt, so that the journal undoes completed writes and the lock is released.
    Only the main thread can install signal handlers; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"terminated by signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def promote(
    candidate: str,
    report: Mapping[str, Any] | Path | str,
    *,
    name: str,
    tracking_uri: str | None = None,
    on_step: StepHook | None = None,
    force: bool = False,
    wait_s: float = LOCK_WAIT_S,
    break_lock: str | None = None,
) -> Outcome:
    """Register ``candidate``, alias it challenger, and make it champion if the report passed.

    Holds the model's lock throughout, waiting up to ``wait_s`` for another promotion or
    rollback; ``break_lock`` first removes a lock (by id) that a dead process left behind.
    A version that was rolled back is refused (outcome ``refused``, nothing written) unless
    ``force``. Raises StaleReportError (exit 2) when the champion is not the one the benchmark
    compared against, including when another promotion won ("lost to vN"); InputError when
    the report is for another candidate; RegistryLockedError when the lock stays held;
    ServiceError when the registry fails. In each case ``champion`` is left where it was.
    """
    data = load_report(report)
    registry = connect(tracking_uri)
    ref = resolve_model(registry, candidate)
    _check_candidate(data, ref)
    expected = _expected_champion(data, name)
    action = f"promote {ref.uri} (benchmarked against {_v(expected)})"
    with (
        _terminate_as_interrupt(),
        hold_lock(registry, name, action, who=actor(), wait_s=wait_s, break_id=break_lock) as lock,
    ):
        if on_step is not None:
            on_step("locked")
        outcome = _promote_locked(registry, ref, data, name, expected, lock, force, on_step)
    if lock.release_problem:
        outcome.reasons.append(lock.release_problem)
    return outcome


def _promote_locked(
    registry: Registry,
    ref: Any,
    data: Mapping[str, Any],
    name: str,
    expected: str | None,
    lock: RegistryLock,
    force: bool,
    on_step: StepHook | None,
) -> Outcome:
    """The promotion itself, with the model's lock held."""
    existing = _existing_version(registry, ref, name)
    source = data["_source"]
    before = _check_champion(
        registry, name, expected, source, waited_for=lock.waited_for, own_version=existing
    )
    old_aliases = aliases(registry, name)
    outcome = Outcome(
        name=name, action="promote", outcome="refused", run_id=ref.run_id, champion_before=before
    )
    rolled_back = _rolled_back(registry, name, existing, old_aliases)
    if rolled_back and not force:
        outcome.version = existing
        outcome.champion_after = before
        outcome.reasons = [
            f"v{existing} was {rolled_back}; a rolled-back version is not promoted again "
            "unless you pass --force (nothing was changed)"
        ]
        return outcome
    tags = _version_tags(registry, ref.run_id, data)
    if rolled_back and data["verdict"] == "pass":
        outcome.forced = f"v{existing} was {rolled_back}; promoted again with --force"
        tags.update({TAG_FORCED: "true", TAG_FORCED_WHY: outcome.forced[:_TAG_LIMIT]})
    journal = _Journal(on_step, registry, name, old_aliases, outcome.steps)
    try:
        journal.step("register")
        version = _register(registry, ref, name, tags, journal, existing)
        outcome.version = version
        outcome.steps.append(f"registered v{version}" if existing is None else f"reused v{version}")
        if model_card.attach(registry, name, version, ref.run_id, tags.get(TAG_AT, _now())):
            outcome.steps.append(f"model card attached to v{version}")
        journal.set_alias(CHALLENGER, version)

        if data["verdict"] != "pass":
            outcome.outcome = "registered"
            outcome.champion_after = before
            outcome.reasons = list(data.get("reasons") or [data.get("summary", "")])
            return outcome

        if outcome.forced and old_aliases.get(ROLLED_BACK) == version:
            journal.remove_alias(ROLLED_BACK)
        _check_champion(registry, name, expected, source)
        if before is not None and before != version:
            journal.set_alias(PREVIOUS, before)
            outcome.previous = before
        journal.set_alias(CHAMPION, version, undoable=False)
    except StaleReportError:
        left = journal.rollback()
        if left:
            raise ServiceError(
                f"the champion of {name!r} changed during promotion and these writes could "
                f"not be undone: {'; '.join(left)}",
                hint="inspect the model's aliases in the MLflow UI; champion was not moved",
            ) from None
        raise
    except BaseException as error:
        left = journal.rollback()
        if not isinstance(error, Exception):  # interrupted or terminated: undone, re-raised
            raise
        raise _failed(registry, name, before, error, left, outcome.steps) from error
    outcome.outcome = "promoted"
    outcome.champion_after = outcome.version
    outcome.reasons = [data.get("summary", "")]
    return outcome


def _failed(
    registry: Registry,
    name: str,
    before: str | None,
    error: BaseException,
    left: list[str],
    steps: list[str],
) -> ServiceError:
    done = "; ".join(steps) or "nothing"
    undone = f"could not undo: {'; '.join(left)}" if left else "every completed write was undone"
    message = str(error).splitlines()[0][:300]
    return ServiceError(
        f"promotion of {name!r} at {registry.uri} failed ({message}). Done before the failure: "
        f"{done}; {undone}. champion was not moved by mlgate and should still be {_v(before)}",
        hint="check the tracking server, then run mlgate promote again (it reuses the "
        "registered version)",
    )


def _existing_version(registry: Registry, ref: Any, name: str) -> str | None:
    """The version of ``name`` the candidate already is: the one its URI names, else the
    lowest registered from its run (the first registration), else None."""
    if ref.name == name and ref.version:
        return str(ref.version)
    if not ref.run_id:
        return None
    with service_errors(registry.uri, f"listing the versions of {name!r} from run {ref.run_id}"):
        found = registry.client.search_model_versions(f"name='{name}' and run_id='{ref.run_id}'")
    return str(min(int(v.version) for v in found)) if found else None


def _rolled_back(
    registry: Registry, name: str, version: str | None, current: Mapping[str, str]
) -> str | None:
    """How ``version`` was rolled back ("rolled back at T by U"), or None if it never was."""
    if version is None:
        return None
    with service_errors(registry.uri, f"reading {name} v{version}"):
        tags = registry.client.get_model_version(name, version).tags or {}
    if TAG_ROLLED_BACK_AT not in tags and current.get(ROLLED_BACK) != version:
        return None
    when = tags.get(TAG_ROLLED_BACK_AT, "an unknown time")
    who = tags.get(TAG_ROLLED_BACK_BY, "unknown")
    return f"rolled back at {when} by {who}"


def _register(
    registry: Registry,
    ref: Any,
    name: str,
    tags: dict[str, str],
    journal: _Journal,
    existing: str | None,
) -> str:
    """Tag the ``existing`` version of the candidate, or create it (undone on failure)."""
    client = registry.client
    if existing is not None:
        for key, value in tags.items():
            client.set_model_version_tag(name, existing, key, value)
        return existing
    version = registry.register(ref.uri, name, tags)
    journal.undo.append((f"version v{version}", lambda: client.delete_model_version(name, version)))
    return version


def rollback(
    name: str,
    *,
    tracking_uri: str | None = None,
    on_step: StepHook | None = None,
    wait_s: float = LOCK_WAIT_S,
    break_lock: str | None = None,
) -> Outcome:
    """Make the ``previous`` version champion again; the demoted one becomes ``rolled_back``.

    Holds the model's lock like :func:`promote` (``wait_s``, ``break_lock``).
    """
    registry = connect(tracking_uri)
    locked = hold_lock(registry, name, "rollback", who=actor(), wait_s=wait_s, break_id=break_lock)
    with _terminate_as_interrupt(), locked as lock:
        if on_step is not None:
            on_step("locked")
        outcome = _rollback_locked(registry, name, on_step)
    if lock.release_problem:
        outcome.reasons.append(lock.release_problem)
    return outcome


def _rollback_locked(registry: Registry, name: str, on_step: StepHook | None) -> Outcome:
    """The rollback itself, with the model's lock held."""
    client = registry.client
    current = aliases(registry, name)
    target = current.get(PREVIOUS)
    champion = current.get(CHAMPION)
    if target is None:
        raise InputError(
            f"{name!r} has no '{PREVIOUS}' version at {registry.uri}: nothing to roll back to",
            hint="a rollback needs a promotion that replaced an earlier champion; "
            f"aliases now: {current or 'none'}",
        )
    if target == champion:
        raise InputError(f"{name!r}: '{PREVIOUS}' and '{CHAMPION}' are both v{target}")
    outcome = Outcome(name=name, action="rollback", outcome="refused", champion_before=champion)
    journal = _Journal(on_step, registry, name, current, outcome.steps)
    try:
        if champion is not None:
            journal.set_alias(ROLLED_BACK, champion)
            client.set_model_version_tag(name, champion, TAG_ROLLED_BACK_AT, _now())
            client.set_model_version_tag(name, champion, TAG_ROLLED_BACK_BY, actor())
        journal.set_alias(CHAMPION, target, undoable=False)
    except BaseException as error:
        left = journal.rollback()
        if not isinstance(error, Exception):
            raise
        raise _failed(registry, name, champion, error, left, outcome.steps) from error
    outcome.outcome = "rolled_back"
    outcome.version = target
    outcome.champion_after = target
    try:
        journal.step("cleanup")
        client.delete_registered_model_alias(name, PREVIOUS)
        outcome.steps.append(f"alias {PREVIOUS} removed")
    except Exception as error:
        outcome.reasons.append(
            f"champion moved, but alias '{PREVIOUS}' could not be removed "
            f"({str(error).splitlines()[0][:200]}); it names the champion now"
        )
    return outcome
