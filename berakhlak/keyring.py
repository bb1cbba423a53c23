"""The keys that seal survey answers at rest (docs/ARCHITECTURE.md §5.3), read from the environment.

`SURVEY_KEYS` holds one or more keys, newest first: ``id:base64key[,id:base64key...]``, each key 32
random bytes in URL-safe base64. New rows are sealed with the first key; every row records the id of
its key, so an older key stays readable until `manage.py survey_keys rotate` has re-sealed its rows.
`SURVEY_KEYS_FILE` may name a file holding the same text instead (`make run` writes
`var/survey.keys` once). The database never holds a key.

No Django import here: settings.py parses the keys at start (a missing or malformed key stops the
process with this module's message), and ``python -m berakhlak.keyring new`` prints a fresh key
even where settings cannot load yet.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
HOW_TO = (
    "Generate one with `python -m berakhlak.keyring new` (or `manage.py survey_keys new`) and set "
    "SURVEY_KEYS=<id>:<key> (newest first, comma-separated), or SURVEY_KEYS_FILE=<path of a file "
    "holding that text>."
)


class KeyringError(ValueError):
    """The keys in the environment cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class SurveyKey:
    id: str
    secret: bytes

    def __repr__(self) -> str:  # never print a secret by accident
        return f"SurveyKey(id={self.id!r})"


def keys_parse(text: str, *, source: str = "SURVEY_KEYS") -> tuple[SurveyKey, ...]:
    """Keys from ``id:key[,id:key]``; raises KeyringError naming the entry that is wrong."""
    entries = [entry.strip() for entry in re.split(r"[,\s]+", text or "") if entry.strip()]
    if not entries:
        raise KeyringError(f"{source} holds no key. {HOW_TO}")
    keys: list[SurveyKey] = []
    for position, entry in enumerate(entries, start=1):
        key_id, separator, encoded = entry.partition(":")
        if not separator or not KEY_ID.match(key_id):
            raise KeyringError(
                f"{source} entry {position} must look like <id>:<key> with an id of 1-16 letters, "
                f"digits, '-' or '_'. {HOW_TO}"
            )
        try:
            secret = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            secret = b""
        if len(secret) != KEY_BYTES:
            raise KeyringError(
                f"{source} key {key_id!r} is not {KEY_BYTES} bytes of URL-safe base64. {HOW_TO}"
            )
        if any(k.id == key_id for k in keys):
            raise KeyringError(f"{source} names key {key_id!r} twice.")
        keys.append(SurveyKey(id=key_id, secret=secret))
    return tuple(keys)


def keys_from_environment(*, debug: bool, base_dir: Path) -> tuple[SurveyKey, ...]:
    """SURVEY_KEYS, else the file SURVEY_KEYS_FILE, else (debug only) var/survey.keys."""
    text = os.environ.get("SURVEY_KEYS", "").strip()
    if text:
        return keys_parse(text)
    path_text = os.environ.get("SURVEY_KEYS_FILE", "").strip()
    path = Path(path_text) if path_text else (base_dir / "var" / "survey.keys" if debug else None)
    if path is None:
        raise KeyringError(f"SURVEY_KEYS is not set: survey answers cannot be sealed. {HOW_TO}")
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KeyringError(
            f"survey keys file {path} cannot be read ({error.strerror}). `make run` creates it; "
            f"{HOW_TO}"
        ) from None
    return keys_parse(content, source=str(path))


def key_new(key_id: str | None = None) -> str:
    """A fresh ``id:key`` entry; the id defaults to the date and a random suffix."""
    import datetime as dt

    key_id = key_id or f"k{dt.date.today():%Y%m%d}{secrets.token_hex(2)}"
    if not KEY_ID.match(key_id):
        raise KeyringError("a key id is 1-16 letters, digits, '-' or '_'")
    encoded = base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")
    return f"{key_id}:{encoded}"


def main(argv: list[str]) -> int:
    if argv[:1] != ["new"]:
        print("usage: python -m berakhlak.keyring new [ID]", file=sys.stderr)
        return 2
    print(key_new(argv[1] if len(argv) > 1 else None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
