"""Render the app icon's PNG sizes from its SVG, and refresh the package's copies.

Run it after editing ``resources/icons/hicolor/scalable/apps/<APP_ID>.svg``::

    python packaging/render_icons.py

It writes ``resources/icons/hicolor/<n>x<n>/apps/<APP_ID>.png`` for every size in
:data:`SIZES` and copies the icons and the desktop entry into
``src/followup_desktop/resources/`` so that a pip install and the bundle carry the same
files (tests check the copies are identical). The symbolic icon
(``symbolic/apps/<APP_ID>-symbolic.svg``, one colour, for panels and the tray) is drawn
by hand and copied as it is; so is the AppStream metainfo. Rendering uses Qt's own SVG renderer, the
one the app itself uses, so what the PNGs show is what the window icon shows.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# 22 px is what many panels and trays ask for.
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def _app_id() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from followup_desktop import APP_ID

    return APP_ID


def render(svg: Path, size: int, target: Path) -> None:
    """Draw ``svg`` into a transparent ``size`` x ``size`` PNG at ``target``."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG Qt can draw; fix the file and run again.")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Non-premultiplied ARGB is what PNG stores; converting first keeps edges exact.
    if not image.convertToFormat(QImage.Format.Format_ARGB32).save(str(target), "PNG"):
        raise SystemExit(f"Could not write {target}; check that its folder is writable.")


def main() -> int:
    """Render every size, then mirror the icons and desktop entry into the package."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app_id = _app_id()
    app = QGuiApplication(sys.argv[:1])
    resources = ROOT / "resources"
    hicolor = resources / "icons" / "hicolor"
    svg = hicolor / "scalable" / "apps" / f"{app_id}.svg"
    for size in SIZES:
        render(svg, size, hicolor / f"{size}x{size}" / "apps" / f"{app_id}.png")

    package = ROOT / "src" / "followup_desktop" / "resources"
    shutil.rmtree(package / "icons", ignore_errors=True)
    shutil.copytree(resources / "icons", package / "icons")
    shutil.copy2(resources / f"{app_id}.desktop", package / f"{app_id}.desktop")
    shutil.copy2(resources / f"{app_id}.metainfo.xml", package / f"{app_id}.metainfo.xml")
    del app
    print(  # noqa: T201 - a developer script reports what it did
        f"Rendered {len(SIZES)} sizes from {svg.relative_to(ROOT)} and copied them to "
        f"{package.relative_to(ROOT)}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
