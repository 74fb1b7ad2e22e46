"""Walk an application's accessibility tree over AT-SPI and print it as JSON lines.

Run with the system Python, which has PyGObject and the Atspi typelib (Debian
``python3-gi`` and ``gir1.2-atspi-2.0``; neither is on PyPI)::

    /usr/bin/python3 atspi_walk.py APP-NAME [TIMEOUT] [STEP...]

A step is a button's name (press it), ``act:NAME-START:ACTION`` (do the action named
ACTION of the first object whose name starts with NAME-START) or ``set:NAME=TEXT`` (put
TEXT in the editable object named NAME, in place of its text); each runs in turn.
With ``ATSPI_LISTEN`` set (e.g. ``object:announcement``), the events of those kinds
heard during the steps are printed after the tree.

It waits for the application to appear on the accessibility bus, takes the steps, then
prints one JSON object per accessible object: its path of child indexes, role, name, description,
whether it is focusable, showing, enabled and focused, and the names of its actions. The test
reads and judges the output.
"""

# ruff: noqa: T201 - printing the tree is this helper's job
from __future__ import annotations

import json
import os
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402 - after require_version, as PyGObject asks

MAX_NODES = 20000


def find_app(name: str, timeout: float) -> Atspi.Accessible:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = Atspi.get_desktop(0)
        for index in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(index)
            if app is not None and app.get_name() == name and app.get_child_count() > 0:
                return app
        time.sleep(0.2)
    desktop = Atspi.get_desktop(0)
    present = [
        f"{app.get_name()!r}({app.get_child_count()})"
        for app in (desktop.get_child_at_index(i) for i in range(desktop.get_child_count()))
        if app is not None
    ]
    raise SystemExit(f"no application named {name!r} on the accessibility bus; present: {present}")


def _actions(node: Atspi.Accessible) -> list[str]:
    try:
        action = node.get_action_iface()
    except Exception:  # an object without the interface raises
        return []
    if action is None:
        return []
    return [action.get_action_name(index) for index in range(action.get_n_actions())]


def walk(node: Atspi.Accessible, path: list[int], seen: list[int]) -> None:
    if len(seen) >= MAX_NODES:
        return
    seen.append(1)
    states = node.get_state_set()
    record = {
        "path": path,
        "role": node.get_role_name(),
        "name": node.get_name() or "",
        "description": node.get_description() or "",
        "focusable": states.contains(Atspi.StateType.FOCUSABLE),
        "showing": states.contains(Atspi.StateType.SHOWING),
        "enabled": states.contains(Atspi.StateType.ENABLED),
        "focused": states.contains(Atspi.StateType.FOCUSED),
        "actions": _actions(node),
    }
    print(json.dumps(record, ensure_ascii=False), flush=True)
    for index in range(node.get_child_count()):
        child = node.get_child_at_index(index)
        if child is not None:
            walk(child, [*path, index], seen)


def press(node: Atspi.Accessible, name: str) -> bool:
    """Press the button called ``name`` under ``node``; True when found."""
    roles = {"push button", "toggle button", "check box"}  # a checkable button is a box
    if node.get_role_name() in roles and node.get_name() == name:
        action = node.get_action_iface()
        names = [action.get_action_name(i) for i in range(action.get_n_actions())]
        action.do_action(names.index("Press"))
        return True
    for index in range(node.get_child_count()):
        child = node.get_child_at_index(index)
        if child is not None and press(child, name):
            return True
    return False


def find(node: Atspi.Accessible, test: object) -> Atspi.Accessible | None:
    """The first object under ``node`` (depth first) for which ``test(object)`` holds."""
    if test(node):  # type: ignore[operator]
        return node
    for index in range(node.get_child_count()):
        child = node.get_child_at_index(index)
        found = find(child, test) if child is not None else None
        if found is not None:
            return found
    return None


def act(app: Atspi.Accessible, prefix: str, name: str) -> None:
    """Do the action ``name`` of the first object whose name starts with ``prefix``."""
    node = find(app, lambda n: (n.get_name() or "").startswith(prefix) and name in _actions(n))
    if node is None:
        raise SystemExit(f"no object named {prefix!r}… with the action {name!r}")
    action = node.get_action_iface()
    action.do_action(_actions(node).index(name))


def set_text(app: Atspi.Accessible, name: str, text: str) -> None:
    """Replace the text of the editable object called ``name``."""
    node = find(app, lambda n: n.get_name() == name and n.get_editable_text_iface() is not None)
    if node is None:
        raise SystemExit(f"no editable object named {name!r}")
    if not node.get_editable_text_iface().set_text_contents(text):
        raise SystemExit(f"{name!r} refused the text {text!r}")


def step(app: Atspi.Accessible, order: str) -> None:
    kind, _sep, rest = order.partition(":")
    if kind == "act":
        prefix, _sep, name = rest.rpartition(":")
        act(app, prefix, name)
    elif kind == "set":
        name, _sep, text = rest.partition("=")
        set_text(app, name, text)
    elif not press(app, order):
        raise SystemExit(f"no push button named {order!r}")
    pump(1.5)  # the page re-lays itself out, or a dialog opens


def pump(seconds: float) -> None:
    """Wait, letting AT-SPI events in (the listeners run from GLib's main context)."""
    context = GLib.MainContext.default()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not context.iteration(False):
            time.sleep(0.02)


def listen(kinds: str) -> list[dict[str, str]]:
    """Record the events of ``kinds`` (comma-separated, e.g. ``object:announcement``)."""
    heard: list[dict[str, str]] = []

    def record(event: Atspi.Event) -> None:
        data = event.any_data
        heard.append(
            {
                "event": event.type,
                "text": data if isinstance(data, str) else "",
                "source": (event.source.get_name() or "") if event.source else "",
            }
        )

    listener = Atspi.EventListener.new(record)
    for kind in kinds.split(","):
        listener.register(kind)
    heard_by.append(listener)  # kept alive while the walker runs
    return heard


heard_by: list[Atspi.EventListener] = []


def has_name(node: Atspi.Accessible, prefix: str) -> bool:
    """True when an object under ``node`` has a name starting with ``prefix``."""
    if (node.get_name() or "").startswith(prefix):
        return True
    for index in range(node.get_child_count()):
        child = node.get_child_at_index(index)
        if child is not None and has_name(child, prefix):
            return True
    return False


def _safely_has_name(node: Atspi.Accessible, prefix: str) -> bool:
    try:
        return has_name(node, prefix)
    except Exception:  # an object that went away while the window was being built
        return False


def main() -> int:
    name = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    app = find_app(name, timeout)
    # ATSPI_WAIT_FOR: only say (exit 0 or 3) whether an object so named is there yet. A
    # fresh process asks each time: this one runs no main loop to hear the tree change.
    wanted = os.environ.get("ATSPI_WAIT_FOR", "")
    if wanted:
        return 0 if _safely_has_name(app, wanted) else 3
    # ATSPI_LISTEN: events to record during the steps, printed after the tree as
    # {"event": …, "text": …, "source": …} lines.
    kinds = os.environ.get("ATSPI_LISTEN", "")
    heard = listen(kinds) if kinds else []
    for order in sys.argv[3:]:
        step(app, order)
    walk(app, [], [])
    for event in heard:
        print(json.dumps(event, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
