"""Where config, sessions and tokens live (`CQTRIAGE_HOME` redirects them all, for tests and
sandboxes), and the one way files holding client data are written: folders 0700, files 0600
whatever the umask, each file written whole under a temporary name and renamed, and never over
an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import platformdirs

from tui.service.errors import UserError

APP_NAME = "cqtriage"
HOME_ENV = "CQTRIAGE_HOME"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def config_dir() -> Path:
    """The folder holding `config.toml` and the token file."""
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The folder holding session journals."""
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """The folder of files rebuilt from packaged data when missing (no client data)."""
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME))


def config_file() -> Path:
    """The user's config TOML (it need not exist)."""
    return config_dir() / "config.toml"


def private_dir(path: Path) -> Path:
    """Create `path` and every missing parent with mode 0700 (the umask cannot widen it) and
    return it. Folders that already exist keep their mode: they may be the user's own."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made by someone else meanwhile: not ours to change
        os.chmod(folder, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists with mode 0600 (created empty if missing), for files another
    library opens itself (SQLite). An existing file of ours is narrowed to 0600."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_RDONLY | os.O_CREAT, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    except PermissionError:
        pass  # someone else's file: its owner decides its mode
    finally:
        os.close(fd)
    return path


@contextmanager
def private_writer(path: Path, *, binary: bool = False, encoding: str = "utf-8",
                   newline: str | None = None) -> Iterator[IO[Any]]:
    """A handle on a temporary file (mode 0600) next to `path`, renamed over `path` when the
    block ends without an error; on an error the temporary goes and `path` is untouched."""
    path = Path(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, PRIVATE_FILE)
        handle = (os.fdopen(fd, "wb") if binary
                  else os.fdopen(fd, "w", encoding=encoding, newline=newline))
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_private(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write `content` whole to `path` (mode 0600, through a temporary renamed over it)."""
    if isinstance(content, bytes):
        with private_writer(path, binary=True) as handle:
            handle.write(content)
    else:
        with private_writer(path, encoding=encoding) as handle:
            handle.write(content)
    return Path(path)


def refuse_inputs(targets: Iterable[Path], inputs: Iterable[Path], todo: str) -> None:
    """Raise a UserError, before anything is written, when a target is one of the inputs: the
    same file, not the same name (a hard link, a symlink or the path itself)."""
    sources = [Path(p) for p in inputs if p is not None and Path(p).exists()]
    for target in targets:
        target = Path(target)
        if not target.exists():
            continue
        for source in sources:
            if os.path.samefile(target, source):
                raise UserError(f"writing {target.name} would overwrite an input "
                                f"({source})", todo, target)
