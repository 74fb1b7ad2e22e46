"""Packaging: desktop entry, AppStream metainfo, icons, the bundle spec and its filters.

The validators are the real ones (``desktop-file-validate``, ``appstreamcli``); the spec's
choices are checked through ``packaging/bundle_files.py``, which the spec applies, so
no PyInstaller build is needed here (scripts/smoke-bundle checks a real build).
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

from conftest import require_tools
from followup_desktop import APP_ID, APP_NAME, __version__, desktop_integration
from followup_desktop.desktop_integration import (
    ACTIONS,
    DesktopIntegrationError,
    exec_value,
    install_desktop_entry,
    installed_paths,
    launch_command,
    uninstall_desktop_entry,
)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
RESOURCES = ROOT / "resources"
PACKAGE_RESOURCES = SRC / "followup_desktop" / "resources"
DESKTOP_FILE = RESOURCES / f"{APP_ID}.desktop"
METAINFO = RESOURCES / f"{APP_ID}.metainfo.xml"
SPEC = ROOT / "packaging" / "followup.spec"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _bundle_files() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bundle_files", ROOT / "packaging" / "bundle_files.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _desktop_groups(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return {name: dict(parser[name]) for name in parser.sections()}


def _desktop_entry(path: Path) -> dict[str, str]:
    return _desktop_groups(path)["Desktop Entry"]


def _png_size(path: Path) -> tuple[int, int, int]:
    """(width, height, colour type) from the PNG's IHDR chunk."""
    data = path.read_bytes()[:29]
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]


def _icon_relatives() -> list[Path]:
    paths = [Path(f"{size}x{size}") / "apps" / f"{APP_ID}.png" for size in SIZES]
    return [
        *paths,
        Path("scalable") / "apps" / f"{APP_ID}.svg",
        Path("symbolic") / "apps" / f"{APP_ID}-symbolic.svg",
    ]


# -- desktop entry and metainfo --------------------------------------------------------


def test_desktop_entry_passes_the_validator() -> None:
    require_tools("desktop-file-validate")
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True, check=False
    )
    # The validator prints hints and warnings with exit code 0: none are accepted.
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""


