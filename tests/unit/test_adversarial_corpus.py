"""Bad inputs for every command: each gets a clear exit 2 naming the culprit, or a sensible
verdict, never a traceback, and no input file is changed.

Every case runs the real command line (``mlgate.cli.main``) in a folder of files made for it.
A case is (command line, the exit code it must give, text the message must name). The figures
printed at the end are the corpus's summary: tried, clear errors, sensible verdicts, and
unexpected errors (the CLI's last-resort handler, which means an input nothing checks yet:
must be 0).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlgate.cli import main
from tests.support.training import TARGET, Split, train_and_log

SCHEMAS = Path(__file__).resolve().parent / "validation" / "validation_schemas.py"
BAD_SCHEMA = """\
import pandera.pandas as pa
from pandera.typing import Series


class TwoTargets(pa.DataFrameModel):
    a: Series[float] = pa.Field(metadata={"role": "target"})
    b: Series[float] = pa.Field(metadata={"role": "target"})


class UnknownRole(pa.DataFrameModel):
    a: Series[float] = pa.Field(metadata={"role": "label"})


raise_on_import = None
"""


@dataclass(frozen=True)
class Case:
    command: str
    name: str
    args: list[str]
    exit: int
    names: tuple[str, ...]  # what the message (stderr, or stdout for a verdict) must contain
    prepare: Callable[[Path], None] | None = None


def _write(path: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / path).write_text(text, encoding="utf-8")


def _write_bytes(path: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / path).write_bytes(data)


def _frame(root: Path) -> pd.DataFrame:
    return pd.read_csv(root / "data.csv")


def _derive(path: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        frame = change(_frame(root))
        if path.endswith(".parquet"):
            frame.to_parquet(root / path, index=False)
        else:
            frame.to_csv(root / path, index=False)

    return prepare


def _profile_edit(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def prepare(root: Path) -> None:
        profile = json.loads((root / "profile.json").read_text())
        change(profile)
        (root / "edited.json").write_text(json.dumps(profile))

    return prepare


def _inf(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[3, "mean radius"] = np.inf
    df.loc[9, "mean area"] = -np.inf
    return df


def _nested(df: pd.DataFrame) -> pd.DataFrame:
    df = df.head(200).copy()
    df["meta"] = [{"source": "lab", "n": i} for i in range(len(df))]
    df["tags"] = [[i, i + 1] for i in range(len(df))]
    return df


def _words_in(column: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Every tenth value of a numeric column replaced by a word, as a broken export writes."""

    def change(df: pd.DataFrame) -> pd.DataFrame:
        df[column] = df[column].astype(str).where(df.index % 10 > 0, "unknown")
        return df

    return change


def _scaled(column: str, factor: float) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(df: pd.DataFrame) -> pd.DataFrame:
        df[column] = df[column] * factor
        return df

    return change


def _set(column: str, value) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(df: pd.DataFrame) -> pd.DataFrame:
        df[column] = value
        return df

    return change


