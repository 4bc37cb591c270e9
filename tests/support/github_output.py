"""Read a ``$GITHUB_OUTPUT`` file as the Actions runner does.

Tests of the commands that write step outputs read them back with this, so a value of several
lines (``name<<DELIMITER`` ... ``DELIMITER``) is checked the way a workflow would receive it.
"""

from __future__ import annotations

from pathlib import Path


def read_outputs(path: Path) -> dict[str, str]:
    """Every output in the file; a name written twice keeps its last value, as on the runner."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines()) if path.exists() else iter(())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for part in lines:
                if part == delimiter:
                    break
                value.append(part)
            else:
                raise AssertionError(f"{path}: {name} has no closing {delimiter}")
            outputs[name] = "\n".join(value)
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs
