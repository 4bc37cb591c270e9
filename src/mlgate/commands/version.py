"""``mlgate version``: print the version and the versions of the libraries the gates use."""

from __future__ import annotations

import argparse
from importlib import metadata

HELP = "print mlgate's version and those of the libraries it runs on"

_LIBRARIES = ("pandas", "pandera", "scipy", "scikit-learn", "mlflow", "pyarrow")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace) -> int:
    from mlgate import __version__

    print(f"mlgate {__version__}")
    for name in _LIBRARIES:
        try:
            print(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            print(f"{name} (not installed)")
    return 0