PROFILE = [
    Case("profile", "missing file", ["profile", "absent.csv"], 2, ("absent.csv", "no such file")),
    Case("profile", "empty file", ["profile", "empty.csv"], 2, ("empty.csv", "empty"),
         _write("empty.csv", "")),
    Case("profile", "a folder as data", ["profile", "folder.csv"], 2, ("folder.csv", "not a file"),
         lambda r: (r / "folder.csv").mkdir()),
    Case("profile", "an Excel file", ["profile", "data.xlsx"], 2, ("data.xlsx", "unsupported"),
         _write_bytes("data.xlsx", b"PK\x03\x04")),
    Case("profile", "latin-1 text", ["profile", "latin.csv"], 2, ("latin.csv", "UTF-8"),
         _write_bytes("latin.csv", "name,city\nJos\xe9,M\xfcnchen\n".encode("latin-1"))),
    Case("profile", "UTF-16 file", ["profile", "utf16.csv"], 2, ("utf16.csv", "NUL"),
         _write_bytes("utf16.csv", "a,b\n1,2\n".encode("utf-16"))),
    Case("profile", "header only", ["profile", "header.csv"], 2, ("header.csv", "no rows"),
         _write("header.csv", "a,b,c\n")),
    Case("profile", "ragged rows", ["profile", "ragged.csv"], 2, ("ragged.csv", "parsed"),
         _write("ragged.csv", "a,b\n1,2\n3,4,5,6\n")),
    Case("profile", "header lost", ["profile", "numbers.csv"], 2, ("numbers.csv", "numbers"),
         _write("numbers.csv", "1.5,2.5\n3.5,4.5\n")),
    Case("profile", "repeated column names", ["profile", "dupes.csv"], 2, ("dupes.csv", "repeats"),
         _write("dupes.csv", "a,a,b\n1,2,3\n")),
    Case("profile", "semicolons", ["profile", "semi.csv"], 2, ("semi.csv", "semicolons"),
         _write("semi.csv", "a;b;c\n1;2;3\n4;5;6\n")),
    Case("profile", "tabs", ["profile", "tabs.csv"], 2, ("tabs.csv", "tabs"),
         _write("tabs.csv", "a\tb\tc\n1\t2\t3\n")),
    Case("profile", "target absent", ["profile", "data.csv", "--target", "price"], 2,
         ("price", "no target column")),
    Case("profile", "target all missing", ["profile", "nan_target.csv", "--target", TARGET], 2,
         ("nan_target.csv", "missing in every"), _derive("nan_target.csv", _set(TARGET, np.nan))),
    Case("profile", "output is a folder", ["profile", "data.csv", "--target", TARGET, "-o", "out"],
         2, ("out", "folder"), lambda r: (r / "out").mkdir()),
    Case("profile", "output is the data", ["profile", "data.csv", "-o", "data.csv"], 2,
         ("data.csv", "overwrite")),
    Case("profile", "truncated Parquet", ["profile", "cut.parquet"], 2, ("cut.parquet", "Parquet"),
         lambda r: (r / "cut.parquet").write_bytes((r / "data.parquet").read_bytes()[:300])),
    Case("profile", "+-inf values", ["profile", "inf.csv", "--target", TARGET, "-o", "p_inf.json"],
         0, ("profile: wrote",), _derive("inf.csv", _inf)),
    Case("profile", "nested Parquet columns",
         ["profile", "nested.parquet", "--target", TARGET, "-o", "p_nested.json"], 0,
         ("profile: wrote",), _derive("nested.parquet", _nested)),
    Case("profile", "schema with two targets",
         ["profile", "data.csv", "--schema", "bad:TwoTargets"], 2,
         ("2 columns have the role 'target'",), _write("bad.py", BAD_SCHEMA)),
    Case("profile", "schema with an unknown role",
         ["profile", "data.csv", "--schema", "bad:UnknownRole"], 2, ("'a' has role 'label'",),
         _write("bad.py", BAD_SCHEMA)),
    Case("profile", "schema module missing", ["profile", "data.csv", "--schema", "nope:Model"], 2,
         ("nope", "failed to import")),
]  # fmt: skip

