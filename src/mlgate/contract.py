"""What a data contract says about each column: its kind and its role.

A pandera schema types every column; mlgate reads two facts from it:

* the **kind**, from the declared dtype: ``numeric`` (ints, floats), ``categorical`` (strings,
  categories), ``boolean``, ``datetime``, or ``other`` (anything else);
* the **role**, from the column's metadata ``{"role": ...}``: ``feature`` (the default),
  ``target`` (the label, exactly one), ``identifier`` (a key such as a customer id: checked,
  never learned from, never drift-tested) or ``excluded`` (kept in the data, not used)::

      class DatasetSchema(pa.DataFrameModel):
          customer_id: Series[str] = pa.Field(unique=True, metadata={"role": "identifier"})
          age: Series[float] = pa.Field(ge=0, le=120, nullable=True)
          churned: Series[bool] = pa.Field(metadata={"role": "target"})

A schema also classifies every column by its security and privacy needs, with the metadata
``{"classification": ...}``: ``public``, ``internal``, ``confidential`` or ``personal`` (data
about a person: a name, an e-mail, a birth date). A ``Config.metadata`` of the model gives the
default for the columns that name none::

      class DatasetSchema(pa.DataFrameModel):
          email: Series[str] = pa.Field(metadata={"classification": "personal",
                                                  "treatment": "hash"})
          age: Series[float] = pa.Field(metadata={"classification": "personal",
                                                  "treatment": {"bucket": [0, 30, 50, 70, 120]}})

          class Config:
              metadata = {"classification": "internal"}

A personal column (or an identifier) reaches a model only through a **treatment** named in its
metadata and applied before anything is written to data/processed (:mod:`mlgate.treatments`):
``"drop"``, ``"hash"`` (salted, the salt from the environment), ``{"bucket": [edges]}`` or
``{"truncate": n}`` (the first n characters). A personal feature with no treatment never
reaches the model, and the privacy layer of the data gate says so.

The preprocessing of a generated project (:mod:`mlgate.modeling`), the baseline profile and the
validation gate all take their column lists from here, so the schema is the one place where a
column is declared. Without a schema, :func:`from_frame` infers kinds from a table's dtypes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.errors import ConfigError

KINDS = ("numeric", "categorical", "boolean", "datetime", "other")
ROLES = ("feature", "target", "identifier", "excluded")
CLASSIFICATIONS = ("public", "internal", "confidential", "personal")
TREATMENTS = ("drop", "hash", "bucket", "truncate")
NOT_LEARNED = frozenset({"identifier", "excluded"})
"""Roles whose columns never reach a model and are not compared with a baseline."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the contract."""

    name: str
    kind: str
    role: str = "feature"
    nullable: bool = False
    classification: str | None = None
    treatment: Any = None
    """None, "drop", "hash", {"bucket": [edges]} or {"truncate": n}."""

    @property
    def treatment_name(self) -> str | None:
        if self.treatment is None:
            return None
        return self.treatment if isinstance(self.treatment, str) else next(iter(self.treatment))

    @property
    def sensitive(self) -> bool:
        """Personal data, or an identifier: what must not reach a model untreated."""
        return self.classification == "personal" or self.role == "identifier"


@dataclass(frozen=True)
class Contract:
    """The columns of a dataset, in order, with their kinds and roles."""

    columns: tuple[ColumnSpec, ...]

    @property
    def target(self) -> str | None:
        """The target column's name, or None when no column has the role ``target``."""
        for column in self.columns:
            if column.role == "target":
                return column.name
        return None

    def require_target(self, where: str = "schema") -> str:
        """The target column's name; a ConfigError saying how to declare it when there is none."""
        if self.target is None:
            raise ConfigError(
                f"{where}: no column has the role 'target'",
                hint="mark the label column with pa.Field(..., metadata={'role': 'target'})",
            )
        return self.target

    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def features(self, kind: str | None = None) -> list[str]:
        """The columns a model learns from, optionally of one kind: role ``feature``, and for
        personal data only with a treatment other than ``drop``."""
        return [
            column.name
            for column in self.columns
            if column.role == "feature"
            and (kind is None or column.kind == kind)
            and not (
                column.classification == "personal" and column.treatment_name in (None, "drop")
            )
        ]

    def unclassified(self) -> list[str]:
        """Columns with no classification."""
        return [column.name for column in self.columns if column.classification is None]

    def untreated_personal_features(self) -> list[str]:
        """Personal columns with the role feature and no treatment: kept out of the model."""
        return [
            column.name
            for column in self.columns
            if column.role == "feature"
            and column.classification == "personal"
            and column.treatment is None
        ]

    def treated(self) -> list[ColumnSpec]:
        """The columns whose values are changed before data/processed."""
        return [column for column in self.columns if column.treatment is not None]

    def after_treatment(self) -> Contract:
        """The contract of the processed data: dropped columns gone, and hashed, bucketed or
        truncated columns turned into text categories (their treatment kept)."""
        from dataclasses import replace

        return Contract(
            tuple(
                column if column.treatment is None else replace(column, kind="categorical")
                for column in self.columns
                if column.treatment_name != "drop"
            )
        )

    def require_classified(self, where: str = "schema") -> None:
        """A ConfigError naming every column without a classification, and how to give one."""
        missing = self.unclassified()
        if missing:
            shown = ", ".join(missing[:8]) + (
                f", ... ({len(missing)} in all)" if len(missing) > 8 else ""
            )
            raise ConfigError(
                f"{where}: column(s) without a classification: {shown}",
                hint="give each column metadata={'classification': ...} (one of "
                f"{', '.join(CLASSIFICATIONS)}), or a default in the model's "
                "Config.metadata",
            )

    def roles(self) -> dict[str, str]:
        """Column name -> role."""
        return {column.name: column.role for column in self.columns}

    def kinds(self) -> dict[str, str]:
        """Column name -> kind."""
        return {column.name: column.kind for column in self.columns}

    def not_learned(self) -> list[str]:
        """Identifier and excluded columns: dropped before a model, skipped by drift checks."""
        return [column.name for column in self.columns if column.role in NOT_LEARNED]


