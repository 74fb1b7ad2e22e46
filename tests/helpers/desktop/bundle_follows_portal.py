"""Does a built program turn dark and light with the desktop portal? (smoke-bundle)

    python bundle_follows_portal.py EXECUTABLE

Starts a private desktop (Xvfb and a session bus, :class:`DesktopStack`) with a small
Settings portal (:class:`SettingsPortal`) that prefers dark, runs EXECUTABLE on it with
the appearance left at "System", and reads the window's pixels from the X server: the
window must be mostly dark, then mostly light once the portal says "prefer light", then
dark again. Prints what it saw; exits 1 when the window did not follow.
"""

# ruff: noqa: T201 - printing what it saw is this helper's job
from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.portal import SettingsPortal
from desktop.stack import DesktopStack, wait_until

PREFER_DARK, PREFER_LIGHT = 1, 2
ALL_PLANES = ctypes.c_ulong(-1).value
Z_PIXMAP = 2


def brightness(display: str, window: int) -> float:
    """Mean lightness (0 black … 255 white) of a grid of points inside ``window``."""
    x11 = ctypes.CDLL("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XGetImage.restype = ctypes.c_void_p
    x11.XGetImage.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_ulong,
        ctypes.c_int,
    ]
    x11.XGetPixel.restype = ctypes.c_ulong
    x11.XGetPixel.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    x11.XDestroyImage.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    width, height = _size(display, window)
    connection = x11.XOpenDisplay(display.encode())
    if not connection:
        raise RuntimeError(f"cannot open display {display}")
    try:
        image = x11.XGetImage(connection, window, 0, 0, width, height, ALL_PLANES, Z_PIXMAP)
        if not image:
            raise RuntimeError("XGetImage gave nothing")
        try:
            values: list[float] = []
            for row in range(1, 20):
                for column in range(1, 20):
                    pixel = x11.XGetPixel(image, width * column // 20, height * row // 20)
                    red, green, blue = (pixel >> 16) & 255, (pixel >> 8) & 255, pixel & 255
                    values.append((red + green + blue) / 3)
            return sum(values) / len(values)
        finally:
            x11.XDestroyImage(image)
    finally:
        x11.XCloseDisplay(connection)


def _size(display: str, window: int) -> tuple[int, int]:
    shown = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", str(window)],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fields = dict(line.split("=", 1) for line in shown.split())
    return int(fields["WIDTH"]), int(fields["HEIGHT"])


def main() -> int:
    executable = sys.argv[1]
    work = Path(tempfile.mkdtemp(prefix="followup-portal-"))
    home = work / "home"
    with DesktopStack(work / "desktop", tray=False, notifications=False) as stack:
        env = stack.env
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_DATA_HOME=str(home / "data"),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CACHE_HOME=str(home / "cache"),
        )
        with SettingsPortal(stack.bus_address, PREFER_DARK) as portal:
            app = subprocess.Popen(
                [executable, "--db", str(work / "portal.sqlite3")],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                window = wait_until(lambda: stack.visible_windows("Followup"), 60, "the window")[0]
                seen: list[int] = []
                steps = ((PREFER_DARK, True), (PREFER_LIGHT, False), (PREFER_DARK, True))
                for value, dark in steps:
                    if seen:
                        portal.change(value)

                    def followed(want: bool = dark) -> float | None:
                        return _judged(stack.display, window, want)

                    try:
                        level: float = wait_until(
                            followed,
                            20,
                            "the window to turn " + ("dark" if dark else "light"),
                        )
                    except TimeoutError as error:
                        print(f"not followed: {error}; seen {seen}, portal calls {portal.calls}")
                        return 1
                    seen.append(round(level))
                print(f"follows the portal: lightness {seen} (dark, light, dark)")
                return 0
            finally:
                app.terminate()
                app.wait(20)


def _judged(display: str, window: int, dark: bool) -> float | None:
    level = brightness(display, window)
    return level if (level < 100) == dark else None


if __name__ == "__main__":
    sys.exit(main())
