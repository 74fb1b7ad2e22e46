"""Logging to a rotating file in the user's state directory.

Qt-free so the command line logs the same way as the window. An unexpected exception is
written with its traceback before anything else happens to it.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from types import TracebackType

from followup_desktop.core.paths import log_dir

LOG_FILENAME = "followup.log"
log = logging.getLogger("followup_desktop")


def setup_logging(*, verbose: bool = False, directory: Path | None = None) -> Path | None:
    """Log to ``followup.log`` (1 MB, five old files kept); return its path.

    A log folder that cannot be created must not stop the app: it then logs to stderr only.
    """
    folder = directory or log_dir()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    path: Path | None = folder / LOG_FILENAME
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILENAME, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
        path = None
    handler.setFormatter(formatter)
    teardown_logging()
    handler._followup = True  # type: ignore[attr-defined]  # marks ours for re-setup
    root.addHandler(handler)
    return path


def teardown_logging() -> None:
    """Close and remove the handlers :func:`setup_logging` added (files stay flushed)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_followup", False)]:
        root.removeHandler(handler)
        handler.close()


def log_unexpected(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Write an unexpected exception with its traceback to the log."""
    log.critical("unexpected error", exc_info=(exc_type, exc, tb))


def install_excepthook() -> None:
    """Log uncaught exceptions, then let the previous hook report them as before."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(exc_type, KeyboardInterrupt):
            log_unexpected(exc_type, exc, tb)
        previous(exc_type, exc, tb)

    sys.excepthook = hook
