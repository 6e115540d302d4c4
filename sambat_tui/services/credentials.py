"""Where a profile's bearer token lives: the OS keyring when there is a usable one, else a 0600 file.

A usable keyring is anything but keyring's ``fail`` and ``null`` backends (what it picks on a headless
server with no Secret Service). ``SAMBAT_TUI_KEYRING=file`` skips the keyring (a broken desktop keyring,
tests). The file is ``<data>/<profile>/token``, written 0600 and refused when others can read it.

The token is a secret: nothing here prints or logs it; ``describe`` says where it is, never what.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sambat_tui.services.files import write_private_text
from sambat_tui.services.profiles import Profile

KEYRING_ENV = "SAMBAT_TUI_KEYRING"
KEYRING_SERVICE = "sambat-tui"
TOKEN_FILE = "token"


class CredentialError(Exception):
    """The token cannot be read or kept safely."""


def usable_keyring() -> Any | None:
    """The keyring backend when one can really keep secrets here, else None."""
    if os.environ.get(KEYRING_ENV, "").strip().lower() in ("file", "off", "no", "0"):
        return None
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # a keyring that cannot even load is no keyring
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    try:
        priority = float(backend.priority)
    except Exception:
        return None
    return backend if priority > 0 else None


def _check_token(token: str) -> str:
    token = token.strip()
    if not token or not token.isprintable() or any(c.isspace() for c in token):
        raise CredentialError("a token is one word of printable characters")
    return token


@dataclass(frozen=True)
class TokenStore:
    profile: Profile

    @property
    def file(self) -> Path:
        return self.profile.data_dir / TOKEN_FILE

    def describe(self) -> str:
        backend = usable_keyring()
        if backend is not None and self._from_keyring(backend) is not None:
            return (
                f"OS keyring ({type(backend).__name__}, service {KEYRING_SERVICE}, user {self.profile.name})"
            )
        if self.file.exists():
            return str(self.file)
        return "none"

    def _from_keyring(self, backend: Any) -> str | None:
        try:
            value = backend.get_password(KEYRING_SERVICE, self.profile.name)
        except Exception:
            return None
        return value if isinstance(value, str) and value else None

    def _from_file(self) -> str | None:
        try:
            info = self.file.stat()
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(info.st_mode):
            raise CredentialError(f"{self.file} is not a regular file")
        if os.name == "posix" and info.st_mode & 0o077:
            raise CredentialError(
                f"{self.file} can be read by other users; run `chmod 600 {self.file}` or sign in again"
            )
        return _check_token(self.file.read_text(encoding="utf-8"))

    def get(self) -> str | None:
        backend = usable_keyring()
        if backend is not None:
            found = self._from_keyring(backend)
            if found is not None:
                return found
        return self._from_file()

    def set(self, token: str) -> str:
        """Keep ``token``; returns where (for the user to read), never the token."""
        token = _check_token(token)
        backend = usable_keyring()
        if backend is not None:
            try:
                backend.set_password(KEYRING_SERVICE, self.profile.name, token)
            except Exception:
                pass  # a locked or broken keyring: fall back to the file
            else:
                with contextlib.suppress(FileNotFoundError):
                    self.file.unlink()
                return f"OS keyring ({type(backend).__name__})"
        write_private_text(self.file, token + "\n")
        return str(self.file)

    def delete(self) -> None:
        backend = usable_keyring()
        if backend is not None:
            with contextlib.suppress(Exception):
                backend.delete_password(KEYRING_SERVICE, self.profile.name)
        with contextlib.suppress(FileNotFoundError):
            self.file.unlink()
