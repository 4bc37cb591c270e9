"""Finding the pandera schema a dataset must meet: ``package.module:Model`` or a YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.errors import InputError

YAML_SUFFIXES = (".yaml", ".yml")


def load_schema(spec: Any, root: Path | None = None) -> tuple[str, Any]:
    """A display name and a pandera ``DataFrameSchema`` from a spec, a model class or a schema.

    ``spec`` may be ``"package.module:Model"`` (a ``DataFrameModel`` subclass or a
    ``DataFrameSchema`` object in an importable module), a path to a pandera YAML schema, a
    ``DataFrameModel`` subclass, or a ``DataFrameSchema``. For a module spec, ``root`` and
    ``root/src`` (default: the working directory) are put on ``sys.path`` so that a project's
    own package imports without being installed.
    """
    import pandera.pandas as pa

    if isinstance(spec, pa.DataFrameSchema):
        return (spec.name or "schema"), spec
    if isinstance(spec, type) and issubclass(spec, pa.DataFrameModel):
        from mlgate.contract import with_model_defaults

        return f"{spec.__module__}:{spec.__qualname__}", with_model_defaults(spec)
    if isinstance(spec, Path) or (isinstance(spec, str) and spec.lower().endswith(YAML_SUFFIXES)):
        return str(spec), _from_yaml(Path(spec), pa)
    if isinstance(spec, str):
        return spec, _from_module(spec, root, pa)
    raise InputError(
        f"cannot use a schema of type {type(spec).__name__}",
        hint="pass 'module:Model', a YAML file, a DataFrameModel class or a DataFrameSchema",
    )


def _from_yaml(path: Path, pa: Any) -> Any:
    if not path.is_file():
        raise InputError(f"{path}: no such schema file", hint="check the --schema path")
    try:
        return pa.DataFrameSchema.from_yaml(path)
    except Exception as error:  # pandera and yaml raise many error types for a bad file
        raise InputError(
            f"{path}: is not a pandera YAML schema ({type(error).__name__}: {error})",
            hint="write it with DataFrameSchema.to_yaml() or fix the reported key",
        ) from error


def _from_module(spec: str, root: Path | None, pa: Any) -> Any:
    from mlgate.project_objects import import_object

    if ":" not in spec:
        raise InputError(
            f"schema '{spec}': expected 'package.module:Model' or a .yaml file",
            hint="e.g. --schema my_project.schema:DatasetSchema",
        )
    value = import_object(
        spec, root, what="schema", example="--schema my_project.schema:DatasetSchema"
    )
    if isinstance(value, type) and issubclass(value, pa.DataFrameModel):
        from mlgate.contract import with_model_defaults

        try:
            return with_model_defaults(value)
        except Exception as error:  # a model with bad fields fails here
            raise InputError(f"schema '{spec}': is not a valid DataFrameModel ({error})") from error
    if isinstance(value, pa.DataFrameSchema):
        return value
    raise InputError(
        f"schema '{spec}': is a {type(value).__name__}, "
        "not a pandera DataFrameModel or DataFrameSchema"
    )
