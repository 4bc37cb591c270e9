"""The default project's pipeline against the bare-model limit.

Baseline: one Python process that does what the pipeline does to the data (load the sample
dataset, split it with the same seed, fit the same model, score the test split), with no
tracking, no validation and no DVC. Against it:

* the first ``dvc repro`` of a freshly generated project (creates the MLflow database);
* ``dvc repro --force`` on a warm project (every stage again, database in place);
* a no-op ``dvc repro`` (nothing changed);
* each stage command on its own, to show where the time goes.

Targets: the forced repro within 3x the bare script, the no-op under 1.5 s.
"""

from __future__ import annotations

import shutil
import time

import yaml
from _harness import BUILD, ROOT, median_of, row, timed, write_result

from tests.support.project import install, project_env, render, run_checked

BARE = """
import time
start = time.perf_counter()
from sklearn.datasets import load_{dataset}
from sklearn.ensemble import RandomForest{kind}
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn import metrics
frame = load_{dataset}(as_frame=True{extra}).frame
train, test = train_test_split(frame, test_size=0.2, random_state=42{stratify})
model = Pipeline([("scale", StandardScaler()), ("model", RandomForest{kind}(
    n_estimators=200, max_depth=8, min_samples_leaf=2, n_jobs=1, random_state=42))])
model.fit(train.drop(columns=["target"]), train["target"])
print(metrics.{metric}(test["target"], model.predict(test.drop(columns=["target"]))))
"""


def bench_task(task: str) -> dict:
    out = BUILD / f"pipeline-{task}"
    shutil.rmtree(out, ignore_errors=True)
    project = render(out, task=task, project_name=f"bench {task}")
    start = time.perf_counter()
    install(project)
    install_s = time.perf_counter() - start
    env = project_env(project)
    run_checked(["git", "commit", "--quiet", "-m", "generated"], cwd=project, env=env)
    python = str(project / ".venv" / "bin" / "python")
    dvc = str(project / ".venv" / "bin" / "dvc")

    classification = task == "classification"
    script = project / "bare.py"
    script.write_text(
        BARE.format(
            dataset="breast_cancer" if classification else "diabetes",
            kind="Classifier" if classification else "Regressor",
            extra="" if classification else ", scaled=False",
            stratify=', stratify=frame["target"]' if classification else "",
            metric="accuracy_score" if classification else "r2_score",
        )
    )
    timed([python, str(script)], project, env)  # warm the file cache and bytecode
    bare, bare_samples = median_of(3, lambda: timed([python, str(script)], project, env))

    first = timed([dvc, "repro"], project, env)
    forced, forced_samples = median_of(3, lambda: timed([dvc, "repro", "--force"], project, env))
    noop, noop_samples = median_of(5, lambda: timed([dvc, "repro"], project, env))

    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    per_stage = {
        name: timed(["bash", "-c", stage["cmd"]], project, env) for name, stage in stages.items()
    }

    print(f"\n{task} (install into a fresh venv: {install_s:.1f} s)")
    print(row("bare script: load/split/fit/evaluate", bare))
    print(row("dvc repro, first run (creates MLflow DB)", first, bare))
    print(row("dvc repro --force (every stage, warm)", forced, bare))
    print(row("dvc repro, nothing changed", noop))
    for name, seconds in per_stage.items():
        print(row(f"  stage {name}", seconds, bare))
    print(
        f"  target: forced repro <= 3x bare -> {'met' if forced <= 3 * bare else 'NOT met'};"
        f" no-op < 1.5 s -> {'met' if noop < 1.5 else 'NOT met'}"
    )
    return {
        "install_s": install_s,
        "bare_s": bare,
        "bare_samples": bare_samples,
        "first_repro_s": first,
        "forced_repro_s": forced,
        "forced_samples": forced_samples,
        "forced_ratio": forced / bare,
        "first_ratio": first / bare,
        "noop_repro_s": noop,
        "noop_samples": noop_samples,
        "stages_s": per_stage,
    }


def main() -> None:
    results = {task: bench_task(task) for task in ("classification", "regression")}
    path = write_result("pipeline", {"root": str(ROOT), "tasks": results})
    print(f"\nwritten: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