VALIDATE = [
    Case("validate", "nothing to validate against", ["validate", "data.csv"], 2,
         ("nothing to validate against",)),
    Case("validate", "baseline missing", ["validate", "data.csv", "--baseline", "none.json"], 2,
         ("none.json", "no such profile")),
    Case("validate", "baseline not JSON", ["validate", "data.csv", "--baseline", "data.csv"], 2,
         ("data.csv", "JSON")),
    Case("validate", "baseline a JSON list", ["validate", "data.csv", "--baseline", "list.json"], 2,
         ("list.json", "JSON object"), _write("list.json", "[1, 2]")),
    Case("validate", "baseline of another format", ["validate", "data.csv", "--baseline",
         "edited.json"], 2, ("format_version 7",),
         _profile_edit(lambda p: p.update(format_version=7))),
    Case("validate", "a statistic edited to text", ["validate", "data.csv", "--baseline",
         "edited.json"], 2, ("'mean radius'", "'mean' must be a number"),
         _profile_edit(lambda p: p["columns"]["mean radius"].update(mean="big"))),
    Case("validate", "a statistic deleted", ["validate", "data.csv", "--baseline", "edited.json"],
         2, ("'mean area'", "'std'"),
         _profile_edit(lambda p: p["columns"]["mean area"].pop("std"))),
    Case("validate", "bins deleted", ["validate", "data.csv", "--baseline", "edited.json"], 2,
         ("'bins'",), _profile_edit(lambda p: p["columns"]["mean area"].pop("bins"))),
    Case("validate", "an unknown kind", ["validate", "data.csv", "--baseline", "edited.json"], 2,
         ("'kind'",), _profile_edit(lambda p: p["columns"]["mean area"].update(kind="text"))),
    Case("validate", "rows edited away", ["validate", "data.csv", "--baseline", "edited.json"], 2,
         ("'rows'",), _profile_edit(lambda p: p.update(rows="many"))),
    Case("validate", "columns emptied", ["validate", "data.csv", "--baseline", "edited.json"], 2,
         ("'columns'",), _profile_edit(lambda p: p.update(columns={}))),
    Case("validate", "baseline of other data", ["validate", "other.csv", "--baseline",
         "profile.json"], 2, ("other.csv", "built on other columns"),
         _write("other.csv", "x,y,z\n1,2,3\n4,5,6\n7,8,9\n1,2,3\n4,5,6\n")),
    Case("validate", "data without the target", ["validate", "nolabel.csv", "--baseline",
         "profile.json"], 2, ("nolabel.csv", "no target column"),
         _derive("nolabel.csv", lambda d: d.drop(columns=[TARGET]))),
    Case("validate", "one row", ["validate", "one.csv", "--baseline", "profile.json"], 2,
         ("one.csv", "too few"), _derive("one.csv", lambda d: d.head(1))),
    Case("validate", "target all missing", ["validate", "nan_target.csv", "--baseline",
         "profile.json"], 2, ("nan_target.csv", "missing in every row"),
         _derive("nan_target.csv", _set(TARGET, np.nan))),
    Case("validate", "tolerance for no column", ["validate", "data.csv", "--baseline",
         "profile.json", "--config", "tol.yaml:validation"], 2, ("columns.mean_radius",),
         _write("tol.yaml", "validation:\n  columns:\n    mean_radius: {mean_shift: 1}\n")),
    Case("validate", "unknown tolerance", ["validate", "data.csv", "--baseline", "profile.json",
         "--config", "tol.yaml:validation"], 2, ("unknown tolerance 'mean_shfit'",),
         _write("tol.yaml", "validation:\n  mean_shfit: 0.3\n")),
    Case("validate", "negative tolerance", ["validate", "data.csv", "--baseline", "profile.json",
         "--config", "tol.yaml:validation"], 2, ("psi", "at least 0"),
         _write("tol.yaml", "validation:\n  psi: -1\n")),
    Case("validate", "alpha of one", ["validate", "data.csv", "--baseline", "profile.json",
         "--config", "tol.yaml:validation"], 2, ("alpha", "between 0 and 1"),
         _write("tol.yaml", "validation:\n  alpha: 1\n")),
    Case("validate", "tolerance as text", ["validate", "data.csv", "--baseline", "profile.json",
         "--config", "tol.yaml:validation"], 2, ("null_rate", "number"),
         _write("tol.yaml", "validation:\n  null_rate: lots\n")),
    Case("validate", "config section missing", ["validate", "data.csv", "--baseline",
         "profile.json", "--config", "tol.yaml:nothing"], 2, ("nothing",),
         _write("tol.yaml", "validation: {}\n")),
    Case("validate", "config not YAML", ["validate", "data.csv", "--baseline", "profile.json",
         "--config", "tol.yaml"], 2, ("tol.yaml", "not valid"), _write("tol.yaml", "a: [1,\n")),
    Case("validate", "report is a folder", ["validate", "data.csv", "--baseline", "profile.json",
         "--report", "out"], 2, ("out", "folder"), lambda r: (r / "out").mkdir()),
    Case("validate", "report over the data", ["validate", "data.csv", "--baseline",
         "profile.json", "--report", "data.csv"], 2, ("data.csv", "overwrite")),
    Case("validate", "summary over the data", ["validate", "data.csv", "--baseline",
         "profile.json", "--summary", "./data.csv"], 2, ("data.csv", "overwrite")),
    Case("validate", "champion asked, none there", ["validate", "data.csv", "--baseline",
         "champion"], 2, ("no champion baseline",)),
    Case("validate", "reference asked, none there", ["validate", "data.csv", "--baseline",
         "reference"], 2, ("no reference profile",)),
    Case("validate", "schema YAML broken", ["validate", "data.csv", "--schema", "s.yaml"], 2,
         ("s.yaml", "pandera YAML"), _write("s.yaml", "columns: [1, 2\n")),
    Case("validate", "schema attribute missing", ["validate", "data.csv", "--schema",
         "validation_schemas:Nope"], 2, ("Nope",)),
    Case("validate", "schema spec without colon", ["validate", "data.csv", "--schema",
         "validation_schemas"], 2, ("package.module:Model",)),
    Case("validate", "+-inf values", ["validate", "inf.csv", "--baseline", "profile.json"], 1,
         ("infinite_values", "mean radius"), _derive("inf.csv", _inf)),
    Case("validate", "nested columns the baseline never had", ["validate", "nested.parquet",
         "--baseline", "profile.json"], 0, ("checks passed",), _derive("nested.parquet", _nested)),
    Case("validate", "numbers turned to text", ["validate", "text.csv", "--baseline",
         "profile.json"], 1, ("mean area", "dtype"), _derive("text.csv", _words_in("mean area"))),
    Case("validate", "a unit change", ["validate", "grams.csv", "--baseline", "profile.json"], 1,
         ("mean area",), _derive("grams.csv", _scaled("mean area", 1000))),
    Case("validate", "a column dropped", ["validate", "dropped.csv", "--baseline",
         "profile.json"], 1, ("mean texture", "column_present"),
         _derive("dropped.csv", lambda d: d.drop(columns=["mean texture"]))),
]  # fmt: skip

