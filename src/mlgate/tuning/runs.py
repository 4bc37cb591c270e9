"""Recording a search in MLflow: one search run, and one nested run per trial.

Trials are logged after the search from its results (one ``log_batch`` per run), which is
cheap and keeps the search itself free of tracking I/O. A nested run is an ordinary run
tagged ``mlflow.parentRunId`` with the search run's id, as MLflow's own ``nested=True`` does.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

TAG_PARENT = "mlflow.parentRunId"
TAG_ROLE = "mlgate.role"
TAG_TRIAL = "mlgate.trial"
TAG_ALGORITHM = "mlgate.algorithm"
TAG_VERDICT = "mlgate.tune_verdict"


def _flatten(prefix: str, value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        flat: dict[str, str] = {}
        for key, inner in value.items():
            flat.update(_flatten(f"{prefix}.{key}" if prefix else str(key), inner))
        return flat
    return {prefix: str(value)}


def log_search(
    *,
    tracking_uri: str | None,
    experiment: str,
    config: dict[str, Any],
    trials: Sequence[dict[str, Any]],
    summary_metrics: Mapping[str, float | None],
    tags: Mapping[str, str],
    verdict: str,
) -> dict[str, Any]:
    """Create the search run and its nested trial runs; return where they are.

    The store is reached through :func:`mlgate.registry.connect` (fail-fast, file store
    refused). Raises ServiceError when it cannot be reached or refuses the runs.
    """
    from mlflow.entities import Metric, Param

    from mlgate.registry import connect, service_errors
    from mlgate.sqlite_store import prepare

    prepare(tracking_uri)  # a new local sqlite store is made quickly
    registry = connect(tracking_uri)
    client = registry.client
    now = int(time.time() * 1000)
    with service_errors(registry.uri, "recording the tuning runs"):
        found = client.get_experiment_by_name(experiment)
        experiment_id = found.experiment_id if found else client.create_experiment(experiment)
        parent = client.create_run(
            experiment_id,
            run_name="tune",
            tags={**tags, TAG_ROLE: "search", TAG_VERDICT: verdict},
        )
        parent_id = parent.info.run_id
        client.log_batch(
            parent_id,
            params=[Param(k, v) for k, v in _flatten("", config).items()],
            metrics=[
                Metric(name, float(value), now, 0)
                for name, value in summary_metrics.items()
                if value is not None
            ],
        )
        for trial in trials:
            child = client.create_run(
                experiment_id,
                run_name=f"trial-{trial['trial']:03d}-{trial['algorithm']}",
                tags={
                    TAG_PARENT: parent_id,
                    TAG_ROLE: "trial",
                    TAG_TRIAL: str(trial["trial"]),
                    TAG_ALGORITHM: trial["algorithm"],
                },
            )
            client.log_batch(
                child.info.run_id,
                params=[Param("algorithm", trial["algorithm"])]
                + [Param(k, str(v)) for k, v in trial["params"].items()],
                metrics=[
                    Metric("cv_score", trial["cv_score"], now, 0),
                    Metric("cv_score_std", trial["cv_std"], now, 0),
                    Metric("fit_time_s", trial["fit_time_s"], now, 0),
                    Metric("rank", float(trial["rank"]), now, 0),
                ],
            )
            client.set_terminated(child.info.run_id, "FINISHED")
        client.set_terminated(parent_id, "FINISHED")
    return {
        "tracking_uri": registry.uri,
        "experiment": experiment,
        "experiment_id": experiment_id,
        "parent_run_id": parent_id,
        "trial_runs": len(trials),
    }
