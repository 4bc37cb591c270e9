"""A real S3 endpoint on loopback for DVC's s3 remote: moto's server, with one bucket.

The S3 API itself cannot run here (no cloud), so moto stands in for it, as a separate process
speaking S3 over HTTP: DVC, s3fs and boto talk to it exactly as to AWS, through the remote's
``endpointurl``. The credentials are moto's: any key is accepted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.mlflow_server import _free_port

BUCKET = "mlgate-data"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "mlgate-test-key",
    "AWS_SECRET_ACCESS_KEY": "mlgate-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class S3Endpoint:
    url: str
    bucket: str

    def objects(self) -> list[str]:
        """The keys in the bucket (what `dvc push` stored)."""
        import boto3

        client = boto3.client("s3", endpoint_url=self.url, **_boto_credentials())
        listed = client.list_objects_v2(Bucket=self.bucket)
        return [item["Key"] for item in listed.get("Contents", [])]


def _boto_credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "region_name": CREDENTIALS["AWS_DEFAULT_REGION"],
    }


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    """moto's S3 server on a free loopback port, with an empty bucket; stopped at the end."""
    import boto3

    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    server = Path(sys.executable).parent / "moto_server"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **CREDENTIALS},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start: {log.read_text()}") from None
                time.sleep(0.2)
        boto3.client("s3", endpoint_url=url, **_boto_credentials()).create_bucket(Bucket=BUCKET)
        yield S3Endpoint(url, BUCKET)
    finally:
        process.terminate()
        process.wait(timeout=10)
