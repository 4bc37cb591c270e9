"""Model cards: what a model is for, what it was made from, how it scored, what it must not do.

The benchmark gate writes the card of its candidate, ``<reports>/model_card.md``, and logs it
as the artifact ``model_card.md`` of the candidate's MLflow run, beside the model. When
``mlgate promote`` registers the candidate, the card becomes the registry version's
description and the version's ``mlgate.model_card`` tag points at the artifact;
``mlgate lineage`` prints it. The card holds:

* intended use, owner and known limits: ``[tool.mlgate.model_card]`` in pyproject.toml
  (``owner``, ``intended_use``, ``limits``, a list of sentences), plus the limits the data
  itself sets (rows trained on, metrics the held-out rows cannot define, the baseline);
* the training: run, git commit, data file and its hash, parameters, the validation baseline;
* the benchmark table: each goal, the candidate's value, the champion's, the verdict;
* the inputs: every column's role, kind and classification, and the privacy treatment applied
  before data/processed (from the schema's contract), and the privacy scan's verdict.

Rendering works from a plain ``facts`` mapping (:func:`gather` builds it from the reports) so
that the card of any model can be written and tested without a registry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.reporting import atomic_write_text, markdown_table

if TYPE_CHECKING:
    from mlgate.contract import Contract
    from mlgate.registry import Registry
    from mlgate.settings import Settings

CARD_FILE = "model_card.md"
"""The card's name: in the reports folder, and as an artifact of the model's run."""
TAG_MODEL_CARD = "mlgate.model_card"
"""Registry version tag: where the full card is (``runs:/<run_id>/model_card.md``)."""
DESCRIPTION_LIMIT = 5000
"""MLflow stores a version description in a 5,000-character column."""
VERSION_LINE = "- **Version**: "
"""The card's line that names the registry version; rewritten when the version is made."""

_REPRODUCE_LINE = "- reproduce: `mlgate reproduce "
_UNSET = "not set (add it under [tool.mlgate.model_card] in pyproject.toml)"


def _plain(value: Any) -> str:
    """One line: runs of whitespace, line breaks included, become one space."""
    return " ".join(str(value).split())


def _text(value: Any) -> str:
    """A value inside a line of the card: one line, and no pipe that Markdown could read as a
    table (cells go through :func:`mlgate.reporting.markdown_table`, which escapes them)."""
    return _plain(value).replace("|", "\\|")