def kind_of_dtype(dtype: Any) -> str:
    """numeric, categorical, boolean, datetime or other, for a pandas or numpy dtype."""
    import pandas as pd
    from pandas.api import types

    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if types.is_bool_dtype(dtype):
        return "boolean"
    if types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if types.is_numeric_dtype(dtype):
        return "numeric"
    if types.is_string_dtype(dtype) or types.is_object_dtype(dtype):
        return "categorical"
    return "other"


def _classification(name: str, metadata: Mapping[str, Any], default: Any, where: str) -> str | None:
    value = metadata.get("classification", default)
    if value is not None and value not in CLASSIFICATIONS:
        raise ConfigError(
            f"{where}: column '{name}' is classified {value!r}",
            hint=f"use one of: {', '.join(CLASSIFICATIONS)}",
        )
    return value


def _treatment(name: str, metadata: Mapping[str, Any], kind: str, where: str) -> Any:
    """The column's treatment, checked: its name, and its argument's shape."""
    value = metadata.get("treatment")
    if value is None:
        return None
    hint = (
        'use "drop", "hash", {"bucket": [edges, ...]} (numbers into ranges) or '
        '{"truncate": n} (the first n characters of text)'
    )
    if isinstance(value, str) and value in ("drop", "hash"):
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        ((label, argument),) = value.items()
        if (
            label == "bucket"
            and kind == "numeric"
            and isinstance(argument, list | tuple)
            and (
                len(argument) >= 2
                and all(isinstance(x, int | float) for x in argument)
                and list(argument) == sorted(argument)
            )
        ):
            return {"bucket": [float(x) for x in argument]}
        if label == "truncate" and isinstance(argument, int) and argument > 0:
            return {"truncate": argument}
    raise ConfigError(f"{where}: column '{name}' has the treatment {value!r}", hint=hint)


def _role(name: str, metadata: Mapping[str, Any] | None, where: str) -> str:
    role = (metadata or {}).get("role", "feature")
    if role not in ROLES:
        raise ConfigError(
            f"{where}: column '{name}' has role {role!r}",
            hint=f"set metadata={{'role': ...}} to one of: {', '.join(ROLES)}",
        )
    return str(role)


def from_schema(schema: Any, where: str = "schema") -> Contract:
    """The contract a pandera ``DataFrameSchema`` (or ``DataFrameModel`` class) declares.

    Raises ConfigError for an unknown role or more than one target, naming the columns.
    """
    import pandera.pandas as pa

    if isinstance(schema, type) and issubclass(schema, pa.DataFrameModel):
        where = f"{schema.__module__}:{schema.__qualname__}"
        schema = with_model_defaults(schema)
    default = (schema.metadata or {}).get("classification")
    columns = []
    for name, column in schema.columns.items():
        dtype = getattr(column.dtype, "type", None) if column.dtype is not None else None
        kind = kind_of_dtype(dtype) if dtype is not None else "other"
        metadata = column.metadata or {}
        role = _role(str(name), metadata, where)
        classification = _classification(str(name), metadata, default, where)
        treatment = _treatment(str(name), metadata, kind, where)
        columns.append(
            ColumnSpec(str(name), kind, role, bool(column.nullable), classification, treatment)
        )
    return _checked(tuple(columns), where)


def with_model_defaults(model: Any) -> Any:
    """A model's ``DataFrameSchema``, carrying its ``Config.metadata`` (which pandera's
    ``to_schema`` leaves behind) as the schema's metadata: the columns' defaults."""
    schema = model.to_schema()
    defaults = getattr(getattr(model, "Config", None), "metadata", None)
    if defaults and not schema.metadata:
        schema.metadata = dict(defaults)
    return schema


def from_frame(
    df: Any, target: str | None = None, roles: Mapping[str, str] | None = None
) -> Contract:
    """The contract a table implies: kinds from its dtypes, ``target`` and ``roles`` as given."""
    roles = dict(roles or {})
    if target is not None:
        roles[str(target)] = "target"
    columns = tuple(
        ColumnSpec(
            str(name),
            kind_of_dtype(df[name].dtype),
            _role(str(name), {"role": roles.get(str(name), "feature")}, "roles"),
            bool(df[name].isna().any()),
        )
        for name in df.columns
    )
    return _checked(columns, "data")


def _checked(columns: tuple[ColumnSpec, ...], where: str) -> Contract:
    targets = [column.name for column in columns if column.role == "target"]
    if len(targets) > 1:
        raise ConfigError(
            f"{where}: {len(targets)} columns have the role 'target' ({', '.join(targets)})",
            hint="exactly one column is the label; give the others another role",
        )
    return Contract(columns)


def missing_columns(contract: Contract, present: Iterable[Any]) -> list[str]:
    """The contract's columns that ``present`` lacks, in contract order."""
    have = {str(name) for name in present}
    return [name for name in contract.names() if name not in have]