REGISTRY = [
    Case("benchmark", "no candidate outside a project", ["benchmark", "--data", "test.parquet"],
         2, ("no candidate", "--candidate")),
    Case("benchmark", "no held-out data", ["benchmark", "--candidate", "@strong"], 2,
         ("--data",)),
    Case("benchmark", "a run that does not exist", ["benchmark", "--candidate",
         "0123456789abcdef0123456789abcdef", "--data", "test.parquet"], 2,
         ("0123456789abcdef0123456789abcdef", "not found")),
    Case("benchmark", "a registered model without version", ["benchmark", "--candidate",
         "models:/bc", "--data", "test.parquet"], 2, ("models:/bc", "version or an alias")),
    Case("benchmark", "data missing", ["benchmark", "--candidate", "@strong", "--data",
         "absent.parquet"], 2, ("absent.parquet", "no such file")),
    Case("benchmark", "data without the target", ["benchmark", "--candidate", "@strong",
         "--data", "nolabel.csv"], 2, ("nolabel.csv", "target"),
         _derive("nolabel.csv", lambda d: d.drop(columns=[TARGET]))),
    Case("benchmark", "a goal on an unknown metric", ["benchmark", "--candidate", "@strong",
         "--data", "test.parquet", "--goals", "g.yaml:goals"], 2, ("goals.min.rmse",),
         _write("g.yaml", "goals:\n  min: {rmse: 1}\n")),
    Case("benchmark", "a goal that is text", ["benchmark", "--candidate", "@strong", "--data",
         "test.parquet", "--goals", "g.yaml:goals"], 2, ("goals.min.accuracy",),
         _write("g.yaml", "goals:\n  min: {accuracy: high}\n")),
    Case("benchmark", "goals section missing", ["benchmark", "--candidate", "@strong", "--data",
         "test.parquet", "--goals", "g.yaml:goals"], 2, ("goals",), _write("g.yaml", "other: 1\n")),
    Case("benchmark", "latency runs of zero", ["benchmark", "--candidate", "@strong", "--data",
         "test.parquet", "--latency-runs", "0"], 2, ("--latency-runs",)),
    Case("benchmark", "tracking server unreachable", ["benchmark", "--candidate", "@strong",
         "--data", "test.parquet", "--tracking-uri", "http://127.0.0.1:9"], 2,
         ("127.0.0.1:9",)),
    Case("benchmark", "a file store", ["benchmark", "--candidate", "@strong", "--data",
         "test.parquet", "--tracking-uri", "file:///tmp/mlruns"], 2, ("file store",)),
    Case("benchmark", "a damaged sqlite store", ["benchmark", "--candidate", "@strong", "--data",
         "test.parquet", "--tracking-uri", "sqlite:///broken.db"], 2,
         ("broken.db", "not an SQLite database"), _write("broken.db", "not a database")),
    Case("benchmark", "report over the data", ["benchmark", "--candidate", "@strong", "--data",
         "test.parquet", "--report", "test.parquet"], 2, ("test.parquet", "overwrite")),
    Case("benchmark", "a worse model", ["benchmark", "--candidate", "@constant", "--data",
         "test.parquet", "--goals", "g.yaml:goals", "--latency-runs", "5"], 1,
         ("roc_auc",), _write("g.yaml", "goals:\n  min: {roc_auc: 0.8}\n")),
    Case("promote", "no model name", ["promote", "--candidate", "@strong"], 2, ("--name",)),
    Case("promote", "no candidate", ["promote", "--name", "bc"], 2, ("--candidate",)),
    Case("promote", "report missing", ["promote", "--name", "bc", "--candidate", "@strong",
         "--report", "none.json"], 2, ("none.json", "benchmark report")),
    Case("promote", "report not JSON", ["promote", "--name", "bc", "--candidate", "@strong",
         "--report", "data.csv"], 2, ("data.csv", "JSON")),
    Case("promote", "another gate's report", ["promote", "--name", "bc", "--candidate",
         "@strong", "--report", "v.json"], 2, ("v.json", "not a benchmark report"),
         _write("v.json", json.dumps({"gate": "validate", "verdict": "pass"}))),
    Case("promote", "a report without verdict", ["promote", "--name", "bc", "--candidate",
         "@strong", "--report", "b.json"], 2, ("b.json", "no verdict"),
         _write("b.json", json.dumps({"gate": "benchmark"}))),
    Case("promote", "a report of another candidate", ["promote", "--name", "bc", "--candidate",
         "@strong", "--report", "b.json"], 2, ("not the candidate",),
         _write("b.json", json.dumps({"gate": "benchmark", "verdict": "pass",
                                      "candidate": {"uri": "runs:/x/model", "run_id": "x"}}))),
    Case("promote", "tracking server unreachable", ["promote", "--name", "bc", "--candidate",
         "@strong", "--report", "b.json", "--tracking-uri", "http://127.0.0.1:9"], 2,
         ("127.0.0.1:9",), _write("b.json", "{}")),
    Case("rollback", "nothing to roll back to", ["rollback", "--name", "bc"], 2,
         ("nothing to roll back to",)),
    Case("rollback", "no model name", ["rollback"], 2, ("--name",)),
    Case("rollback", "a model never registered", ["rollback", "--name", "ghost"], 2,
         ("ghost",)),
    Case("lineage", "a model never registered", ["lineage", "models:/ghost@champion"], 2,
         ("ghost", "not found")),
    Case("lineage", "nothing named", ["lineage"], 2, ("--name",)),
    Case("lineage", "a malformed URI", ["lineage", "models:/bc"], 2, ("version or an alias",)),
    Case("lineage", "tracking server unreachable", ["lineage", "models:/bc@champion",
         "--tracking-uri", "http://127.0.0.1:9"], 2, ("127.0.0.1:9",)),
]  # fmt: skip

