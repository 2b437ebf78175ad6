"""Password-protected backups, for a copy that leaves the laptop on a USB stick.

File layout (version 1), every number big-endian::

    magic      16 bytes  b"PROVMAP-SEALED\\x00\\x01"
    version     1 byte   1
    log2_n      1 byte   scrypt cost (n = 2**log2_n)
    r           1 byte   scrypt block size
    p           1 byte   scrypt parallelism
    salt       16 bytes  random, for scrypt
    nonce      12 bytes  random, for AES-256-GCM
    sealed     the rest  AES-256-GCM of the whole SQLite backup, with its 16-byte tag

The key is scrypt(password, salt) (memory-hard: 64 MiB at the default cost). The
header is authenticated too (it is the associated data), so a changed byte anywhere
in the file, or a wrong password, fails the tag check and nothing is written. No
password or key is stored anywhere.
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .errors import StorageError
from .safe_files import atomic_write, make_private

MAGIC = b"PROVMAP-SEALED\x00\x01"
VERSION = 1
DEFAULT_LOG2_N, DEFAULT_R, DEFAULT_P = 16, 8, 1
MIN_PASSWORD_LENGTH = 10
PASSWORD_RULE = (
    f"Use at least {MIN_PASSWORD_LENGTH} characters. ProvMap does not keep the password: "
    "without it the backup cannot be opened by anyone, you included."
)
_HEADER = struct.Struct(">16sBBBB16s12s")


class WrongPasswordError(StorageError):
    pass


def password_problem(password: str) -> str | None:
    """Why ``password`` may not protect a backup, or ``None`` when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password is too short. {PASSWORD_RULE}"
    return None


def is_sealed(path: Path) -> bool:
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def _key(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p)
    return kdf.derive(password.encode("utf-8"))


def seal_file(plain: Path, target: Path, password: str, *, log2_n: int = DEFAULT_LOG2_N) -> Path:
    """Write ``plain`` (a finished SQLite backup) to ``target`` encrypted with ``password``."""
    problem = password_problem(password)
    if problem:
        raise StorageError(problem)
    salt, nonce = os.urandom(16), os.urandom(12)
    header = _HEADER.pack(MAGIC, VERSION, log2_n, DEFAULT_R, DEFAULT_P, salt, nonce)
    key = _key(password, salt, log2_n, DEFAULT_R, DEFAULT_P)
    sealed = AESGCM(key).encrypt(nonce, Path(plain).read_bytes(), header)
    with atomic_write(Path(target)) as temp:
        temp.write_bytes(header + sealed)
    return Path(target)


def open_sealed(path: Path, password: str, out: Path) -> Path:
    """Decrypt the sealed backup ``path`` into the new file ``out``; raise on any doubt."""
    data = Path(path).read_bytes()
    name = Path(path).name
    if len(data) < _HEADER.size + 16 or not data.startswith(MAGIC):
        raise StorageError(f"{name} is not a password-protected ProvMap backup.")
    _magic, version, log2_n, r, p, salt, nonce = _HEADER.unpack_from(data)
    if version != VERSION:
        raise StorageError(
            f"{name} was protected by a newer version of ProvMap. Update ProvMap to open it."
        )
    if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise StorageError(f"{name} is damaged (its header does not make sense).")
    header = data[: _HEADER.size]
    try:
        plain = AESGCM(_key(password, salt, log2_n, r, p)).decrypt(
            nonce, data[_HEADER.size :], header
        )
    except InvalidTag:
        raise WrongPasswordError(
            f"The password is wrong, or {name} has been changed or damaged since it was "
            "made. Nothing was changed."
        ) from None
    with atomic_write(Path(out)) as temp:
        temp.write_bytes(plain)
    make_private(Path(out))
    return Path(out)


def private_temp_folder(near: Path) -> tempfile.TemporaryDirectory[str]:
    """An owner-only scratch folder on the same disk as ``near`` (never the USB stick)."""
    return tempfile.TemporaryDirectory(prefix=".provmap-", dir=Path(near).parent)
