"""The sanity gate on a search result: pure decisions over numbers the search measured.

Scores are scikit-learn scorer values, so greater is always better (errors come negated,
e.g. ``neg_root_mean_squared_error``). Each check returns a :class:`Check`; the gate passes
when all of them pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

_EPS = 1e-12  # scores that equal the margin or tolerance in decimal may miss it in binary


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def beats_baseline(best_score: float, baseline_score: float, margin: float, scoring: str) -> Check:
    """The best candidate's CV score exceeds the dummy model's by at least ``margin``."""
    gain = best_score - baseline_score
    passed = math.isfinite(gain) and gain >= margin - _EPS
    if passed:
        message = (
            f"best CV {scoring} {best_score:.4f} beats the dummy baseline {baseline_score:.4f} "
            f"by {gain:.4f} (margin {margin})"
        )
    else:
        message = (
            f"best CV {scoring} {best_score:.4f} does not beat the dummy baseline "
            f"{baseline_score:.4f} by the margin {margin} (gain {gain:.4f}): the features carry "
            "no usable signal for this target, or the target column is wrong or shuffled"
        )
    return Check(
        "beats_baseline",
        passed,
        message,
        {"best": best_score, "baseline": baseline_score, "gain": gain, "margin": margin},
    )


def holdout_agrees(cv_score: float, holdout_score: float, tolerance: float, scoring: str) -> Check:
    """The winner's held-out score lies within ``tolerance`` of its CV score (either side)."""
    gap = holdout_score - cv_score
    passed = math.isfinite(gap) and abs(gap) <= tolerance + _EPS
    if passed:
        message = (
            f"held-out {scoring} {holdout_score:.4f} agrees with CV {cv_score:.4f} "
            f"(gap {gap:+.4f}, tolerance {tolerance})"
        )
    else:
        message = (
            f"held-out {scoring} {holdout_score:.4f} differs from CV {cv_score:.4f} by "
            f"{gap:+.4f}, beyond the tolerance {tolerance}: the test split does not look like the "
            "training split (drift, leakage or a split too small to trust)"
        )
    return Check(
        "holdout_agrees",
        passed,
        message,
        {"cv": cv_score, "holdout": holdout_score, "gap": gap, "tolerance": tolerance},
    )


def same_winner(
    trials: Sequence[int],
    search_scores: Sequence[float],
    replay_scores: Sequence[float],
    *,
    stopped_by: str = "trials",
    rel_tol: float = 1e-9,
) -> Check:
    """Re-scoring the top candidates with the same seed and splits reproduces the choice.

    ``trials`` are the ranks' trial numbers, best first; ``search_scores`` their CV scores in
    the search and ``replay_scores`` the scores of an independent re-run (fresh estimators,
    one process). The winner is reproducible when every replayed score equals the searched one
    and the winner still ranks first. A search cut short by its time limit is not: a re-run
    may evaluate a different number of candidates.
    """
    details: dict[str, Any] = {
        "trials": list(trials),
        "search_scores": list(search_scores),
        "replay_scores": list(replay_scores),
        "stopped_by": stopped_by,
    }
    if stopped_by != "trials":
        return Check(
            "same_winner",
            False,
            f"the search stopped on its {stopped_by} limit before drawing all its trials, so the "
            "same seed and budget may choose another winner; raise max_seconds or lower n_trials",
            details,
        )
    mismatched = [
        trial
        for trial, a, b in zip(trials, search_scores, replay_scores, strict=True)
        if not math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-12)
    ]
    if mismatched:
        return Check(
            "same_winner",
            False,
            f"re-scoring trial(s) {', '.join(map(str, mismatched))} with the same seed and splits "
            "gave different CV scores: an estimator ignores the seed or depends on the machine",
            details,
        )
    winner = trials[0]
    replay_best = trials[max(range(len(replay_scores)), key=lambda i: (replay_scores[i], -i))]
    if replay_best != winner:
        return Check(
            "same_winner",
            False,
            f"re-scoring chose trial {replay_best} instead of trial {winner}",
            details,
        )
    return Check(
        "same_winner",
        True,
        f"re-scoring the top {len(trials)} candidate(s) reproduced their CV scores and the "
        f"winner (trial {winner})",
        details,
    )


def verdict(checks: Sequence[Check]) -> str:
    return "pass" if all(c.passed for c in checks) else "fail"
