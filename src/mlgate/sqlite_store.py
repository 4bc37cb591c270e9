"""A new local MLflow sqlite store, made in a fraction of the time MLflow takes.

MLflow creates a missing sqlite store by creating its tables and then running each of its
schema migrations (about seventy) against it, every statement committed and synced to disk on
its own: some 5 s on a laptop or a CI runner. A fresh project pays it in its first train stage,
and CI pays it on every push that tracks to a local store.

:func:`prepare` builds the same store, with MLflow's own table creation and migrations, in a
temporary file with SQLite's disk syncs off, syncs the file once, and links it into place. An
interrupted build leaves no store behind, a store that exists is never touched (not even when
another process creates it meanwhile), and when anything is off (another MLflow, a folder that
cannot be written) nothing is done and MLflow creates the store itself as before.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_PREFIX = "sqlite:///"


def local_path(uri: str | None) -> Path | None:
    """The file of a ``sqlite:///`` URI (relative to the working folder), or None."""
    if not uri or not uri.startswith(_PREFIX):
        return None
    name = uri[len(_PREFIX) :].split("?", 1)[0]
    if not name or name == ":memory:":
        return None
    return Path(name)


def prepare(uri: str | None) -> bool:
    """Create the store of ``uri`` when it is a local sqlite file that does not exist yet.

    Returns whether this call created it.
    """
    path = local_path(uri)
    if path is None or path.exists() or not path.parent.is_dir():
        return False
    try:
        import sqlalchemy
        from mlflow.store.db.utils import _initialize_tables
    except ImportError:
        return False
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        engine = sqlalchemy.create_engine(f"{_PREFIX}{temporary.resolve()}")

        @sqlalchemy.event.listens_for(engine, "connect")
        def _no_syncs(connection, record) -> None:
            del record
            cursor = connection.cursor()
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
            cursor.close()

        try:
            _initialize_tables(engine)
        finally:
            engine.dispose()
        _sync(temporary)
        os.link(temporary, path)  # never replaces a store that appeared meanwhile
        _sync(path.parent)
        return True
    except Exception:  # MLflow then creates the store the usual way
        return False
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _sync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