def _number(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _plain(value)
    return f"{value:.4g}"


def _verdict_mark(passed: bool | None) -> str:
    return "pass" if passed else ("skipped" if passed is None else "**fail**")


def card_settings(settings: Settings | None) -> dict[str, Any]:
    """``[tool.mlgate.model_card]``: owner, intended use and known limits, checked."""
    from mlgate.errors import ConfigError

    table = (settings.extra.get("model_card") if settings is not None else None) or {}
    if not isinstance(table, Mapping):
        raise ConfigError(
            "[tool.mlgate.model_card] must be a table",
            hint='write owner = "...", intended_use = "...", limits = ["...", ...] under it',
        )
    limits = table.get("limits", [])
    if isinstance(limits, str):
        limits = [limits]
    if not isinstance(limits, list) or not all(isinstance(item, str) for item in limits):
        raise ConfigError(
            "[tool.mlgate.model_card] limits must be a list of sentences",
            hint='e.g. limits = ["Not for decisions about individuals."]',
        )
    return {
        "owner": str(table.get("owner") or "").strip() or None,
        "intended_use": str(table.get("intended_use") or "").strip() or None,
        "limits": [item.strip() for item in limits if item.strip()],
    }


def column_rows(contract: Contract | None) -> list[dict[str, Any]]:
    """One row per schema column: name, role, kind, classification, the treatment in words."""
    if contract is None:
        return []
    return [
        {
            "name": column.name,
            "role": column.role,
            "kind": column.kind,
            "classification": column.classification or "unclassified",
            "treatment": describe_treatment(column.treatment),
            "reaches_model": column.name in contract.features() and column.role == "feature",
        }
        for column in contract.columns
    ]


def describe_treatment(treatment: Any) -> str:
    """A treatment as a reader says it."""
    if treatment is None:
        return "none"
    if treatment == "drop":
        return "dropped before data/processed"
    if treatment == "hash":
        return "salted SHA-256 (salt from MLGATE_SALT)"
    if isinstance(treatment, Mapping) and "bucket" in treatment:
        edges = ", ".join(_number(edge) for edge in treatment["bucket"])
        return f"bucketed at {edges}"
    if isinstance(treatment, Mapping) and "truncate" in treatment:
        return f"truncated to {treatment['truncate']} characters"
    return _plain(treatment)


def gather(
    *,
    settings: Settings | None,
    benchmark: Mapping[str, Any],
    train_record: Mapping[str, Any] | None = None,
    validation: Mapping[str, Any] | None = None,
    run_params: Mapping[str, Any] | None = None,
    train_rows: int | None = None,
) -> dict[str, Any]:
    """The facts of a card, from the project's settings and its gates' reports."""
    contract = None
    if settings is not None and settings.schema:
        contract = settings.contract()
    candidate = benchmark.get("candidate") or {}
    tags = dict((train_record or {}).get("tags") or {})
    champion = benchmark.get("champion")
    return {
        "model_name": (settings.model_name if settings is not None else None)
        or (train_record or {}).get("model_name")
        or candidate.get("name")
        or "model",
        "task": benchmark.get("task"),
        "run_id": candidate.get("run_id") or (train_record or {}).get("run_id"),
        "model_uri": candidate.get("uri") or (train_record or {}).get("model_uri"),
        "version": candidate.get("version"),
        **card_settings(settings),
        "git_commit": tags.get("mlgate.git_commit"),
        "git_dirty": tags.get("mlgate.git_dirty"),
        "data_path": tags.get("mlgate.data_path"),
        "data_hash": tags.get("mlgate.data_hash"),
        "params_hash": tags.get("mlgate.params_hash"),
        "params": dict(run_params or {}),
        "train_rows": train_rows,
        "baseline": (validation or {}).get("baseline"),
        "privacy": (validation or {}).get("privacy"),
        "verdict": benchmark.get("verdict"),
        "summary": benchmark.get("summary"),
        "test_data": (benchmark.get("data") or {}).get("source"),
        "test_rows": (benchmark.get("data") or {}).get("rows"),
        "checks": list(benchmark.get("checks") or []),
        "metrics": dict(candidate.get("metrics") or {}),
        "undefined": dict(candidate.get("undefined") or {}),
        "champion": (
            f"{champion.get('name')} v{champion.get('version')}"
            if isinstance(champion, Mapping)
            else None
        ),
        "columns": column_rows(contract),
    }


def render(facts: Mapping[str, Any]) -> str:
    """The card as Markdown."""
    name = facts.get("model_name") or "model"
    lines = [f"# Model card: {name}", ""]
    version = facts.get("version")
    lines.append(
        VERSION_LINE
        + (
            f"{name} v{version}"
            if version
            else f"not registered yet (candidate of run {facts.get('run_id') or 'unknown'})"
        )
    )
    lines.append(f"- **Owner**: {facts.get('owner') or _UNSET}")
    lines.append(f"- **Intended use**: {facts.get('intended_use') or _UNSET}")
    task = facts.get("task") or "unknown"
    lines.append(f"- **Task**: {task}")
    verdict = facts.get("verdict") or "not benchmarked"
    summary = facts.get("summary")
    lines.append(f"- **Benchmark verdict**: {verdict}" + (f" ({summary})" if summary else ""))
    lines += ["", "## Training", ""]
    lines.append(f"- run: `{facts.get('run_id') or 'unknown'}` ({facts.get('model_uri') or ''})")
    commit = facts.get("git_commit") or "unknown"
    dirty = facts.get("git_dirty")
    note = " with uncommitted changes" if dirty == "true" else ""
    lines.append(f"- code: git commit `{commit}`{note}")
    rows = facts.get("train_rows")
    lines.append(
        f"- data: `{facts.get('data_path') or 'unknown'}`, md5 `{facts.get('data_hash') or '?'}`"
        + (f", {rows} rows" if rows is not None else "")
    )
    params = facts.get("params") or {}
    shown = ", ".join(f"{k}={_text(v)}" for k, v in sorted(params.items())) or "not recorded"
    lines.append(f"- parameters: {shown} (hash `{(facts.get('params_hash') or '?')[:12]}`)")
    baseline = facts.get("baseline")
    if isinstance(baseline, Mapping):
        lines.append(f"- data validated against: {_text(baseline.get('label', 'unknown'))}")
    lines.append(f"{_REPRODUCE_LINE}{_reproduce_target(facts)}`")
    lines += ["", "## Benchmark", ""]
    test_data = facts.get("test_data")
    if test_data:
        test_rows = facts.get("test_rows")
        lines += [
            f"Held-out data: `{test_data}`" + (f", {test_rows} rows." if test_rows else "."),
            f"Compared with: {facts.get('champion') or 'no champion (judged on the goals)'}.",
            "",
        ]
    checks = facts.get("checks") or []
    if checks:
        rows = [
            (
                _plain(check.get("metric")),
                _plain(check.get("goal", "")),
                _number(check.get("candidate")),
                _number(check.get("reference")),
                _verdict_mark(check.get("passed")),
            )
            for check in checks
        ]
        headers = ("metric", "goal", "this model", "reference", "verdict")
        lines.append(markdown_table(headers, rows).rstrip("\n"))
    else:
        lines.append("No goals were checked.")
    lines += ["", "## Inputs", ""]
    columns = facts.get("columns") or []
    if columns:
        rows = [
            (
                _plain(column["name"]),
                column["role"],
                column["kind"],
                column["classification"],
                _plain(column["treatment"]),
                "yes" if column["reaches_model"] else "no",
            )
            for column in columns
        ]
        headers = ("column", "role", "kind", "classification", "treatment", "reaches the model")
        lines.append(markdown_table(headers, rows).rstrip("\n"))
    else:
        lines.append("No schema: the columns are not classified.")
    lines += ["", "## Privacy", ""]
    lines += _privacy_lines(facts)
    lines += ["", "## Known limits", ""]
    lines += [f"- {_text(limit)}" for limit in _limits(facts)]
    return "\n".join(lines) + "\n"


def _reproduce_target(facts: Mapping[str, Any]) -> str:
    version = facts.get("version")
    name = facts.get("model_name") or "model"
    return f"models:/{name}/{version}" if version else f"runs:/{facts.get('run_id')}/model"


def _privacy_lines(facts: Mapping[str, Any]) -> list[str]:
    columns = facts.get("columns") or []
    treated = [c for c in columns if c["treatment"] != "none"]
    personal = [c for c in columns if c["classification"] == "personal"]
    lines = []
    if treated:
        lines.append(
            "- treated before data/processed: "
            + "; ".join(f"{_text(c['name'])} ({_text(c['treatment'])})" for c in treated)
        )
    kept_out = [c["name"] for c in personal if not c["reaches_model"]]
    if kept_out:
        lines.append("- personal data kept out of the model: " + ", ".join(map(_text, kept_out)))
    if not personal and not treated:
        lines.append("- no column is classified personal and none is treated")
    privacy = facts.get("privacy")
    if isinstance(privacy, Mapping):
        lines.append(f"- privacy scan of the data: {_text(privacy.get('verdict', 'not run'))}")
    return lines


def _limits(facts: Mapping[str, Any]) -> list[str]:
    limits = list(facts.get("limits") or [])
    rows = facts.get("train_rows")
    if rows is not None:
        limits.append(
            f"Trained on {rows} rows: behaviour on values outside the schema's bounds, or on a "
            "population unlike the training data, is unknown."
        )
    for metric, reason in (facts.get("undefined") or {}).items():
        limits.append(f"{metric} could not be measured on the held-out data: {reason}.")
    baseline = facts.get("baseline")
    if isinstance(baseline, Mapping) and baseline.get("source") == "none":
        limits.append("The training data was checked against the schema only (no baseline).")
    if facts.get("git_dirty") == "true":
        limits.append(
            "Trained from uncommitted changes: the commit recorded may not hold the exact code."
        )
    if not limits:
        limits.append("None recorded (add them under [tool.mlgate.model_card] limits).")
    return limits


def with_version(card: str, name: str, version: str, registered: str) -> str:
    """The card with its version line naming the registry version."""
    lines = card.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(VERSION_LINE):
            lines[index] = f"{VERSION_LINE}{name} v{version} (registered {registered})"
        if line.startswith(_REPRODUCE_LINE):
            lines[index] = f"{_REPRODUCE_LINE}models:/{name}/{version}`"
    return "\n".join(lines) + "\n"


def write(
    *,
    settings: Settings | None,
    benchmark: Mapping[str, Any],
    reports: Path,
    registry: Registry | None = None,
) -> Path:
    """Write the card of the benchmark's candidate to ``<reports>/model_card.md`` and, with a
    registry, log it as the artifact ``model_card.md`` of the candidate's run."""

    train_record = _read_json(settings.train_run) if settings and settings.train_run else None
    if train_record and train_record.get("run_id") != (benchmark.get("candidate") or {}).get(
        "run_id"
    ):
        train_record = None  # a record of another run says nothing about this candidate
    validation = _read_json(reports / "validation.json")
    run_params = None
    run_id = (benchmark.get("candidate") or {}).get("run_id")
    if registry is not None and run_id:
        from mlgate.registry import service_errors

        with service_errors(registry.uri, f"reading run {run_id}"):
            run = registry.client.get_run(run_id)
        run_params = dict(run.data.params or {})
        if train_record is None:
            train_record = {"run_id": run_id, "tags": dict(run.data.tags or {})}
    train_rows = _rows(settings.train_data if settings else None)
    facts = gather(
        settings=settings,
        benchmark=benchmark,
        train_record=train_record,
        validation=validation,
        run_params=run_params,
        train_rows=train_rows,
    )
    card = render(facts)
    path = reports / CARD_FILE
    atomic_write_text(path, card)
    if registry is not None and run_id:
        from mlgate.registry import service_errors

        with service_errors(registry.uri, f"logging the model card to run {run_id}"):
            registry.client.log_text(run_id, card, CARD_FILE)
    return path


def attach(registry: Registry, name: str, version: str, run_id: str | None, when: str) -> bool:
    """Make the card logged with ``run_id`` the description of ``name`` version ``version``
    (shortened, with a pointer to the full card, past MLflow's limit). False without a card."""
    from mlgate.registry import service_errors

    if not run_id:
        return False
    uri = f"runs:/{run_id}/{CARD_FILE}"
    card = read_logged(registry, run_id)
    if card is None:
        return False
    card = with_version(card, name, version, when)
    if len(card) > DESCRIPTION_LIMIT:
        tail = f"\n\n... the full card is the artifact {uri}\n"
        card = card[: DESCRIPTION_LIMIT - len(tail)] + tail
    client = registry.client
    with service_errors(registry.uri, f"attaching the model card to {name} v{version}"):
        client.update_model_version(name, version, description=card)
        client.set_model_version_tag(name, version, TAG_MODEL_CARD, uri)
    return True


def read_logged(registry: Registry, run_id: str) -> str | None:
    """The card logged with run ``run_id``, or None when it has none."""
    import mlflow

    from mlgate.registry import service_errors

    with service_errors(registry.uri, f"listing the artifacts of run {run_id}"):
        names = {item.path for item in registry.client.list_artifacts(run_id)}
    if CARD_FILE not in names:
        return None
    with service_errors(registry.uri, f"reading the model card of run {run_id}"):
        return mlflow.artifacts.load_text(f"runs:/{run_id}/{CARD_FILE}")


def _read_json(path: Path | None) -> dict[str, Any] | None:
    if path is None or not Path(path).is_file():
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _rows(path: Path | None) -> int | None:
    if path is None or not Path(path).is_file():
        return None
    try:
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # not parquet (a CSV): count its lines but the header
        try:
            with open(path, "rb") as handle:
                return max(sum(1 for _ in handle) - 1, 0)
        except OSError:
            return None
