"""Sealing answers at rest (docs/ARCHITECTURE.md §5.3): drafts, waiting submissions, release notes.

Authenticated encryption (XChaCha20-Poly1305, PyNaCl's `Aead`) under a key from `SURVEY_KEYS`
(berakhlak/keyring.py), which the database never holds. Each purpose has its own subkey, and the
row a ciphertext belongs to is bound into it as associated data, so a blob copied to another row,
another round or another purpose does not open. Plaintexts are padded to a multiple of
`PAD_BYTES`, so that the size of a blob says little about how far a person got.
"""

from __future__ import annotations

import functools
import json
import struct

from django.conf import settings
from django.utils.translation import gettext as _
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.secret import Aead

from berakhlak.keyring import SurveyKey

PURPOSES = ("draft", "submission", "summary", "correction")
PAD_BYTES = 256
_LENGTH = struct.Struct(">I")


class SealBroken(Exception):
    """A sealed blob cannot be opened: unknown key, altered bytes, or sealed for another row."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def keys() -> tuple[SurveyKey, ...]:
    return settings.SURVEY_KEYS


def current_key_id() -> str:
    return keys()[0].id


@functools.lru_cache(maxsize=64)
def _box(secret: bytes, purpose: str) -> Aead:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    subkey = blake2b(
        purpose.encode(), key=secret, digest_size=32, person=b"berakhlak-seal", encoder=RawEncoder
    )
    return Aead(subkey)


def _aad(purpose: str, context: str) -> bytes:
    return f"berakhlak|{purpose}|{context}".encode()


def _pad(data: bytes) -> bytes:
    framed = _LENGTH.pack(len(data)) + data
    return framed + b"\0" * (-len(framed) % PAD_BYTES)


def _unpad(data: bytes) -> bytes:
    (length,) = _LENGTH.unpack_from(data)
    return data[_LENGTH.size : _LENGTH.size + length]


def seal(value, *, purpose: str, context: str) -> tuple[str, bytes]:
    """(key id, blob) of a JSON-serialisable value, under the newest key."""
    key = keys()[0]
    plaintext = _pad(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())
    return key.id, bytes(_box(key.secret, purpose).encrypt(plaintext, _aad(purpose, context)))


def unseal(blob: bytes, *, key_id: str, purpose: str, context: str):
    """The value sealed by `seal`; raises SealBroken with the reason an admin can act on."""
    key = next((k for k in keys() if k.id == key_id), None)
    if key is None:
        raise SealBroken(
            _(
                "kunci %(key)s tidak ada di SURVEY_KEYS; pasang kembali kunci itu (sesudah kunci "
                "terbaru) lalu jalankan manage.py survey_keys rotate"
            )
            % {"key": key_id}
        )
    try:
        plaintext = _box(key.secret, purpose).decrypt(bytes(blob), _aad(purpose, context))
    except CryptoError:
        raise SealBroken(
            _("isi tersegel tidak dapat dibuka: diubah, rusak, atau dipindah dari baris lain")
        ) from None
    return json.loads(_unpad(plaintext))
