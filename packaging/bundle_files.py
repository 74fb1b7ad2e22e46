"""What goes into the PyInstaller bundle, and what is filtered out of it.

Kept apart from ``followup.spec`` so that tests can check the choices without running
PyInstaller: the spec imports these functions and applies them to ``Analysis``.

PyInstaller collects what the code imports, plus everything Qt's hooks add around it:
every platform plugin, every image format, Qt's translations, and the GTK 3 platform
theme together with the build machine's whole GTK stack. The filters below drop what
Followup does not use (see docs/packaging.md for the measured sizes); the data files
below add what imports cannot reveal, above all the Alembic migrations, which Alembic
loads by path at run time.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

PACKAGE = "followup_desktop"
MIGRATIONS = f"{PACKAGE}/core/migrations"

# Keyring finds its backends through entry points; PyInstaller's keyring hook copies
# the metadata and collects keyring.backends, and naming the ones we rely on here makes
# a hook change fail the build instead of silently leaving passwords unstorable.
KEYRING_BACKENDS = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.chainer",
    "keyring.backends.fail",
    "keyring.backends.null",
    "keyring.backends.Windows",
    "keyring.backends.macOS",
)

HIDDEN_IMPORTS = (
    *KEYRING_BACKENDS,
    # SQLAlchemy loads its dialect by name from the URL.
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
)

EXCLUDED_MODULES = (
    # keyrings.alt would give keyring a plaintext file backend: never ship it.
    "keyrings",
    # Never imported by the app; listed so a stray import cannot drag them in.
    "tkinter",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtUiTools",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtPrintSupport",
    "PySide6.QtConcurrent",
    "PySide6.QtXml",
)

# Qt files matched against the destination path inside the bundle (POSIX separators).
# Each group says why it can go.
DROPPED_QT_FILES = (
    # Qt's own translations (7 MB), but for the languages the app speaks (KEPT_FILES).
    "PySide6/Qt/translations/*",
    # Embedded-device platforms and their input plugins: never a desktop session.
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
    "PySide6/Qt/plugins/platforms/libqminimal.so",
    "PySide6/Qt/plugins/platforms/libqminimalegl.so",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/generic/*",
    "*libQt6EglFSDeviceIntegration.so*",
    "*libQt6EglFsKmsSupport.so*",
    # The GTK 3 theme loads the build machine's GTK, cairo and pango (~19 MB). Qt's
    # built-in GNOME theme still follows the desktop's light/dark setting through the
    # XDG desktop portal, so what is lost is GTK's look for a few native dialogs.
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    # Image formats the app never reads or writes (it draws SVG and PNG icons).
    "PySide6/Qt/plugins/imageformats/libqgif.so",
    "PySide6/Qt/plugins/imageformats/libqicns.so",
    "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6/Qt/plugins/imageformats/libqtga.so",
    "PySide6/Qt/plugins/imageformats/libqtiff.so",
    "PySide6/Qt/plugins/imageformats/libqwbmp.so",
    "PySide6/Qt/plugins/imageformats/libqwebp.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    # No network access at all: QtNetwork is there for the local single-instance socket.
    "PySide6/Qt/plugins/networkinformation/*",
    "PySide6/Qt/plugins/tls/*",
)

# Data of other packages that the app reads only in part: Babel's CLDR data for every
# locale of the world (35 MB), of which the app needs its languages' (KEPT_FILES).
DROPPED_DATA_FILES = ("babel/locale-data/*.dat",)

# Exceptions to the drops above: what the app's languages (English, German, French)
# need. Qt's catalogues translate the stock dialog buttons and context menus; Babel's
# data writes dates and numbers in every English, German and French locale (en_GB,
# de_AT, fr_CA, ...), with ``root``, from which every locale inherits.
KEPT_FILES = (
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt/translations/qtbase_fr.qm",
    "babel/locale-data/root.dat",
    "babel/locale-data/en.dat",
    "babel/locale-data/en_*.dat",
    "babel/locale-data/de.dat",
    "babel/locale-data/de_*.dat",
    "babel/locale-data/fr.dat",
    "babel/locale-data/fr_*.dat",
)

# Kept on purpose (the filters must never drop them): what draws the window on X11,
# Wayland and headless, what reads SVG icons, input methods, and the portal theme.
REQUIRED_QT_FILES = (
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
    "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
)

TocEntry = tuple[str, str, str]
_LINKED_KINDS = frozenset({"BINARY", "EXTENSION", "EXECUTABLE"})


def _posix(dest: str) -> str:
    return dest.replace("\\", "/")


def is_dropped(dest: str) -> bool:
    """Whether the file PyInstaller would place at ``dest`` is filtered out."""
    path = _posix(dest)
    if any(fnmatch.fnmatchcase(path, pattern) for pattern in KEPT_FILES):
        return False
    return any(
        fnmatch.fnmatchcase(path, pattern) for pattern in (*DROPPED_QT_FILES, *DROPPED_DATA_FILES)
    )


def split_toc(toc: Iterable[TocEntry]) -> tuple[list[TocEntry], list[TocEntry]]:
    """Split a TOC into (kept, dropped) by :func:`is_dropped`."""
    kept: list[TocEntry] = []
    dropped: list[TocEntry] = []
    for entry in toc:
        (dropped if is_dropped(entry[0]) else kept).append(entry)
    return kept, dropped


def orphaned_libraries(
    kept: Iterable[TocEntry],
    dropped: Iterable[TocEntry],
    imports_of: Callable[[str], Iterable[str]],
) -> set[str]:
    """Base names of libraries needed only by dropped binaries.

    ``imports_of(path)`` returns the names of the shared libraries a binary links to
    (PyInstaller's ``bindepend.get_imports``). The GTK theme plugin is what pulls GTK,
    cairo and pango in; once it is gone, so should they be, but nothing that a kept
    binary (or another library) still links to.
    """

    def closure(entries: Iterable[TocEntry]) -> set[str]:
        seen: set[str] = set()
        # Symlinks and data carry no link-time imports of their own.
        pending = [src for _dest, src, kind in entries if kind in _LINKED_KINDS]
        visited: set[str] = set()
        while pending:
            source = pending.pop()
            if source in visited:
                continue
            visited.add(source)
            for name in imports_of(source):
                seen.add(PurePosixPath(name).name)
        return seen

    kept = list(kept)
    present = {_basename(dest) for dest, _src, _kind in kept}
    candidates = closure(dropped) & present
    # The candidates link to each other (pango to cairo, ...): only what the remaining
    # roots (extensions, plugins, other libraries) need keeps a candidate in.
    roots = [entry for entry in kept if _basename(entry[0]) not in candidates]
    return candidates - closure(roots)


def _basename(dest: str) -> str:
    return PurePosixPath(_posix(dest)).name


def data_files(src_root: Path) -> list[tuple[str, str]]:
    """(source, destination folder) pairs for every file the app reads by path.

    That is every non-Python file in the package (schemas, templates, icons, the desktop
    entry, ``script.py.mako``), plus the migration scripts themselves, which Alembic
    loads from files rather than by import.
    """
    package = src_root / PACKAGE
    pairs: list[tuple[str, str]] = []
    for path in sorted(package.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(src_root).as_posix()
        is_migration_script = relative.startswith(f"{MIGRATIONS}/") and path.suffix == ".py"
        # The catalogues' sources (.po) stay behind: the app reads the compiled .mo.
        if path.suffix in {".py", ".pyc", ".pyi", ".po"} and not is_migration_script:
            continue
        pairs.append((str(path), str(PurePosixPath(relative).parent)))
    return pairs


def migration_imports(src_root: Path) -> list[str]:
    """Modules the migration scripts import: PyInstaller cannot see into data files."""
    modules: set[str] = set()
    for script in sorted((src_root / MIGRATIONS).rglob("*.py")):
        tree = ast.parse(script.read_text(encoding="utf-8"), str(script))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module)
                # ``from alembic import op`` names a module; ``from sqlalchemy import
                # Column`` names a class: keep only what can be imported as a module.
                modules.update(
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if _is_module(f"{node.module}.{alias.name}")
                )
    modules.discard("__future__")
    return sorted(modules)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
