"""The project context: every default a command needs, resolved in one place, once.

A command reads: parse the arguments -> ``Context.load()`` -> run the gate -> finish. The
context answers each question the same way for every command:

* **where reports go**: ``[tool.mlgate] reports`` inside a project, else ``./reports``; a gate
  named ``benchmark`` writes ``<reports>/benchmark.json`` and ``<reports>/benchmark.md``;
* **the tracking URI**: the option, else ``MLFLOW_TRACKING_URI``, else the project's
  ``tracking_uri`` (a relative sqlite path made absolute), else the run record's;
* **the candidate**: the option, else the model of the project's run record (``train_run``);
* **the model name, the target, the task, the data files**: the option, else the settings;
* **the registry**: connected once (:func:`mlgate.registry.connect`, fail-fast), shared by
  every lookup the command makes, such as the champion.

Outside a project (no ``[tool.mlgate]`` in a ``pyproject.toml`` above the working folder) the
same rules apply with the working folder as the root; what a setting would have given must then
be passed as an option, and the error says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import ConfigError, InputError

if TYPE_CHECKING:
    from mlgate.registry import Registry
    from mlgate.settings import Settings

REPORTS = "reports"
"""The reports folder outside a project (inside one: ``[tool.mlgate] reports``)."""


@dataclass
class Context:
    """The settings of the project around the working folder (or none), and what follows."""

    settings: Settings | None
    root: Path
    _registries: dict[str, Registry] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, start: Path | None = None) -> Context:
        from mlgate.settings import load_settings

        settings = load_settings(start)
        root = settings.root if settings is not None else (start or Path.cwd()).resolve()
        return cls(settings, root)

    # -- where things are ------------------------------------------------------------------

    @property
    def reports(self) -> Path:
        if self.settings is not None and self.settings.reports is not None:
            return self.settings.reports
        return self.root / REPORTS

    def report_paths(
        self, gate: str, json_path: Path | str | None = None, markdown: Path | str | None = None
    ) -> tuple[Path, Path]:
        """The JSON report and Markdown summary of ``gate``: as given, else under the reports."""
        return (
            Path(json_path) if json_path else self.reports / f"{gate}.json",
            Path(markdown) if markdown else self.reports / f"{gate}.md",
        )

    def setting(self, name: str, given: Any = None, option: str | None = None) -> Any:
        """``given`` if set, else the project's setting ``name``; with ``option``, a missing
        value is a ConfigError naming the option to pass."""
        value = given if given is not None else getattr(self.settings, name, None)
        if value is None and option is not None:
            where = (
                f"[tool.mlgate] {name} is not set"
                if self.settings
                else "there is no project ([tool.mlgate] in pyproject.toml) to take it from"
            )
            raise ConfigError(
                f"no {option} given, and {where}",
                hint=f"pass {option}, or set [tool.mlgate] {name} in pyproject.toml",
            )
        return value

    def shown(self, path: Path | str) -> str:
        """A path as reports and messages show it: relative to the root when inside it."""
        from mlgate.settings import display_path

        return display_path(path, self.root)

    def params_section(self, name: str) -> dict[str, Any]:
        return self.settings.params_section(name) if self.settings is not None else {}

    def config(self, spec: str | None, section: str) -> tuple[dict[str, Any], str | None]:
        """A config mapping: ``spec`` (``FILE[:section]``), else the params file's ``section``.

        Returns the mapping and where it came from (None: nothing, so built-in defaults).
        """
        from mlgate.settings import load_config_section

        if spec:
            return load_config_section(spec), spec
        params = self.settings.params if self.settings is not None else None
        if params is not None and params.is_file():
            return self.settings.params_section(section), f"{self.shown(params)}:{section}"
        return {}, None

    # -- the project's data and labels -----------------------------------------------------

    def target(self, given: str | None = None) -> str | None:
        """The label column: the option, else ``[tool.mlgate] target``, else the schema's."""
        if given:
            return given
        return self.settings.target_column() if self.settings is not None else None

    def model_name(self, given: str | None = None, *, required: bool = False) -> str | None:
        name = given or (self.settings.model_name if self.settings else None)
        name = name or (self.run_record or {}).get("model_name")
        if required and not name:
            raise InputError(
                "no model name: pass --name MODEL", hint="or set [tool.mlgate] model_name"
            )
        return name

    # -- the last training run -------------------------------------------------------------

    @cached_property
    def run_record(self) -> dict[str, Any] | None:
        """The project's run record (``train_run``), or None when there is none yet."""
        from mlgate.registry import load_run_record

        path = self.settings.train_run if self.settings is not None else None
        if path is None or not path.is_file():
            return None
        return load_run_record(path)

    def candidate(self, given: str | None = None) -> str:
        """The model to judge: the option, else the run record's model."""
        from mlgate.registry import candidate_from_record

        if given:
            return given
        if self.run_record is None:
            record = self.settings.train_run if self.settings is not None else None
            where = self.shown(record) if record is not None else None
            raise InputError(
                "no candidate: pass --candidate MODEL_URI"
                + (f" (no run record at {where} yet)" if where else ""),
                hint="inside a project, run the train stage first: it writes the run record",
            )
        return candidate_from_record(self.run_record)

    # -- MLflow ----------------------------------------------------------------------------

    def tracking_uri(self, given: str | None = None) -> str | None:
        """The option, else MLFLOW_TRACKING_URI, else the project's, else the run record's."""
        from mlgate.settings import tracking_uri

        return given or tracking_uri(self.settings) or (self.run_record or {}).get("tracking_uri")

    def registry(self, given_uri: str | None = None) -> Registry:
        """The registry at :meth:`tracking_uri`, connected once per URI for this command."""
        from mlgate.registry import connect, default_tracking_uri

        uri = self.tracking_uri(given_uri) or default_tracking_uri()
        if uri not in self._registries:
            self._registries[uri] = connect(uri)
        return self._registries[uri]

    def champion_uri(self, registry: Registry, given: str | None = None) -> str | None:
        """The model to compare with: the option (``none``: no champion), else
        ``models:/<model_name>@champion`` when that alias exists, else None (bootstrap)."""
        from mlgate.registry import CHAMPION, alias_version

        if given:
            return None if given == "none" else given
        name = self.model_name()
        if name and alias_version(registry, name, CHAMPION) is not None:
            return f"models:/{name}@{CHAMPION}"
        return None
