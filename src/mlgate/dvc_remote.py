"""Whether CI can ``dvc pull``: a default remote exists and its credentials are present.

A fresh CI checkout has no DVC data. Pulling it saves recomputing stages, but only works when
the default remote is reachable: a local folder that exists, or a cloud bucket whose
credentials the workflow put in the environment. Without them the pipeline still runs and
recomputes what it needs, so a missing credential is a notice, not an error.

Run as ``python -m mlgate.dvc_remote [--mode auto|true|false]`` inside a DVC project: it prints
the decision and runs ``dvc pull`` when it says so. In ``auto`` mode a failing pull is a warning;
in ``true`` mode it fails (exit 1), and so does a missing remote or credential.

Then every input a ``.dvc`` file tracks must be there. One that is still missing and records a
sample a generated project ships (:mod:`mlgate.samples`) is restored from scikit-learn, byte for
byte; one that records other data is reported (an error in ``true`` mode, a warning in
``auto``), naming the file and what to do. With ``GITHUB_OUTPUT`` set, ``data=complete`` or
``data=missing`` goes there, so a workflow can skip the steps that need the data.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CREDENTIALS: dict[str, tuple[str, ...]] = {
    "s3": ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE"),
    "gs": ("GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE"),
    "azure": (
        "AZURE_STORAGE_CONNECTION_STRING",
        "AZURE_STORAGE_KEY",
        "AZURE_STORAGE_SAS_TOKEN",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
    ),
}
"""Per remote kind, the environment variables any one of which means credentials are there."""


@dataclass(frozen=True)
class Decision:
    pull: bool
    reason: str


def remote_kind(url: str) -> str:
    """``s3``, ``gs``, ``azure``, ``local`` or the URL's scheme (``ssh``, ``https``, ...)."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("", "file") or (len(scheme) == 1 and url[1:3] in (":\\", ":/")):
        return "local"
    if scheme in ("gs", "gcs"):
        return "gs"
    if scheme in ("azure", "az"):
        return "azure"
    return scheme


def decide(url: str | None, environ: Mapping[str, str], config_dir: Path) -> Decision:
    """Pull or not, and why, for the default remote ``url`` (None: no default remote).

    A relative local path is resolved against ``config_dir`` (the ``.dvc`` folder), as DVC does.
    """
    if not url:
        return Decision(False, "no default DVC remote is configured")
    kind = remote_kind(url)
    if kind == "local":
        path = Path(urlsplit(url).path if url.startswith("file:") else url)
        folder = path if path.is_absolute() else (config_dir / path).resolve()
        if folder.is_dir():
            return Decision(True, f"local remote {folder} exists")
        return Decision(False, f"local remote {folder} does not exist on this runner")
    names = CREDENTIALS.get(kind)
    if names is None:
        return Decision(True, f"{kind} remote: credentials, if any, come from the DVC config")
    present = [name for name in names if environ.get(name)]
    if present:
        return Decision(True, f"{kind} remote with credentials from {present[0]}")
    return Decision(False, f"{kind} remote but none of {', '.join(names)} is set")


def default_remote_url(project: Path) -> str | None:
    """The URL of the default remote, as DVC's own config (with config.local) resolves it.

    DVC's config reader is used in-process: two ``dvc`` commands would cost seconds of startup.
    """
    from dvc.config import Config

    config = Config(str(project / ".dvc"))
    name = config["core"].get("remote")
    if not name:
        return None
    return config["remote"].get(name, {}).get("url") or None


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlgate.dvc_remote", description=__doc__)
    parser.add_argument("--mode", choices=("auto", "true", "false"), default="auto")
    parser.add_argument("--project", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    if args.mode == "false":
        print("dvc pull: skipped (turned off)")
        return 0
    if not (args.project / ".dvc").is_dir():
        print(f"dvc pull: skipped ({args.project} is not a DVC project)")
        return 1 if args.mode == "true" else 0
    decision = decide(default_remote_url(args.project), environ, args.project / ".dvc")
    code = 0
    if not decision.pull:
        level = "error" if args.mode == "true" else "notice"
        print(
            f"::{level} title=dvc pull::skipped: {decision.reason}; stages recompute their outputs"
        )
        code = 1 if args.mode == "true" else 0
    else:
        print(f"dvc pull: {decision.reason}")
        done = subprocess.run(["dvc", "pull"], cwd=args.project, check=False)
        if done.returncode != 0:
            level = "error" if args.mode == "true" else "warning"
            print(f"::{level} title=dvc pull::failed (exit {done.returncode}); stages recompute")
            code = 1 if args.mode == "true" else 0
    complete = _restore_inputs(args.project, "error" if args.mode == "true" else "warning")
    _set_output(environ, "data", "complete" if complete else "missing")
    return code if complete or args.mode != "true" else 1


def _restore_inputs(project: Path, level: str) -> bool:
    """Restore missing bundled samples; False (with a message) when other inputs are missing."""
    from mlgate.errors import InputError
    from mlgate.samples import restore_all

    try:
        for line in restore_all(project):
            print(f"data: {line}")
    except InputError as error:
        print(f"::{level} title=data missing::{error.message}. {error.hint}")
        return False
    return True


def _set_output(environ: Mapping[str, str], name: str, value: str) -> None:
    target = environ.get("GITHUB_OUTPUT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"{name}={value}\n")


if __name__ == "__main__":
    sys.exit(main())
