"""The signing certificates of the edXML packages: one sandbox CA, one certificate per
agency, issued with the fixture keys of ``fixtures/``."""

from __future__ import annotations

import base64
import functools
import hashlib
from datetime import UTC, datetime
from importlib import resources

from eduwh_sandbox.eoffice_dataset.catalogue import Agency

FIXTURES = "fixtures"  # in eduwh_sandbox: the PEM keys written by fixtures/make_signing_keys.py


@functools.lru_cache(maxsize=8)
def signing_key(name: str):
    """A fixture RSA private key (``ca`` or ``signer-<n>``), read from its PEM file."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = resources.files("eduwh_sandbox").joinpath(FIXTURES, f"{name}.key.pem").read_bytes()
    return load_pem_private_key(pem, password=None)


class Certificates:
    """One sandbox CA and a signing certificate per agency (DER, base64), all repeatable."""

    def __init__(self, seed: int):
        self.seed = seed
        self._ca_key = signing_key("ca")
        self._keys = [signing_key(f"signer-{i}") for i in range(3)]
        self._cache: dict[str, tuple[str, str]] = {}
        self.ca_name = self._name(
            "CA phục vụ các cơ quan Nhà nước", "Ban Cơ yếu Chính phủ", "Hà Nội"
        )

    @staticmethod
    def _name(cn: str, org: str, locality: str):
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.LOCALITY_NAME, locality),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                x509.NameAttribute(NameOID.COMMON_NAME, cn.encode()[:64].decode("utf-8", "ignore")),
            ]
        )

    def for_agency(self, agency: Agency) -> tuple[str, str]:
        """(base64 DER certificate, RFC 4514 subject) of the agency's signing certificate."""
        hit = self._cache.get(agency.code)
        if hit:
            return hit
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization

        subject = self._name(
            agency.name, agency.name, "Hà Nội" if agency.level == "ministry" else "Quảng Ngãi"
        )
        key = self._keys[int(hashlib.sha256(agency.code.encode()).hexdigest(), 16) % 3]
        serial = int(hashlib.sha256(f"{self.seed}:{agency.code}".encode()).hexdigest()[:30], 16)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca_name)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(datetime(2018, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2023, 1, 1, tzinfo=UTC))
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self._ca_key, hashes.SHA256())
        )
        der = cert.public_bytes(serialization.Encoding.DER)
        hit = (base64.b64encode(der).decode("ascii"), subject.rfc4514_string())
        self._cache[agency.code] = hit
        return hit
