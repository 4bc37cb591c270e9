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
NOT_LEARNED = frozenset({"identifier", "excluded"})
"""Roles whose columns never reach a model and are not compared with a baseline."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the contract."""

    name: str
    kind: str
    role: str = "feature"
    nullable: bool = False


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
        """The columns a model learns from (role ``feature``), optionally of one kind."""
        return [
            column.name
            for column in self.columns
            if column.role == "feature" and (kind is None or column.kind == kind)
        ]

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
        schema = schema.to_schema()
    columns = []
    for name, column in schema.columns.items():
        dtype = getattr(column.dtype, "type", None) if column.dtype is not None else None
        kind = kind_of_dtype(dtype) if dtype is not None else "other"
        role = _role(str(name), column.metadata, where)
        columns.append(ColumnSpec(str(name), kind, role, bool(column.nullable)))
    return _checked(tuple(columns), where)


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