def test_metainfo_passes_the_validator() -> None:
    require_tools("appstreamcli")
    result = subprocess.run(
        ["appstreamcli", "validate", "--strict", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "W:" not in result.stdout, result.stdout
    assert "E:" not in result.stdout, result.stdout


def test_one_id_names_the_entry_the_icon_and_the_metainfo() -> None:
    entry = _desktop_entry(DESKTOP_FILE)
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Type"] == "Application"
    # X11 window managers match the window by WM_CLASS, whose class Qt sets to the name.
    assert entry["StartupWMClass"] == APP_NAME
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    program, files = entry["Exec"].split(" ")
    assert program in scripts
    # Invitations open with Followup: it takes calendar files, several at once.
    assert files == "%F"
    assert entry["MimeType"] == "text/calendar;"
    assert entry["TryExec"] == program

    component = ET.parse(METAINFO).getroot()  # noqa: S314 - our own file
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.findtext("name") == APP_NAME
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP_FILE.name
    assert component.findtext("provides/binary") == program
    assert component.findtext("provides/mediatype") == entry["MimeType"].rstrip(";")
    for kind in ("homepage", "bugtracker"):
        assert (component.findtext(f"url[@type='{kind}']") or "").startswith("https://")
    # Every screenshot a software centre shows is one the project makes and keeps.
    images = [image.text or "" for image in component.iter("image")]
    assert images
    for image in images:
        name = image.rsplit("/", 1)[-1]
        assert (ROOT / "docs" / "screenshots" / name).is_file(), f"no docs/screenshots/{name}"
    assert component.find("content_rating[@type='oars-1.1']") is not None
    releases = [release.get("version") for release in component.iter("release")]
    assert __version__ in releases, (
        f'add a <release version="{__version__}"> to {METAINFO.name} for this version'
    )


# -- icons ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_icon_png_has_its_size(size: int) -> None:
    path = RESOURCES / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    width, height, colour_type = _png_size(path)
    assert (width, height) == (size, size)
    assert colour_type == 6, "icons need an alpha channel (RGBA)"


def test_package_carries_the_same_icons_entry_and_metainfo_as_resources() -> None:
    # The copies exist so that a pip install and the bundle can install the entry;
    # packaging/render_icons.py refreshes them.
    for relative in _icon_relatives():
        original = RESOURCES / "icons" / "hicolor" / relative
        copy = PACKAGE_RESOURCES / "icons" / "hicolor" / relative
        assert copy.read_bytes() == original.read_bytes(), (
            f"run packaging/render_icons.py ({relative})"
        )
    for original in (DESKTOP_FILE, METAINFO):
        copy = PACKAGE_RESOURCES / original.name
        assert copy.read_bytes() == original.read_bytes(), "run packaging/render_icons.py"


def test_svg_icon_is_square_and_drawable(qapp: object) -> None:
    from PySide6.QtSvg import QSvgRenderer

    del qapp  # QtSvg needs the application object
    svg = RESOURCES / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    renderer = QSvgRenderer(str(svg))
    assert renderer.isValid()
    box = renderer.viewBoxF()
    assert box.width() == box.height() > 0


def test_icon_file_finds_packaged_icons() -> None:
    assert desktop_integration.icon_file(48).is_file()
    assert desktop_integration.icon_file(None).suffix == ".svg"
    with pytest.raises(ValueError, match="sizes are"):
        desktop_integration.icon_file(7)


# -- the PyInstaller spec and its filters ---------------------------------------------------


def test_spec_collects_every_migration_schema_and_icon() -> None:
    bundle_files = _bundle_files()
    pairs = {(Path(source), destination) for source, destination in bundle_files.data_files(SRC)}
    package = SRC / "followup_desktop"
    migrations = package / "core" / "migrations"
    expected = [migrations / "env.py", migrations / "script.py.mako"]
    expected += sorted((migrations / "versions").glob("*.py"))
    expected += sorted((package / "core" / "schema").glob("*.json"))
    expected += sorted((package / "core" / "messages" / "templates").rglob("*.txt"))
    expected += sorted((package / "locale").glob("*/LC_MESSAGES/followup.mo"))
    expected += [PACKAGE_RESOURCES / "icons" / "hicolor" / path for path in _icon_relatives()]
    expected.append(PACKAGE_RESOURCES / DESKTOP_FILE.name)
    assert len(expected) > 20
    for path in expected:
        destination = path.parent.relative_to(SRC).as_posix()
        assert (path, destination) in pairs, f"{path} is not collected into {destination}"
    collected = [source for source, _ in pairs]
    assert not [path for path in collected if "__pycache__" in path.parts]
    stray_python = [
        path for path in collected if path.suffix == ".py" and migrations not in path.parents
    ]
    assert stray_python == [], "only migration scripts ship as .py data files"
    assert not [path for path in collected if path.suffix == ".po"], "the .mo is what is read"


def test_spec_wires_the_helpers_and_keeps_upx_off() -> None:
    text = SPEC.read_text(encoding="utf-8")
    for needle in (
        "bundle_files.data_files(SRC)",
        "bundle_files.HIDDEN_IMPORTS",
        "bundle_files.migration_imports(SRC)",
        "bundle_files.EXCLUDED_MODULES",
        "bundle_files.split_toc(a.binaries)",
        "bundle_files.split_toc(a.datas)",
        "bundle_files.orphaned_libraries(",
        'NAME = "followup-desktop"',
    ):
        assert needle in text, needle
    assert "upx=True" not in text
    assert text.count("upx=False") == 2
    # `pyinstaller launcher.py` would overwrite launcher.spec, never followup.spec.
    assert SPEC.stem != "launcher"


def test_hidden_imports_name_keyring_backends_and_never_keyrings_alt() -> None:
    bundle_files = _bundle_files()
    hidden = set(bundle_files.HIDDEN_IMPORTS)
    assert {"keyring.backends.SecretService", "keyring.backends.chainer"} <= hidden
    assert not [name for name in hidden if name.startswith("keyrings")]
    assert "keyrings" in bundle_files.EXCLUDED_MODULES
    imports = bundle_files.migration_imports(SRC)
    assert {"alembic.op", "sqlalchemy"} <= set(imports)
    assert "sqlalchemy.Column" not in imports


@pytest.mark.parametrize(
    ("destination", "dropped"),
    [
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
        ("libQt6EglFSDeviceIntegration.so.6", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/lib/libicudata.so.73", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("followup_desktop/core/migrations/versions/0001_initial_schema.py", False),
        # Only the app's languages: Qt's catalogues and Babel's locale data.
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/translations/qtbase_fr.qm", False),
        ("PySide6/Qt/translations/qtbase_ja.qm", True),
        ("PySide6/Qt/translations/qt_help_de.qm", True),
        ("babel/locale-data/de_DE.dat", False),
        ("babel/locale-data/fr_CA.dat", False),
        ("babel/locale-data/en_GB.dat", False),
        ("babel/locale-data/root.dat", False),
        ("babel/locale-data/ja.dat", True),
        ("babel/locale-data/es_ES.dat", True),
        ("babel/locale-data/fil.dat", True),
    ],
)
def test_filter_drops_only_what_the_app_does_not_use(destination: str, dropped: bool) -> None:
    assert _bundle_files().is_dropped(destination) is dropped


def test_filter_patterns_match_real_pyside6_files() -> None:
    # A renamed plugin would silently slip through the filter (or vanish from the
    # bundle): every literal path must exist in the installed PySide6.
    if not sys.platform.startswith("linux"):
        pytest.skip("the filter lists Linux file names")
    import PySide6

    bundle_files = _bundle_files()
    site = Path(PySide6.__file__).resolve().parents[1]
    literal = [pattern for pattern in bundle_files.DROPPED_QT_FILES if "*" not in pattern]
    for path in [*literal, *bundle_files.REQUIRED_QT_FILES]:
        assert (site / path).is_file(), f"{path} is not in the installed PySide6"
    for required in bundle_files.REQUIRED_QT_FILES:
        assert not bundle_files.is_dropped(required)


def test_orphaned_libraries_are_those_only_dropped_files_need() -> None:
    bundle_files = _bundle_files()
    graph: dict[str, Iterable[str]] = {
        "/qt/libqxcb.so": ["libxcb.so.1", "libQt6Gui.so.6"],
        "/qt/libqgtk3.so": ["libgtk-3.so.0", "libcairo.so.2", "libxcb.so.1"],
        "/lib/libcairo.so.2": ["libpixman-1.so.0", "libxcb.so.1"],
        "/lib/libpixman-1.so.0": [],
        "/lib/libxcb.so.1": [],
        "/lib/libQt6Gui.so.6": ["libxcb.so.1"],
    }
    kept = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/qt/libqxcb.so", "BINARY"),
        ("libcairo.so.2", "/lib/libcairo.so.2", "BINARY"),
        ("libpixman-1.so.0", "/lib/libpixman-1.so.0", "BINARY"),
        ("libxcb.so.1", "/lib/libxcb.so.1", "BINARY"),
        ("libQt6Gui.so.6", "/lib/libQt6Gui.so.6", "BINARY"),
        ("libQt6Gui.so.6.link", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
    ]
    dropped = [("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/qt/libqgtk3.so", "BINARY")]
    # ldd lists the whole closure, as PyInstaller's get_imports does on Linux.
    closure = {
        "/qt/libqgtk3.so": ["libgtk-3.so.0", "libcairo.so.2", "libpixman-1.so.0", "libxcb.so.1"]
    }

    def imports_of(path: str) -> list[str]:
        assert not path.startswith("PySide6/"), "symlinks have no imports to read"
        return list(closure.get(path, graph[path]))

    orphans = bundle_files.orphaned_libraries(kept, dropped, imports_of)
    assert orphans == {"libcairo.so.2", "libpixman-1.so.0"}

    # A library that a kept binary still links to stays, whoever else needed it.
    graph["/qt/libqxcb.so"] = ["libxcb.so.1", "libQt6Gui.so.6", "libpixman-1.so.0"]
    assert bundle_files.orphaned_libraries(kept, dropped, imports_of) == {"libcairo.so.2"}


@pytest.mark.parametrize("script", ["build-bundle", "smoke-bundle", "build-deb", "check-deb"])
def test_bundle_scripts_are_executable_bash(script: str) -> None:
    path = ROOT / "scripts" / script
    assert os.access(path, os.X_OK), f"chmod +x scripts/{script}"
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_deb_lays_out_the_bundle_entry_metainfo_and_icons(tmp_path: Path) -> None:
    require_tools("dpkg-deb", "dpkg")
    # A stand-in bundle: build-deb packages whatever folder it is given.
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "followup-desktop").write_text("#!/bin/sh\necho stand-in\n")
    (bundle / "followup-desktop").chmod(0o755)
    (bundle / "_internal").mkdir()
    (bundle / "_internal" / "libexample.so").write_bytes(b"\0")
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(
        [str(ROOT / "scripts" / "build-deb"), str(bundle), str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    deb = tmp_path / f"followup-desktop_{__version__}_{arch}.deb"

    def dpkg_deb(*args: str) -> bytes:
        return subprocess.run(["dpkg-deb", *args, str(deb)], capture_output=True, check=True).stdout

    contents = dpkg_deb("--contents").decode()
    control = dpkg_deb("--field").decode()
    scripts = dpkg_deb("--ctrl-tarfile")
    lines = contents.splitlines()
    owners = {line.split()[1] for line in lines}
    assert owners == {"root/root"}
    paths = {line.split()[5].removeprefix(".") for line in lines}
    assert "/opt/followup-desktop/followup-desktop" in paths
    assert "/opt/followup-desktop/_internal/libexample.so" in paths
    assert any(
        "./usr/bin/followup-desktop -> /opt/followup-desktop/followup-desktop" in line
        for line in lines
    )
    for expected in (
        f"/usr/share/applications/{APP_ID}.desktop",
        f"/usr/share/metainfo/{APP_ID}.metainfo.xml",
        f"/usr/share/icons/hicolor/22x22/apps/{APP_ID}.png",
        f"/usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        f"/usr/share/icons/hicolor/symbolic/apps/{APP_ID}-symbolic.svg",
    ):
        assert expected in paths, expected
    assert "Package: followup-desktop" in control
    assert f"Version: {__version__}" in control
    assert "Depends: libc6 (>= 2.36)" in control
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(scripts)) as archive:
        names = {member.name.removeprefix("./"): member for member in archive.getmembers()}
        for script in ("postinst", "postrm"):
            assert names[script].mode & 0o111, f"{script} must be executable"
            text = archive.extractfile(names[script]).read().decode()  # type: ignore[union-attr]
            assert "update-desktop-database" in text
            assert "gtk-update-icon-cache" in text
            result = subprocess.run(["sh", "-n"], input=text, text=True, check=False)
            assert result.returncode == 0


# -- installing the desktop entry -------------------------------------------------------------


def test_install_and_uninstall_into_xdg_data_home(isolated_home: Path) -> None:
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert data_home.is_relative_to(isolated_home)
    written = install_desktop_entry()
    assert sorted(written) == sorted(installed_paths())
    entry_path = data_home / "applications" / f"{APP_ID}.desktop"
    assert entry_path in written
    for relative in _icon_relatives():
        installed = data_home / "icons" / "hicolor" / relative
        packaged = PACKAGE_RESOURCES / "icons" / "hicolor" / relative
        assert installed.read_bytes() == packaged.read_bytes()
    groups = _desktop_groups(entry_path)
    entry = groups["Desktop Entry"]
    command = launch_command()
    assert entry["Exec"] == f"{exec_value(command)} %F"
    assert entry["TryExec"] == command[0]
    # The desktop's actions start this installation too, each with its --action.
    for action in ACTIONS:
        assert groups[f"Desktop Action {action}"]["Exec"] == (
            f"{exec_value(command)} --action {action}"
        )
    assert entry["Actions"] == "".join(f"{action};" for action in ACTIONS)
    assert Path(command[0]).is_absolute()
    assert entry["Icon"] == APP_ID

    # Installing again (after moving the bundle, say) replaces the same files.
    assert sorted(install_desktop_entry(command=["/opt/followup/followup-desktop"])) == sorted(
        written
    )
    assert _desktop_entry(entry_path)["Exec"] == "/opt/followup/followup-desktop %F"

    removed = uninstall_desktop_entry()
    assert sorted(removed) == sorted(written)
    assert not [path for path in written if path.exists()]
    assert uninstall_desktop_entry() == []


def test_installed_entry_passes_the_validator(tmp_path: Path) -> None:
    require_tools("desktop-file-validate")
    install_desktop_entry(
        command=["/opt/My Apps/follow$up/followup-desktop", "--db", "100% mine.sqlite3"],
        home=tmp_path,
    )
    entry_path = tmp_path / "applications" / f"{APP_ID}.desktop"
    result = subprocess.run(
        ["desktop-file-validate", str(entry_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""


def test_launch_command_of_the_bundle_is_its_executable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    executable = tmp_path / "followup-desktop" / "followup-desktop"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    assert launch_command() == [str(executable)]


def test_launch_command_of_a_pip_install_is_its_script() -> None:
    command = launch_command()
    assert Path(command[0]).name in {"followup-desktop", "python", Path(sys.executable).name}
    if len(command) == 1:
        assert os.access(command[0], os.X_OK)
    else:
        assert command[1:] == ["-m", "followup_desktop"]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["/usr/bin/followup-desktop"], "/usr/bin/followup-desktop"),
        (["/opt/My Apps/followup-desktop"], '"/opt/My Apps/followup-desktop"'),
        (["/opt/a$b/run", "--db", "x"], '"/opt/a\\\\$b/run" --db x'),
        (["/opt/50%/run"], "/opt/50%%/run"),
        (["/opt/back\\slash/run"], '"/opt/back\\\\\\\\slash/run"'),
    ],
)
def test_exec_value_quotes_as_the_spec_says(command: list[str], expected: str) -> None:
    assert exec_value(command) == expected


def test_exec_value_refuses_a_line_break() -> None:
    with pytest.raises(DesktopIntegrationError, match="line break"):
        exec_value(["/opt/a\nb/run"])


def test_install_says_what_to_fix_when_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "icons").write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(DesktopIntegrationError, match="writable"):
        install_desktop_entry(command=["/usr/bin/followup-desktop"], home=tmp_path)
    assert not (tmp_path / "applications").exists()


def test_install_refuses_on_windows_and_macos(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    with pytest.raises(DesktopIntegrationError, match="freedesktop"):
        install_desktop_entry()
    with pytest.raises(DesktopIntegrationError, match="freedesktop"):
        uninstall_desktop_entry()


def test_symbolic_icon_is_one_colour_and_draws() -> None:
    path = RESOURCES / "icons" / "hicolor" / "symbolic" / "apps" / f"{APP_ID}-symbolic.svg"
    root = ET.parse(path).getroot()  # noqa: S314 - our own file
    colours = {
        element.get(attribute)
        for element in root.iter()
        for attribute in ("fill", "stroke")
        if element.get(attribute) not in {None, "none"}
    }
    # Desktops recolour a symbolic icon to the panel's text; it must be one colour.
    assert colours == {"#2e3436"}
    from PySide6.QtGui import QIcon

    pixmap = QIcon(str(path)).pixmap(16, 16)
    image = pixmap.toImage()
    drawn = sum(
        1
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha()
    )
    assert drawn > 40, "the symbolic icon draws almost nothing"