TUNE_CONFIG = "tune:\n  seed: 1\n  n_trials: 2\n  cv_folds: 2\n  algorithms:\n{algorithms}"
TUNE_BASE = ["tune", "--data", "data.csv", "--test", "data.csv", "--target", TARGET, "--task",
             "classification", "--no-tracking", "--config", "t.yaml:tune"]  # fmt: skip


def _tune_config(algorithms: str) -> Callable[[Path], None]:
    return _write("t.yaml", TUNE_CONFIG.format(algorithms=algorithms))


TUNE = [
    Case("tune", "no training data outside a project", ["tune"], 2, ("--data",)),
    Case("tune", "training data missing", ["tune", "--data", "absent.csv", "--test", "data.csv",
         "--target", TARGET, "--task", "classification", "--config", "t.yaml:tune"], 2,
         ("absent.csv",), _tune_config("    random_forest: {n_estimators: [5]}\n")),
    Case("tune", "an unknown algorithm", TUNE_BASE, 2, ("gradient_descent_forest",),
         _tune_config("    gradient_descent_forest: {depth: [1]}\n")),
    Case("tune", "an unknown parameter", TUNE_BASE, 2, ("n_trees",),
         _tune_config("    random_forest: {n_trees: [5]}\n")),
    Case("tune", "a range upside down", TUNE_BASE, 2, ("n_estimators",),
         _tune_config("    random_forest: {n_estimators: {int: [50, 5]}}\n")),
    Case("tune", "a value the estimator refuses", TUNE_BASE, 2, ("max_depth",),
         _tune_config("    random_forest: {max_depth: [-3]}\n")),
    Case("tune", "no algorithms", TUNE_BASE, 2, ("algorithms",),
         _write("t.yaml", "tune:\n  n_trials: 2\n")),
    Case("tune", "zero trials", TUNE_BASE, 2, ("n_trials",),
         _write("t.yaml", "tune:\n  n_trials: 0\n  algorithms:\n    random_forest: {}\n")),
    Case("tune", "target absent", [*TUNE_BASE[:6], "price", *TUNE_BASE[7:]], 2,
         ("price",), _tune_config("    random_forest: {n_estimators: [5]}\n")),
    Case("tune", "target with missing labels", ["tune", "--data", "holes.csv", "--test",
         "data.csv", "--target", TARGET, "--task", "classification", "--no-tracking", "--config",
         "t.yaml:tune"], 2, ("holes.csv", TARGET), lambda r: (
             _tune_config("    random_forest: {n_estimators: [5]}\n")(r),
             _derive("holes.csv", lambda d: d.assign(target=d[TARGET].where(d.index % 5 > 0)))(r),
         )),
    Case("tune", "a task that does not exist", [*TUNE_BASE[:8], "clustering", *TUNE_BASE[9:]],
         2, ("clustering",)),
    Case("tune", "best-params over the data", [*TUNE_BASE, "--out", "data.csv"], 2,
         ("data.csv",), _tune_config("    random_forest: {n_estimators: [5]}\n")),
]  # fmt: skip

