"""WARC files in S3-compatible object storage (``ARCHIVER_WARC_STORE=s3://bucket/prefix``).

Files are written locally as usual; once a file is finished (closed by its run, or
sealed by repair after a crash) it is uploaded whole, its SHA-256 — already recorded
in the database — stored with the object too, and the local copy removed once the
upload is confirmed. Reading (report, verify, export) fetches a file back into
``{home}/cache/`` when it is not on local disk.

Endpoint and credentials come from the usual variables, read by boto3:
``AWS_ENDPOINT_URL`` (for a non-AWS service such as MinIO or moto), ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from archiver.errors import InputError, WarcError


@dataclass(frozen=True)
class ObjectStore:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> ObjectStore:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise InputError(f"ARCHIVER_WARC_STORE {url!r} is not s3://bucket/prefix")
        return cls(parts.netloc, parts.path.strip("/"))

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def url(self, name: str) -> str:
        return f"s3://{self.bucket}/{self.key(name)}"

    def _client(self):
        try:
            import boto3
        except ImportError:
            raise InputError(
                "ARCHIVER_WARC_STORE needs boto3: pip install 'archiver[s3]'"
            ) from None
        return boto3.client("s3")

    def upload(self, path: Path, sha256: str) -> None:
        """Upload a finished file whole, then check that the service holds all of it."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self._client()
        try:
            client.upload_file(
                str(path),
                self.bucket,
                self.key(path.name),
                ExtraArgs={"Metadata": {"sha256": sha256}},
            )
            head = client.head_object(Bucket=self.bucket, Key=self.key(path.name))
        except (BotoCoreError, ClientError) as exc:
            raise WarcError(f"cannot upload {path.name} to {self.url(path.name)}: {exc}") from exc
        if (
            head.get("ContentLength") != path.stat().st_size
            or head.get("Metadata", {}).get("sha256") != sha256
        ):
            raise WarcError(f"the upload of {path.name} to {self.url(path.name)} is incomplete")

    def download(self, name: str, target: Path) -> bool:
        """Fetch ``name`` into ``target``; False when the object does not exist."""
        from botocore.exceptions import BotoCoreError, ClientError

        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_suffix(target.suffix + ".part")
        try:
            self._client().download_file(self.bucket, self.key(name), str(partial))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise WarcError(f"cannot read {self.url(name)}: {exc}") from exc
        except BotoCoreError as exc:
            raise WarcError(f"cannot read {self.url(name)}: {exc}") from exc
        partial.replace(target)
        return True
