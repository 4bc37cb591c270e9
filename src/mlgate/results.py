"""One shape for every gate's answer: verdict, JSON document, Markdown summary, one line.

``validate``, ``benchmark``, ``promote``, ``rollback`` and ``tune`` each return a
:class:`GateResult`; the command line writes, prints and exits the same way for all of them
(:func:`mlgate.cli.finish`), and ``mlgate report`` publishes any of them without knowing which.
The JSON document always starts with::

    {"gate": "benchmark", "verdict": "pass" | "fail", "mlgate_version": "0.1.0",
     "summary": "one line", "outputs": {"run-id": "...", ...}, ...the gate's own fields}

``outputs`` holds what a CI step outputs for the gate (strings), so a workflow can use a
result without parsing the gate's own fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXIT_CODES = {"pass": 0, "fail": 1}


@dataclass
class GateResult:
    """What a gate decided, in every form its readers need."""

    gate: str
    passed: bool
    summary: str
    document: dict[str, Any] = field(default_factory=dict)
    markdown: str = ""
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]

    def line(self) -> str:
        """The verdict and the summary on one line, for a terminal or a log."""
        return f"{self.gate}: {self.verdict}: {self.summary}"

    def to_dict(self) -> dict[str, Any]:
        from mlgate import __version__

        head = {
            "gate": self.gate,
            "verdict": self.verdict,
            "mlgate_version": __version__,
            "summary": self.summary,
            "outputs": {k: str(v) for k, v in self.outputs.items() if v is not None},
        }
        return {**head, **{k: v for k, v in self.document.items() if k not in head}}

    def write(self, json_path: Path | str | None, markdown_path: Path | str | None) -> None:
        """Write the JSON document and the Markdown summary, each atomically."""
        from mlgate.reporting import atomic_write_text, write_json

        if json_path is not None:
            write_json(json_path, self.to_dict())
        if markdown_path is not None:
            atomic_write_text(markdown_path, self.markdown.rstrip("\n") + "\n")
