"""RFC 3161 trusted timestamps of a file's SHA-256: the request, the reply, the verification.

A timestamp authority signs "this hash existed at this time"; anyone who trusts the authority
can check it later without trusting the machine archiver ran on. The request carries the
SHA-256 the file was sealed with (not the file: a 1 GB WARC never passes through memory) and
a nonce; the reply's token is kept whole, with the certificates the authority put in it.

Verification is rfc3161-client's (Trail of Bits): the token's signature, its certificate chain
up to a trusted root, the critical timeStamping key usage, and the message imprint, with every
certificate judged valid *at the stamp's own time*, not today — an authority's certificate that
has expired since (FreeTSA's, in March 2026) does not undo the stamps it made while valid.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import cms as asn1_cms
from asn1crypto import tsp as asn1_tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import PKIStatus, VerificationError, VerifierBuilder, decode_timestamp_response

_SHA256_OID = "2.16.840.1.101.3.4.2.1"
_PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


class TokenError(ValueError):
    """A reply that is no valid timestamp of the hash asked for, saying why."""


@dataclass(frozen=True)
class Token:
    """What a timestamp token says."""

    gen_time: datetime
    serial: str  # hexadecimal: serial numbers may be 160 bits long
    sha256: str  # the hash stamped, hexadecimal
    authority: str  # the authority's name in the token, or its certificate's subject
    certificates: tuple[bytes, ...]  # DER, as the token carries them


def request_for(sha256_hex: str, nonce: int) -> bytes:
    """A DER TimeStampReq for a SHA-256 already computed, asking for the certificates."""
    request = asn1_tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": bytes.fromhex(sha256_hex),
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return request.dump()


def read_reply(body: bytes, sha256_hex: str, nonce: int | None = None) -> Token:
    """What an authority answered, checked against what was asked (status, hash, nonce); the
    signature is checked by `verify`, which needs the trusted roots."""
    reply = _decode(body)
    status = PKIStatus(reply.status)
    if status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        detail = "; ".join(reply.status_string or []) or status.name
        raise TokenError(f"the authority refused: {detail}")
    info = reply.tst_info
    imprint = info.message_imprint
    if imprint.hash_algorithm.dotted_string != _SHA256_OID:
        raise TokenError("the token stamps another hash algorithm than SHA-256")
    if imprint.message.hex() != sha256_hex.lower():
        raise TokenError("the token stamps another hash than the file's")
    if nonce is not None and info.nonce != nonce:
        raise TokenError("the token's nonce is not the one sent (a replayed answer?)")
    certs = tuple(sorted(reply.signed_data.certificates))
    return Token(
        gen_time=info.gen_time.astimezone(UTC)
        if info.gen_time.tzinfo
        else info.gen_time.replace(tzinfo=UTC),
        serial=f"{info.serial_number:x}",
        sha256=imprint.message.hex(),
        authority=_authority_name(info, certs),
        certificates=certs,
    )


def verify(token: bytes, sha256_hex: str, roots: list[x509.Certificate]) -> Token:
    """Check a stored token: it stamps ``sha256_hex``, and its signature and chain hold up to one
    of ``roots`` at the stamp's time. The token's facts; `TokenError` naming what failed."""
    found = read_reply(token, sha256_hex)
    if not roots:
        raise TokenError("no trusted root certificates to check the token with (ARCHIVER_TSA_CA)")
    builder = VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    for der in found.certificates:
        cert = x509.load_der_x509_certificate(der)
        if cert not in roots and not _is_self_signed(cert):
            builder = builder.add_intermediate_certificate(cert)
    try:
        builder.build().verify(_decode(token), bytes.fromhex(sha256_hex))
    except (VerificationError, ValueError) as exc:
        # The library's message ends in OpenSSL's error stack: its first line says it.
        raise TokenError(
            f"the token does not verify: {str(exc).split(': Error', 1)[0][:200]}"
        ) from None
    return found


def _decode(body: bytes):
    """The reply, parsed. rfc3161-client reads strict DER, where the token's certificates (a SET
    OF) must be sorted; OpenSSL's ``ts -reply`` and some authorities send them in chain order.
    The set is outside what the authority signs, so it is put in DER order for reading; the
    token is kept as it came."""
    try:
        return decode_timestamp_response(body)
    except Exception:  # the parser's errors are of several kinds: all mean "not as read"
        pass
    try:
        reply = asn1_tsp.TimeStampResp.load(body)
        signed = reply["time_stamp_token"]["content"]
        signed["certificates"] = asn1_cms.CertificateSet(list(signed["certificates"]))
        return decode_timestamp_response(reply.dump())
    except Exception as exc:
        raise TokenError(f"not an RFC 3161 timestamp reply ({type(exc).__name__})") from None


def load_roots(pem: bytes) -> list[x509.Certificate]:
    """The certificates of a PEM bundle (unreadable entries skipped: CA bundles carry a few)."""
    roots = []
    with warnings.catch_warnings():
        # Mozilla's bundle holds a few old roots cryptography warns about (a serial of 0);
        # they are skipped or kept, and the user is not told about it at every command.
        warnings.simplefilter("ignore")
        for block in _PEM_CERT.findall(pem):
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return roots


def certificates_pem(token: Token) -> bytes:
    """The token's certificates as PEM (for ``openssl ts -verify -untrusted``)."""
    return b"".join(
        x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM) for der in token.certificates
    )


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject


def _authority_name(info, certs: tuple[bytes, ...]) -> str:
    name = getattr(info, "name", None)
    value = getattr(name, "value", None)
    if isinstance(value, x509.Name):
        return value.rfc4514_string()
    for der in certs:
        cert = x509.load_der_x509_certificate(der)
        try:
            usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            continue
        if x509.ExtendedKeyUsageOID.TIME_STAMPING in usage:
            return cert.subject.rfc4514_string()
    return "unknown"
