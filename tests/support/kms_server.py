"""A KMS-compatible gRPC server of our own, for the Cloud KMS adapter's tests.

There is no Cloud KMS emulator. This is a real gRPC server speaking the
``google.cloud.kms.v1.KeyManagementService`` protocol (``Encrypt`` and ``Decrypt``, with the
wire types of google-cloud-kms), so the real client library runs its whole path, transport
and serialisation included, against it over an insecure channel on the loopback interface.

It behaves as KMS documents: AES-256-GCM under the key's primary version with the request's
additional authenticated data; the ciphertext names the version that made it, so rotation
keeps old ciphertexts readable; CRC32C of the inputs checked and echoed; INVALID_ARGUMENT
when a ciphertext does not authenticate, NOT_FOUND for an unknown key, FAILED_PRECONDITION
for a disabled version. Keys can also be created
(``CreateCryptoKey``, ALREADY_EXISTS for a name in use: KMS never deletes a key), read
(``GetCryptoKey``, with its primary version's state), listed (``ListCryptoKeys``,
``ListCryptoKeyVersions``) and have a version destroyed (``DestroyCryptoKeyVersion``): the
version is ``DESTROY_SCHEDULED`` at once and can no longer encrypt or decrypt
(FAILED_PRECONDITION), as KMS does during its scheduled-destruction period;
``complete_destruction`` ends that period and drops the key material.
``corrupt_responses`` flips a bit of every answer, to prove the client-side checksums
catch it. A key named in ``encrypt_only`` answers ``Decrypt`` with
PERMISSION_DENIED, as KMS answers a caller that holds only
``roles/cloudkms.cryptoKeyEncrypter`` on it (the public submit functions).

Asymmetric signing keys (``EC_SIGN_P256_SHA256``, for the proofs of submission) answer
``ListCryptoKeyVersions``, ``GetPublicKey`` and ``AsymmetricSign`` as KMS does: a version
per rotation, each with its creation time and its own P-256 key; the request names the
version, the digest's CRC32C is checked and echoed; a disabled version answers
FAILED_PRECONDITION.
"""

from __future__ import annotations

import re
import secrets
import struct
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import grpc
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from google.cloud import kms_v1

from shared.adapters.kms_keys import crc32c

SERVICE = "google.cloud.kms.v1.KeyManagementService"


