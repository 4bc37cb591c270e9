"""The champion comparison: what it costs, and how often it refuses a model.

Cost: on held-out sets of a 3-class table (text categories, booleans, dates, missing values)
the baseline is what the benchmark gate does with those rows anyway, both models' ``predict``
and ``predict_proba`` (the template's default random forest, 200 trees); then the paired
comparison of accuracy, macro F1, ROC AUC and log loss. Prints the ratio comparison / scoring
(target: at most 1.5 at 10,000 rows).

Refusals, with the template's default margins (accuracy 0.02, roc_auc 0.01) and alpha:

* ``--retrainings`` models trained like the champion (other seeds, other bootstrap resamples of
  the same 1,200 rows), judged on 300 held-out rows: the share refused by the paired rule and
  by comparing point estimates;
* ``--trials`` samples of 1,000 held-out rows on which a candidate 5 points of accuracy worse
  than the champion (the champion with extra mistakes) is judged: the share refused.

Writes build/bench/comparison.json.

    python benchmarks/bench_comparison.py [--rows 10000 100000] [--retrainings 200] [--trials 50]
"""

from __future__ import annotations

import argparse
import sys
import time

from _harness import ROOT, median_of, write_result

sys.path.insert(0, str(ROOT / "src"))  # the package from this checkout (_harness adds the root)
TARGET = "segment"
NOT_FEATURES = ["customer_id", "batch"]
MARGINS = {"max_regression": {"accuracy": 0.02, "roc_auc": 0.01}, "alpha": 0.05}


def fit(frame, seed, trees=200, resample=True):
    import numpy as np

    from mlgate.contract import from_frame
    from mlgate.modeling import build_model, preprocessing

    if resample:
        frame = frame.iloc[np.random.default_rng(seed).integers(0, len(frame), len(frame))]
    x = frame.drop(columns=[TARGET])
    params = {"n_estimators": trees, "max_depth": 8, "min_samples_leaf": 2, "n_jobs": 1}
    model = build_model(
        "classification", "random_forest", params, seed, preprocessing(from_frame(x))
    )
    return model.fit(x, frame[TARGET])


def said(model, x):
    from mlgate.comparison import Predictions

    return Predictions(model.predict(x), model.predict_proba(x), model.classes_)


def table(rows: int, seed: int):
    from tests.support.tables import mixed_classification

    return mixed_classification(rows, seed=seed).drop(columns=NOT_FEATURES)


def cost(rows: int, repeats: int) -> dict[str, float]:
    from mlgate.comparison import compare

    source = table(2000, seed=0)
    a, b = fit(source, 1), fit(source, 2)
    held = table(rows, seed=7)
    x, y = held.drop(columns=[TARGET]), held[TARGET]

    def scoring() -> float:
        start = time.perf_counter()
        said(a, x), said(b, x)
        return time.perf_counter() - start

    cand, champ = said(a, x), said(b, x)
    names = ["accuracy", "f1_macro", "roc_auc", "log_loss"]

    def comparing() -> float:
        start = time.perf_counter()
        compare("classification", y, cand, champ, names)
        return time.perf_counter() - start

    base, _ = median_of(repeats, scoring)
    seconds, _ = median_of(repeats, comparing)
    return {"rows": rows, "scoring_s": base, "comparison_s": seconds, "ratio": seconds / base}


def verdict(goals, y, cand, champ) -> tuple[bool, bool]:
    """(refused by the paired rule, refused comparing point estimates)."""
    from mlgate.benchmarking import scores
    from mlgate.comparison import compare
    from mlgate.goals import comparison_level, judge, paired_tests, passed

    cs, hs = scores("classification", y, cand), scores("classification", y, champ)
    tested = paired_tests(
        goals, "classification", [m for m in cs.values if cs.values[m] is not None]
    )
    differences = compare(
        "classification", y, cand, champ, tested, level=comparison_level(goals, tested)
    )
    paired = judge(goals, "classification", cs.values, hs.values, differences=differences)
    point = judge(goals, "classification", cs.values, hs.values)
    return not passed(paired), not passed(point)


def refusals(retrainings: int, trials: int) -> dict[str, float]:
    import numpy as np
    import pandas as pd
    from sklearn.metrics import accuracy_score

    from mlgate.goals import parse_goals

    goals = parse_goals(MARGINS)
    frame = table(1500, seed=0)
    held = frame.sample(300, random_state=0)
    train = frame.drop(held.index)
    x, y = held.drop(columns=[TARGET]), held[TARGET]
    champion = said(fit(train, 1000, trees=50), x)
    paired = point = 0
    for seed in range(retrainings):
        p, q = verdict(goals, y, said(fit(train, seed, trees=50), x), champion)
        paired, point = paired + p, point + q

    source, population = table(3000, seed=0), table(30_000, seed=99)
    px, py = population.drop(columns=[TARGET]), population[TARGET]
    best = fit(source, 0, trees=50, resample=False)
    accuracy = accuracy_score(py, best.predict(px))

    def answers(x, share):
        proba = best.predict_proba(x).copy()
        hashes = pd.util.hash_pandas_object(x, index=False).to_numpy()
        wrong = (hashes % 100_000) < share * 100_000
        proba[wrong] = np.roll(proba[wrong], 1, axis=1)
        from mlgate.comparison import Predictions

        return Predictions(best.classes_[proba.argmax(axis=1)], proba, best.classes_)

    when_wrong = accuracy_score(py, answers(px, 1.0).predicted)
    share = 0.05 / (accuracy - when_wrong)
    gap = accuracy - accuracy_score(py, answers(px, share).predicted)
    caught = 0
    for trial in range(trials):
        sample = table(1000, seed=1000 + trial)
        sx, sy = sample.drop(columns=[TARGET]), sample[TARGET]
        caught += verdict(goals, sy, answers(sx, share), said(best, sx))[0]
    return {
        "retrainings": retrainings,
        "refused_paired": paired / retrainings,
        "refused_point_estimates": point / retrainings,
        "worse_trials": trials,
        "worse_gap": gap,
        "worse_refused": caught / trials,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--retrainings", type=int, default=200)
    parser.add_argument("--trials", type=int, default=50)
    args = parser.parse_args()
    costs = [cost(rows, args.repeats) for rows in args.rows]
    print("paired comparison of 4 metrics against scoring the rows with both models:")
    for c in costs:
        print(
            f"  {c['rows']:>7} rows  scoring {c['scoring_s']:6.2f} s  comparison "
            f"{c['comparison_s']:6.2f} s  {c['ratio']:5.2f}x"
        )
    rates = refusals(args.retrainings, args.trials)
    print(
        f"equally good retrainings refused: {rates['refused_paired']:.1%} paired, "
        f"{rates['refused_point_estimates']:.1%} comparing point estimates "
        f"({rates['retrainings']} retrainings, 300 held-out rows)"
    )
    print(
        f"a candidate {rates['worse_gap']:.3f} worse refused: {rates['worse_refused']:.1%} "
        f"({rates['worse_trials']} samples of 1,000 rows)"
    )
    path = write_result("comparison", {"cost": costs, "refusals": rates})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
