"""The default project's pipeline against the bare-model floor, for both tasks.

Baseline, measured in the same run: one Python process that does what the pipeline does to the
data (load the sample dataset, split it with the same seed, fit the same model, score the test
split), with no tracking, no validation and no DVC. It prints the time of its fit-and-evaluate
part too, the yardstick of the inner loop. Against it:

* the first ``dvc repro`` of a freshly generated project (creates the MLflow database; no warm
  server yet: the first stage starts it);
* ``dvc repro --force`` with no warm server running (what a fresh CI runner sees);
* ``dvc repro --force`` with the warm server up (every stage again: the target, 3x the bare
  script) and with ``MLGATE_WARM=0`` (every stage in a process of its own);
* the inner loop: a model hyperparameter changed in params.yaml, then ``dvc repro`` (train,
  evaluate and benchmark run again; target 2.5x the bare fit-and-evaluate);
* a no-op ``dvc repro`` (target: under 1 s);
* each stage on its own, in a warm child and in a process of its own, to show where the time
  goes.

Repeated measurements alternate between the things compared, so that a change in the machine's
load moves all of them alike; medians count, every sample is kept in build/bench/pipeline.json.

    python benchmarks/bench_pipeline.py [--repeats N] [--tasks classification regression]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from pathlib import Path

import yaml
from _harness import BUILD, ROOT, row, timed, write_result

from tests.support.project import install, project_env, render, run, run_checked

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
fit_start = time.perf_counter()
model = Pipeline([("scale", StandardScaler()), ("model", RandomForest{kind}(
    n_estimators=200, max_depth=8, min_samples_leaf=2, n_jobs=1, random_state=42))])
model.fit(train.drop(columns=["target"]), train["target"])
score = metrics.{metric}(test["target"], model.predict(test.drop(columns=["target"])))
print("fit_evaluate_s", time.perf_counter() - fit_start)
"""


def median(values: list[float]) -> float:
    return statistics.median(values)


class Bench:
    """A generated, installed, committed project and the commands timed in it."""

    def __init__(self, task: str) -> None:
        out = BUILD / f"pipeline-{task}"
        shutil.rmtree(out, ignore_errors=True)
        self.task = task
        self.project = render(out, task=task, project_name=f"bench {task}")
        start = time.perf_counter()
        install(self.project)
        self.install_s = time.perf_counter() - start
        # A private runtime folder: this benchmark's warm servers are its own.
        self.env = project_env(self.project, {"MLGATE_WARM_DIR": str(out / "warm")})
        run_checked(["git", "commit", "--quiet", "-m", "generated"], cwd=self.project, env=self.env)
        self.bin = self.project / ".venv" / "bin"
        self.script = self.project / "bare.py"
        classification = task == "classification"
        self.script.write_text(
            BARE.format(
                dataset="breast_cancer" if classification else "diabetes",
                kind="Classifier" if classification else "Regressor",
                extra="" if classification else ", scaled=False",
                stratify=', stratify=frame["target"]' if classification else "",
                metric="accuracy_score" if classification else "r2_score",
            )
        )
        self.leaf = 2

    def bare(self) -> tuple[float, float]:
        """Wall time of the bare script, and its own fit-and-evaluate time."""
        start = time.perf_counter()
        done = run_checked([str(self.bin / "python"), str(self.script)], self.project, self.env)
        wall = time.perf_counter() - start
        fit = float(done.stdout.split("fit_evaluate_s", 1)[1].split()[0])
        return wall, fit

    def dvc(self, *args: str, env: dict[str, str] | None = None) -> float:
        return timed([str(self.bin / "dvc"), *args], self.project, env or self.env)

    def stop_servers(self) -> None:
        """Stop this benchmark's warm servers and wait until they are gone."""
        run([str(self.bin / "mlgate"), "warm", "stop"], self.project, self.env)
        folder = Path(self.env["MLGATE_WARM_DIR"])
        deadline = time.monotonic() + 30
        while list(folder.glob("*.sock")) and time.monotonic() < deadline:
            time.sleep(0.05)

    def wait_for_server(self) -> None:
        folder = Path(self.env["MLGATE_WARM_DIR"])
        deadline = time.monotonic() + 60
        while not list(folder.glob("*.sock")) and time.monotonic() < deadline:
            time.sleep(0.05)

    def change_hyperparameter(self) -> None:
        """A new ``min_samples_leaf`` each time (DVC's run cache never has it)."""
        path = self.project / "params.yaml"
        self.leaf += 1
        text = path.read_text()
        old = next(line for line in text.splitlines() if "min_samples_leaf:" in line)
        path.write_text(text.replace(old, f"    min_samples_leaf: {self.leaf}", 1))

    def stage_times(self, warm: bool) -> dict[str, float]:
        stages = yaml.safe_load((self.project / "dvc.yaml").read_text())["stages"]
        times = {}
        for name, stage in stages.items():
            env = {**self.env, "DVC_STAGE": name, "MLGATE_WARM": "1" if warm else "0"}
            times[name] = timed(["bash", "-c", stage["cmd"]], self.project, env)
        return times