class _Abort(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class _Key:
    versions: list[bytes] = field(default_factory=list)
    disabled: set[int] = field(default_factory=set)
    scheduled: set[int] = field(default_factory=set)  # DESTROY_SCHEDULED
    destroyed: set[int] = field(default_factory=set)  # DESTROYED: material gone

    def state(self, version: int) -> int:
        states = kms_v1.CryptoKeyVersion.CryptoKeyVersionState
        if version in self.destroyed:
            return states.DESTROYED
        if version in self.scheduled:
            return states.DESTROY_SCHEDULED
        return states.DISABLED if version in self.disabled else states.ENABLED

    def usable(self, version: int) -> bool:
        return version not in self.disabled | self.scheduled | self.destroyed


_VERSION = re.compile(r"^(?P<key>.+)/cryptoKeyVersions/(?P<number>[0-9]+)$")


@dataclass
class _SigningKey:
    versions: list[tuple[ec.EllipticCurvePrivateKey, datetime]] = field(default_factory=list)
    disabled: set[int] = field(default_factory=set)


@dataclass
class FakeKms:
    """The state of the server: keys by resource name, each with its versions."""

    keys: dict[str, _Key] = field(default_factory=dict)
    signing_keys: dict[str, _SigningKey] = field(default_factory=dict)
    corrupt_responses: bool = False
    encrypt_only: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def create_key(self, name: str) -> None:
        self.keys[name] = _Key([AESGCM.generate_key(bit_length=256)])

    def rotate(self, name: str) -> int:
        """Add a new primary version; its number."""
        self.keys[name].versions.append(AESGCM.generate_key(bit_length=256))
        return len(self.keys[name].versions)

    def disable(self, name: str, version: int) -> None:
        self.keys[name].disabled.add(version)

    def create_signing_key(self, name: str, created: datetime | None = None) -> None:
        """An ``ASYMMETRIC_SIGN`` key with one ``EC_SIGN_P256_SHA256`` version."""
        self.signing_keys[name] = _SigningKey()
        self.rotate_signing_key(name, created)

    def rotate_signing_key(self, name: str, created: datetime | None = None) -> int:
        """Add a version (created now, or at ``created``); its number."""
        versions = self.signing_keys[name].versions
        versions.append((ec.generate_private_key(ec.SECP256R1()),
                         created or datetime.now(UTC)))
        return len(versions)

    def disable_signing_version(self, name: str, version: int) -> None:
        self.signing_keys[name].disabled.add(version)

    def _signing_version(self, version_name: str) -> tuple[ec.EllipticCurvePrivateKey, int]:
        key_name, _, number = version_name.rpartition("/cryptoKeyVersions/")
        if key_name not in self.signing_keys or not number.isdigit():
            raise _Abort(grpc.StatusCode.NOT_FOUND, f"CryptoKeyVersion {version_name} "
                         "not found.")
        key = self.signing_keys[key_name]
        if not 1 <= int(number) <= len(key.versions):
            raise _Abort(grpc.StatusCode.NOT_FOUND, f"CryptoKeyVersion {version_name} "
                         "not found.")
        if int(number) in key.disabled:
            raise _Abort(grpc.StatusCode.FAILED_PRECONDITION,
                         f"{version_name} is not enabled.")
        return key.versions[int(number) - 1][0], int(number)

    def list_versions(self, request: kms_v1.ListCryptoKeyVersionsRequest
                      ) -> kms_v1.ListCryptoKeyVersionsResponse:
        with self.lock:
            self.calls.append("ListCryptoKeyVersions")
            if request.parent not in self.signing_keys:
                raise _Abort(grpc.StatusCode.NOT_FOUND, f"CryptoKey {request.parent} "
                             "not found.")
            key = self.signing_keys[request.parent]
            state = kms_v1.CryptoKeyVersion.CryptoKeyVersionState
            versions = [kms_v1.CryptoKeyVersion(
                name=f"{request.parent}/cryptoKeyVersions/{number}",
                state=state.DISABLED if number in key.disabled else state.ENABLED,
                create_time=created,
                algorithm=kms_v1.CryptoKeyVersion.CryptoKeyVersionAlgorithm
                .EC_SIGN_P256_SHA256)
                for number, (_, created) in enumerate(key.versions, start=1)]
        return kms_v1.ListCryptoKeyVersionsResponse(crypto_key_versions=versions,
                                                    total_size=len(versions))

    def get_public_key(self, request: kms_v1.GetPublicKeyRequest) -> kms_v1.PublicKey:
        with self.lock:
            self.calls.append("GetPublicKey")
            private, _ = self._signing_version(request.name)
        pem = private.public_key().public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        return kms_v1.PublicKey(
            pem=pem, pem_crc32c=crc32c(pem.encode()), name=request.name,
            algorithm=kms_v1.CryptoKeyVersion.CryptoKeyVersionAlgorithm.EC_SIGN_P256_SHA256)

    def asymmetric_sign(self, request: kms_v1.AsymmetricSignRequest
                        ) -> kms_v1.AsymmetricSignResponse:
        with self.lock:
            self.calls.append("AsymmetricSign")
            private, _ = self._signing_version(request.name)
        digest = request.digest.sha256
        if len(digest) != 32:
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "The digest must be SHA-256.")
        _check_crc(digest, request.digest_crc32c, "digest")
        signature = private.sign(digest, ec.ECDSA(Prehashed(SHA256())))
        checksum = crc32c(signature)
        if self.corrupt_responses:
            signature = bytes([signature[0] ^ 1]) + signature[1:]
        return kms_v1.AsymmetricSignResponse(
            signature=signature, signature_crc32c=checksum, name=request.name,
            verified_digest_crc32c=request.digest_crc32c is not None)

    def complete_destruction(self) -> None:
        """The scheduled-destruction period ends: scheduled versions lose their material."""
        with self.lock:
            for key in self.keys.values():
                for version in key.scheduled:
                    key.versions[version - 1] = b""
                key.destroyed |= key.scheduled
                key.scheduled = set()

    def _version(self, key_name: str, key: _Key, version: int) -> kms_v1.CryptoKeyVersion:
        return kms_v1.CryptoKeyVersion(name=f"{key_name}/cryptoKeyVersions/{version}",
                                       state=key.state(version))

    def _crypto_key(self, name: str, key: _Key) -> kms_v1.CryptoKey:
        return kms_v1.CryptoKey(
            name=name, purpose=kms_v1.CryptoKey.CryptoKeyPurpose.ENCRYPT_DECRYPT,
            primary=self._version(name, key, len(key.versions)))

    def get_crypto_key(self, request: kms_v1.GetCryptoKeyRequest) -> kms_v1.CryptoKey:
        with self.lock:
            self.calls.append("GetCryptoKey")
            return self._crypto_key(request.name, self._key(request.name))

    def create_crypto_key(self, request: kms_v1.CreateCryptoKeyRequest) -> kms_v1.CryptoKey:
        name = f"{request.parent}/cryptoKeys/{request.crypto_key_id}"
        with self.lock:
            self.calls.append("CreateCryptoKey")
            if name in self.keys:
                raise _Abort(grpc.StatusCode.ALREADY_EXISTS, f"CryptoKey {name} already "
                             "exists.")
            if (request.crypto_key.purpose
                    != kms_v1.CryptoKey.CryptoKeyPurpose.ENCRYPT_DECRYPT):
                raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "Only ENCRYPT_DECRYPT keys "
                             "are served here.")
            self.keys[name] = _Key([AESGCM.generate_key(bit_length=256)])
            return self._crypto_key(name, self.keys[name])

    def list_crypto_keys(self, request: kms_v1.ListCryptoKeysRequest
                         ) -> kms_v1.ListCryptoKeysResponse:
        prefix = f"{request.parent}/cryptoKeys/"
        with self.lock:
            self.calls.append("ListCryptoKeys")
            found = [self._crypto_key(name, key) for name, key in sorted(self.keys.items())
                     if name.startswith(prefix)]
        return kms_v1.ListCryptoKeysResponse(crypto_keys=found, total_size=len(found))

    def list_crypto_key_versions(self, request: kms_v1.ListCryptoKeyVersionsRequest
                                 ) -> kms_v1.ListCryptoKeyVersionsResponse:
        if request.parent in self.signing_keys:
            return self.list_versions(request)
        with self.lock:
            self.calls.append("ListCryptoKeyVersions")
            key = self._key(request.parent)
            found = [self._version(request.parent, key, n)
                     for n in range(1, len(key.versions) + 1)]
        return kms_v1.ListCryptoKeyVersionsResponse(crypto_key_versions=found,
                                                    total_size=len(found))

    def destroy_crypto_key_version(self, request: kms_v1.DestroyCryptoKeyVersionRequest
                                   ) -> kms_v1.CryptoKeyVersion:
        match = _VERSION.match(request.name)
        with self.lock:
            self.calls.append("DestroyCryptoKeyVersion")
            if match is None:
                raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "Not a version name.")
            key = self._key(match["key"])
            version = int(match["number"])
            if not 1 <= version <= len(key.versions):
                raise _Abort(grpc.StatusCode.NOT_FOUND, f"{request.name} not found.")
            if version in key.scheduled | key.destroyed:
                raise _Abort(grpc.StatusCode.FAILED_PRECONDITION, f"{request.name} is "
                             "already scheduled for destruction or destroyed.")
            key.scheduled.add(version)
            return self._version(match["key"], key, version)

    def _key(self, name: str) -> _Key:
        if name not in self.keys:
            raise _Abort(grpc.StatusCode.NOT_FOUND, f"CryptoKey {name} not found.")
        return self.keys[name]

    def encrypt(self, request: kms_v1.EncryptRequest) -> kms_v1.EncryptResponse:
        with self.lock:
            self.calls.append("Encrypt")
            key = self._key(request.name)
            version = len(key.versions)
            material = key.versions[-1]
            if not key.usable(version):
                state = kms_v1.CryptoKeyVersion.CryptoKeyVersionState(key.state(version))
                raise _Abort(grpc.StatusCode.FAILED_PRECONDITION,
                             f"{request.name}/cryptoKeyVersions/{version} is not enabled, "
                             f"current state is: {state.name}.")
        _check_crc(request.plaintext, request.plaintext_crc32c, "plaintext")
        aad = request.additional_authenticated_data
        _check_crc(aad, request.additional_authenticated_data_crc32c,
                   "additional_authenticated_data")
        nonce = secrets.token_bytes(12)
        ciphertext = (struct.pack(">I", version) + nonce
                      + AESGCM(material).encrypt(nonce, request.plaintext, aad))
        checksum = crc32c(ciphertext)
        if self.corrupt_responses:
            ciphertext = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
        return kms_v1.EncryptResponse(
            name=f"{request.name}/cryptoKeyVersions/{version}", ciphertext=ciphertext,
            ciphertext_crc32c=checksum,
            verified_plaintext_crc32c=request.plaintext_crc32c is not None,
            verified_additional_authenticated_data_crc32c=(
                request.additional_authenticated_data_crc32c is not None))

    def decrypt(self, request: kms_v1.DecryptRequest) -> kms_v1.DecryptResponse:
        with self.lock:
            self.calls.append("Decrypt")
            key = self._key(request.name)
            if request.name in self.encrypt_only:
                raise _Abort(grpc.StatusCode.PERMISSION_DENIED, "Permission "
                             "'cloudkms.cryptoKeyVersions.useToDecrypt' denied on resource "
                             f"'{request.name}' (or it may not exist).")
            versions = list(key.versions)
            unusable = {n for n in range(1, len(versions) + 1) if not key.usable(n)}
        _check_crc(request.ciphertext, request.ciphertext_crc32c, "ciphertext")
        aad = request.additional_authenticated_data
        _check_crc(aad, request.additional_authenticated_data_crc32c,
                   "additional_authenticated_data")
        blob = request.ciphertext
        version = struct.unpack(">I", blob[:4])[0] if len(blob) > 16 else 0
        if not 1 <= version <= len(versions):
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "Decryption failed.")
        if version in unusable:
            raise _Abort(grpc.StatusCode.FAILED_PRECONDITION,
                         f"{request.name}/cryptoKeyVersions/{version} is not enabled.")
        try:
            plaintext = AESGCM(versions[version - 1]).decrypt(blob[4:16], blob[16:], aad)
        except InvalidTag:
            raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, "Decryption failed.") from None
        checksum = crc32c(plaintext)
        if self.corrupt_responses:
            plaintext = bytes([plaintext[0] ^ 1]) + plaintext[1:]
        return kms_v1.DecryptResponse(plaintext=plaintext, plaintext_crc32c=checksum,
                                      used_primary=version == len(versions))