CASES = [*PROFILE, *VALIDATE, *REGISTRY, *TUNE]
FIGURES: dict[str, int] = {"tried": 0, "clear error": 0, "sensible verdict": 0, "unexpected": 0}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, breast_cancer_split: Split) -> Path:
    """The files every case starts from: data, its profile, a schema module, a registry with
    a strong and a constant model (``@strong``/``@constant`` in a case's arguments)."""
    root = tmp_path_factory.mktemp("corpus")
    frame = pd.concat([breast_cancer_split.train, breast_cancer_split.test], ignore_index=True)
    frame.to_csv(root / "data.csv", index=False)
    frame.to_parquet(root / "data.parquet", index=False)
    breast_cancer_split.test.to_parquet(root / "test.parquet", index=False)
    shutil.copy(SCHEMAS, root / "validation_schemas.py")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    split = Split(root, root / "data.parquet", root / "test.parquet",
                  breast_cancer_split.train, breast_cancer_split.test)  # fmt: skip
    models = {
        kind: train_and_log(uri, split, kind, root)["model_uri"] for kind in ("strong", "constant")
    }
    (root / "models.json").write_text(json.dumps(models))
    assert main(["profile", str(root / "data.csv"), "--target", TARGET,
                 "-o", str(root / "profile.json")]) == 0  # fmt: skip
    return root


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and "reports" not in p.parts and "mlflow.db" not in p.name
        and "__pycache__" not in p.parts
    }  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.command}: {c.name}")
def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    case: Case,
    workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a copy of the workspace, the case's own files, and no project around it
    root = tmp_path / "case"
    shutil.copytree(workspace, root)
    monkeypatch.chdir(root)
    monkeypatch.setattr("sys.path", [str(root), *__import__("sys").path])
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "3")
    if case.prepare is not None:
        case.prepare(root)
    models = json.loads((root / "models.json").read_text())
    args = [models[a[1:]] if a.startswith("@") else a for a in case.args]
    before = _digests(root)

    # when the command runs
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse refuses bad options itself, with exit 2
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()

    # then it gives the expected exit code, names the culprit, and touched no input
    FIGURES["tried"] += 1
    unexpected = "unexpected" in err and "bug in mlgate" in err
    FIGURES["unexpected"] += unexpected
    assert not unexpected, err
    assert code == case.exit, f"exit {code}\n--- out\n{out}\n--- err\n{err}"
    text = err if code == 2 else out + _report_text(root)
    for name in case.names:
        assert name in text, f"{name!r} not named\n--- out\n{out}\n--- err\n{err}"
    if code == 2:
        assert "error:" in err
        FIGURES["clear error"] += 1
    else:
        FIGURES["sensible verdict"] += 1
    after = _digests(root)
    changed = [name for name, digest in before.items() if after.get(name) != digest]
    assert not changed, f"inputs changed: {changed}"


def _report_text(root: Path) -> str:
    return (
        "".join(p.read_text() for p in (root / "reports").glob("*.md"))
        if (root / "reports").is_dir()
        else ""
    )


def test_the_corpus_is_large_and_its_figures_are_printed() -> None:
    assert len(CASES) >= 90
    if FIGURES["tried"]:
        print("\nadversarial corpus: " + ", ".join(f"{k} {v}" for k, v in FIGURES.items()))
        assert FIGURES["unexpected"] == 0
