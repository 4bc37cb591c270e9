"""The corruption corpus: real tables broken in the ways data breaks in pipelines.

Built from scikit-learn's breast cancer and diabetes data, plus a synthetic table with a
categorical column (neither real dataset has one). Each :class:`Corruption` knows which
column and which check must name it in the report, or which input error it must raise.
Shared by the corpus tests so that each kind is declared once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


def breast_cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame


def diabetes() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame


def synthetic_frame(rows: int = 800, seed: int = 7) -> pd.DataFrame:
    """A table with a categorical column whose classes drive the label, as real ones do."""
    rng = np.random.default_rng(seed)
    color = rng.choice(["red", "green", "blue", "yellow"], size=rows, p=[0.4, 0.3, 0.2, 0.1])
    size = rng.gamma(4.0, 2.0, rows)
    weight = 3 * size + rng.normal(0, 2, rows) + 10
    score = rng.normal(50, 10, rows)
    logit = 0.4 * (size - 8) + np.where(color == "red", 1.0, -0.5)
    target = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return pd.DataFrame(
        {"size": size, "weight": weight, "score": score, "color": color, "target": target}
    )


DATASETS: dict[str, Callable[[], pd.DataFrame]] = {
    "breast_cancer": breast_cancer,
    "diabetes": diabetes,
    "synthetic": synthetic_frame,
}


@dataclass(frozen=True)
class Corruption:
    """One way to break a clean table, and what the gate must say about it.

    ``make(clean, folder)`` returns a DataFrame or the path of a file it wrote. ``column`` and
    ``check`` name the failure the report must contain (``other`` columns also count for pair
    checks); ``error`` instead is a fragment of the input error the gate must raise.
    """

    name: str
    dataset: str
    make: Callable[[pd.DataFrame, Path], pd.DataFrame | Path]
    column: str | None = None
    check: str | None = None
    error: str | None = None


def _rows(df: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    return df.sample(n=n, random_state=seed).reset_index(drop=True)


def _nulls(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    out = df.copy()
    out.loc[out.sample(frac=0.1, random_state=1).index, "mean radius"] = np.nan
    return out


def _drop(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    return df.drop(columns=["mean texture"])


def _to_strings(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    out = df.copy()
    out["bmi"] = out["bmi"].map(lambda v: f"{v:.4f}".replace(".", ","))
    return out


def _out_of_range(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    out = df.copy()
    rows = out.sample(frac=0.05, random_state=2).index
    out.loc[rows, "mean area"] = out["mean area"].max() * 10
    return out


def _outliers(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    # just beyond the upper fence, still inside the baseline's range
    out = df.copy()
    q1, q3 = out["score"].quantile([0.25, 0.75])
    rows = out.sample(frac=0.15, random_state=2).index
    out.loc[rows, "score"] = q3 + 1.6 * (q3 - q1)
    return out


def _new_category(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    out = df.copy()
    out.loc[out.sample(frac=0.1, random_state=3).index, "color"] = "purple"
    return out


def _frequency_shift(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    # every yellow row and a few others: yellow goes from 10% to 40% of the rows
    yellow = df[df["color"] == "yellow"]
    others = df[df["color"] != "yellow"].sample(n=len(yellow) * 3 // 2, random_state=4)
    return pd.concat([yellow, others]).sample(frac=1.0, random_state=4).reset_index(drop=True)


def _shift(
    column: str, stds: float, rows: int = 300
) -> Callable[[pd.DataFrame, Path], pd.DataFrame]:
    def make(df: pd.DataFrame, _: Path) -> pd.DataFrame:
        out = _rows(df, rows, seed=5)
        out[column] = out[column] + stds * df[column].std()
        return out

    return make


def _scale_std(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    out = _rows(df, 300, seed=6)
    mean = df["s5"].mean()
    out["s5"] = mean + 2.0 * (out["s5"] - mean)
    return out


def _constant(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    out = df.copy()
    out["score"] = out["score"].median()
    return out


def _unit_change(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    out = df.copy()
    out["weight"] = out["weight"] * 1000
    return out


def _reverse_target(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    # reflect the feature's rank order within the data: same values, opposite relationship
    out = df.copy()
    column = "worst concave points"
    order = out[column].rank(method="first").to_numpy().astype(int) - 1
    ascending = np.sort(out[column].to_numpy())
    out[column] = ascending[::-1][order]
    return out


def _break_pair(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    out = df.copy()
    out["s1"] = out["s1"].sample(frac=1.0, random_state=8).to_numpy()
    return out


def _label_shift(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    # every negative row and few positives: the positive share drops from 63% to 30%
    negatives = df[df["target"] == 0]
    positives = df[df["target"] == 1].sample(n=len(negatives) * 3 // 7, random_state=9)
    return pd.concat([negatives, positives]).sample(frac=1.0, random_state=9).reset_index(drop=True)


def _duplicated(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    return pd.concat([df, df], ignore_index=True)


def _empty_file(df: pd.DataFrame, folder: Path) -> Path:
    path = folder / "empty.csv"
    path.write_bytes(b"")
    return path


def _garbled_header(df: pd.DataFrame, folder: Path) -> Path:
    path = folder / "garbled.csv"
    text = df.to_csv(index=False)
    junk = ",".join(f"#{i}@!~" for i in range(df.shape[1]))
    path.write_text(junk + "\n" + text.split("\n", 1)[1], encoding="utf-8")
    return path


def _not_utf8(df: pd.DataFrame, folder: Path) -> Path:
    path = folder / "latin1.csv"
    out = df.copy()
    out["color"] = out["color"].replace({"yellow": "jaune pâle"})
    path.write_bytes(out.to_csv(index=False).encode("latin-1"))
    return path


def _ragged(df: pd.DataFrame, folder: Path) -> Path:
    path = folder / "ragged.csv"
    lines = df.to_csv(index=False).splitlines()
    lines[10] = lines[10] + ",1,2,3"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _headerless(df: pd.DataFrame, folder: Path) -> Path:
    path = folder / "headerless.csv"
    path.write_text(df.to_csv(index=False, header=False), encoding="utf-8")
    return path


def _other_data(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    return breast_cancer()


def _no_target(df: pd.DataFrame, _: Path) -> pd.DataFrame:
    return df.drop(columns=["target"])


CORPUS: tuple[Corruption, ...] = (
    Corruption("nulls injected (10%)", "breast_cancer", _nulls, "mean radius", "null_rate"),
    Corruption("column dropped", "breast_cancer", _drop, "mean texture", "column_present"),
    Corruption("dtype flipped to strings", "diabetes", _to_strings, "bmi", "dtype"),
    Corruption(
        "values out of range (5%)", "breast_cancer", _out_of_range, "mean area", "outside_range"
    ),
    Corruption("outliers beyond the IQR fences", "synthetic", _outliers, "score", "outside_fences"),
    Corruption("new category", "synthetic", _new_category, "color", "unseen_categories"),
    Corruption(
        "category shares shifted", "synthetic", _frequency_shift, "color", "category_frequencies"
    ),
    Corruption("mean shifted 0.5 std", "diabetes", _shift("bmi", 0.5), "bmi", "mean"),
    Corruption(
        "mean shifted 1 std",
        "breast_cancer",
        _shift("mean smoothness", 1.0),
        "mean smoothness",
        "mean",
    ),
    Corruption("std scaled x2", "diabetes", _scale_std, "s5", "std"),
    Corruption("stuck sensor (constant)", "synthetic", _constant, "score", "std"),
    Corruption("unit change x1000", "synthetic", _unit_change, "weight", "mean"),
    Corruption(
        "feature-target reversed",
        "breast_cancer",
        _reverse_target,
        "worst concave points",
        "target_correlation",
    ),
    Corruption(
        "feature-feature correlation broken", "diabetes", _break_pair, "s1", "feature_correlation"
    ),
    Corruption("label shift", "breast_cancer", _label_shift, "target", "mean"),
    Corruption("duplicated rows", "diabetes", _duplicated, None, "duplicate_rows"),
    Corruption("empty file", "diabetes", _empty_file, error="empty"),
    Corruption("garbled header", "breast_cancer", _garbled_header, error="built on other columns"),
    Corruption("non-UTF-8 file", "synthetic", _not_utf8, error="not valid UTF-8"),
    Corruption("ragged rows", "diabetes", _ragged, error="cannot be parsed as CSV"),
    Corruption("header row lost", "diabetes", _headerless, error="holds numbers"),
    Corruption("profile of other data", "diabetes", _other_data, error="built on other columns"),
    Corruption("target column missing", "synthetic", _no_target, error="no target column"),
)
