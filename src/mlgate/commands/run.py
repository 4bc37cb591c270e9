"""``mlgate run MODULE``: run a Python module of the project, as ``python -m MODULE`` would.

A generated project's own stages (split, train, evaluate) run this way in ``dvc.yaml``, so that
inside ``dvc repro`` they run in a warm process (:mod:`mlgate.warm`) like the ``mlgate`` gates:
the libraries are already imported, the project's modules are imported fresh.
"""

from __future__ import annotations

import argparse

HELP = "run a module of the project (a pipeline stage) as `python -m MODULE ARGS` would"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module", help="the module to run as __main__, e.g. my_project.train")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its own arguments")


def run(args: argparse.Namespace) -> int:
    import os
    import runpy
    import sys
    import traceback
    from importlib.util import find_spec

    from mlgate.errors import InputError

    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)  # as `python -m` does
    try:
        found = find_spec(args.module)
    except (ImportError, ValueError):
        found = None
    if found is None:
        raise InputError(
            f"no module named {args.module!r}",
            hint="name a module of the project as `python -m` takes it (e.g. my_project.train), "
            "and install the project in this environment (pip install -e .)",
        )
    sys.argv = [args.module, *args.args]  # runpy puts the module's file in argv[0]
    try:
        runpy.run_module(args.module, run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        return _exit_code(stop.code)
    except Exception:
        traceback.print_exc()  # the module's own error, shown as Python shows it
        return 1
    return 0


def _exit_code(code: object) -> int:
    """What Python exits with for ``SystemExit(code)``: None is 0, a message is printed and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    import sys

    print(code, file=sys.stderr)
    return 1