def bench_task(task: str, repeats: int) -> dict:
    bench = Bench(task)
    bench.bare()  # warm the file cache and bytecode
    samples: dict[str, list[float]] = {
        "bare": [],
        "fit_evaluate": [],
        "forced_warm": [],
        "forced_own_processes": [],
        "inner_loop": [],
        "noop": [],
    }
    first = bench.dvc("repro")
    bench.wait_for_server()

    bench.stop_servers()
    bare, fit = bench.bare()
    samples["bare"].append(bare)
    samples["fit_evaluate"].append(fit)
    forced_cold = bench.dvc("repro", "--force")  # the first stage starts a server
    bench.wait_for_server()
    bench.dvc("repro", "--force")  # every stage warm once, before timing

    for _ in range(repeats):
        bare, fit = bench.bare()
        samples["bare"].append(bare)
        samples["fit_evaluate"].append(fit)
        samples["forced_warm"].append(bench.dvc("repro", "--force"))
        own = {**bench.env, "MLGATE_WARM": "0"}
        samples["forced_own_processes"].append(bench.dvc("repro", "--force", env=own))
        bench.change_hyperparameter()
        samples["inner_loop"].append(bench.dvc("repro"))
        samples["noop"].append(bench.dvc("repro"))

    warm_stages = bench.stage_times(warm=True)
    own_stages = bench.stage_times(warm=False)
    bench.stop_servers()

    m = {key: median(values) for key, values in samples.items()}
    m["first"] = first
    m["forced_cold"] = forced_cold
    ratios = {
        "first_to_bare": first / m["bare"],
        "forced_cold_to_bare": forced_cold / m["bare"],
        "forced_warm_to_bare": m["forced_warm"] / m["bare"],
        "forced_own_processes_to_bare": m["forced_own_processes"] / m["bare"],
        "inner_loop_to_fit_evaluate": m["inner_loop"] / m["fit_evaluate"],
        "inner_loop_minus_noop_to_fit_evaluate": (m["inner_loop"] - m["noop"]) / m["fit_evaluate"],
    }
    print(f"\n{task} (install into a fresh venv: {bench.install_s:.1f} s; medians of {repeats})")
    print(row("bare script: load/split/fit/evaluate", m["bare"]))
    print(row("  of which fit + evaluate", m["fit_evaluate"]))
    print(row("dvc repro, first run (new MLflow DB, no server)", first, m["bare"]))
    print(row("dvc repro --force, no server running", forced_cold, m["bare"]))
    print(row("dvc repro --force, warm server", m["forced_warm"], m["bare"]))
    print(row("dvc repro --force, MLGATE_WARM=0", m["forced_own_processes"], m["bare"]))
    print(row("inner loop: hyperparameter changed, dvc repro", m["inner_loop"], m["fit_evaluate"]))
    print(row("dvc repro, nothing changed", m["noop"]))
    for name in warm_stages:
        print(
            f"  stage {name:<12} warm {warm_stages[name]:6.2f} s   "
            f"own process {own_stages[name]:6.2f} s"
        )
    print(
        f"  targets: forced (warm) <= 3x bare -> "
        f"{'met' if ratios['forced_warm_to_bare'] <= 3 else 'NOT met'}; "
        f"inner loop <= 2.5x fit+evaluate -> "
        f"{'met' if ratios['inner_loop_to_fit_evaluate'] <= 2.5 else 'NOT met'}; "
        f"no-op < 1 s -> {'met' if m['noop'] < 1 else 'NOT met'}"
    )
    return {
        "install_s": bench.install_s,
        "repeats": repeats,
        "medians_s": m,
        "ratios": ratios,
        "samples_s": samples,
        "stages_warm_s": warm_stages,
        "stages_own_process_s": own_stages,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tasks", nargs="+", default=["classification", "regression"])
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = {task: bench_task(task, args.repeats) for task in args.tasks}
    path = write_result(
        "pipeline", {"root": str(ROOT), "load_average_before": load_before, "tasks": results}
    )
    print(f"\nwritten: {path.relative_to(ROOT)}")
    print(json.dumps({t: r["ratios"] for t, r in results.items()}, indent=2))


if __name__ == "__main__":
    main()
