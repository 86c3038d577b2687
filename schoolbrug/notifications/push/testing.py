"""A real Web Push peer for tests: a push service on 127.0.0.1 and a browser's subscription keys.

The service does what FCM or Mozilla's autopush do with a message before it reaches a phone: it
refuses a request whose VAPID JWT (RFC 8292) does not verify with the key in the Authorization
header, and it decrypts the body (RFC 8291, aes128gcm of RFC 8188) with the subscription's
private key, as the browser would. Tests assert on the decrypted text it keeps.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hmac import HMAC


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hmac(key: bytes, data: bytes) -> bytes:
    mac = HMAC(key, hashes.SHA256())
    mac.update(data)
    return mac.finalize()


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    prk = _hmac(salt, ikm)
    return _hmac(prk, info + b"\x01")[:length]


@dataclass
class BrowserKeys:
    """The key pair and secret a browser makes for one subscription."""

    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    @property
    def p256dh(self) -> str:
        return b64url(self.public_bytes)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8291 §3.4 and RFC 8188: the plaintext of an aes128gcm message to this browser."""
        salt, record_size, id_length = body[:16], struct.unpack(">I", body[16:20])[0], body[20]
        server_public = body[21 : 21 + id_length]
        ciphertext = body[21 + id_length :]
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), server_public)
        shared = self.private_key.exchange(ec.ECDH(), peer)
        ikm = _hkdf(self.auth_secret, shared, b"WebPush: info\x00" + self.public_bytes + server_public, 32)
        key = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plaintext = b""
        for index, start in enumerate(range(0, len(ciphertext), record_size)):
            record_nonce = (int.from_bytes(nonce, "big") ^ index).to_bytes(12, "big")
            record = AESGCM(key).decrypt(record_nonce, ciphertext[start : start + record_size], None)
            stripped = record.rstrip(b"\x00")
            if stripped[-1:] not in (b"\x01", b"\x02"):
                raise ValueError("record without padding delimiter")
            plaintext += stripped[:-1]
        return plaintext


@dataclass
class ReceivedPush:
    path: str
    headers: dict[str, str]
    claims: dict[str, Any]
    vapid_public_key: str
    plaintext: bytes

    @property
    def message(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.plaintext)
        return result


class VapidRefused(Exception):
    pass


def verify_vapid(authorization: str, *, audience: str) -> tuple[dict[str, Any], str]:
    """Checks `Authorization: vapid t=<JWT>, k=<public key>`; returns the claims and the key."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise VapidRefused("not a vapid authorization")
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = values["t"], values["k"]
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(unb64url(header_b64))
    if header.get("alg") != "ES256":
        raise VapidRefused("JWT is not ES256")
    signature = unb64url(signature_b64)
    if len(signature) != 64:
        raise VapidRefused("ES256 signature must be 64 bytes")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, f"{header_b64}.{payload_b64}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise VapidRefused("bad JWT signature") from error
    claims: dict[str, Any] = json.loads(unb64url(payload_b64))
    if claims.get("aud") != audience:
        raise VapidRefused(f"aud {claims.get('aud')!r} is not {audience!r}")
    if not time.time() < int(claims.get("exp", 0)) <= time.time() + 24 * 3600:
        raise VapidRefused("exp not within 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
        raise VapidRefused("sub is no contact")
    return claims, key


class PushService:
    """A threaded HTTP push service on 127.0.0.1; one subscription per path /push/<name>."""

    def __init__(self) -> None:
        self.subscribers: dict[str, BrowserKeys] = {}
        self.received: list[ReceivedPush] = []
        self.refused: list[str] = []
        # Answers to give instead of 201, per path, in order (e.g. [503, 201]).
        self.scripted: dict[str, list[int]] = {}
        self.delay_seconds = 0.0
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = service._handle(self.path, dict(self.headers.items()), body)
                if service.delay_seconds:
                    time.sleep(service.delay_seconds)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def new_subscription(self, name: str) -> tuple[str, BrowserKeys]:
        keys = BrowserKeys()
        self.subscribers[f"/push/{name}"] = keys
        return f"{self.origin}/push/{name}", keys

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            scripted = self.scripted.get(path)
            if scripted:
                return scripted.pop(0)
        keys = self.subscribers.get(path)
        if keys is None:
            return 404
        lower = {name.lower(): value for name, value in headers.items()}
        try:
            claims, key = verify_vapid(lower.get("authorization", ""), audience=self.origin)
            if lower.get("content-encoding") != "aes128gcm":
                raise VapidRefused("content-encoding is not aes128gcm")
            if "ttl" not in lower:
                raise VapidRefused("TTL header missing")
            plaintext = keys.decrypt(body)
        except (VapidRefused, InvalidTag, ValueError, KeyError) as error:
            with self._lock:
                self.refused.append(f"{path}: {error}")
            return 400 if not isinstance(error, VapidRefused) else 401
        with self._lock:
            self.received.append(ReceivedPush(path, lower, claims, key, plaintext))
        return 201
