"""What a drag or a copy carries: the local files in it, by kind.

Shared by the window (any file dropped on it goes to its importer), the board (saved
e-mails dropped on a card) and the opportunity editor (saved e-mails dropped on it), so
that all three agree on what counts as a saved e-mail.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from PySide6.QtCore import QMimeData

MAIL_SUFFIX = ".eml"


def local_files(mime: QMimeData, suffixes: Collection[str]) -> list[Path]:
    """The local files a drag carries whose names end in one of ``suffixes``
    (lower case, with the dot); none for web links or anything else."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in suffixes]


def saved_mail(mime: QMimeData) -> list[Path]:
    """The saved e-mails (.eml files) a drag carries."""
    return local_files(mime, (MAIL_SUFFIX,))