def _check_crc(data: bytes, expected: int | None, what: str) -> None:
    if expected is not None and crc32c(data) != expected:
        raise _Abort(grpc.StatusCode.INVALID_ARGUMENT, f"The checksum in field {what} "
                     "did not match the data computed by the server.")


def _handler(method: Callable[[Any], Any]) -> Callable[[Any, grpc.ServicerContext], Any]:
    def handle(request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return method(request)
        except _Abort as error:
            context.abort(error.code, str(error))

    return handle


@contextmanager
def serving_kms(kms: FakeKms) -> Iterator[str]:
    """Serve ``kms`` on a free loopback port; yields its host:port."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    handlers = {
        name: grpc.unary_unary_rpc_method_handler(
            _handler(method), request_deserializer=request_type.deserialize,
            response_serializer=response_type.serialize)
        for name, method, request_type, response_type in (
            ("GetCryptoKey", kms.get_crypto_key, kms_v1.GetCryptoKeyRequest,
             kms_v1.CryptoKey),
            ("CreateCryptoKey", kms.create_crypto_key, kms_v1.CreateCryptoKeyRequest,
             kms_v1.CryptoKey),
            ("ListCryptoKeys", kms.list_crypto_keys, kms_v1.ListCryptoKeysRequest,
             kms_v1.ListCryptoKeysResponse),
            ("ListCryptoKeyVersions", kms.list_crypto_key_versions,
             kms_v1.ListCryptoKeyVersionsRequest, kms_v1.ListCryptoKeyVersionsResponse),
            ("DestroyCryptoKeyVersion", kms.destroy_crypto_key_version,
             kms_v1.DestroyCryptoKeyVersionRequest, kms_v1.CryptoKeyVersion),
        )
    }
    handlers.update({
        "Encrypt": grpc.unary_unary_rpc_method_handler(
            _handler(kms.encrypt), request_deserializer=kms_v1.EncryptRequest.deserialize,
            response_serializer=kms_v1.EncryptResponse.serialize),
        "Decrypt": grpc.unary_unary_rpc_method_handler(
            _handler(kms.decrypt), request_deserializer=kms_v1.DecryptRequest.deserialize,
            response_serializer=kms_v1.DecryptResponse.serialize),
        "GetPublicKey": grpc.unary_unary_rpc_method_handler(
            _handler(kms.get_public_key),
            request_deserializer=kms_v1.GetPublicKeyRequest.deserialize,
            response_serializer=kms_v1.PublicKey.serialize),
        "AsymmetricSign": grpc.unary_unary_rpc_method_handler(
            _handler(kms.asymmetric_sign),
            request_deserializer=kms_v1.AsymmetricSignRequest.deserialize,
            response_serializer=kms_v1.AsymmetricSignResponse.serialize),
    })
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)
