"""The Qt-free core of Followup: domain, storage, playbook, exchange.

Nothing under this package may import Qt or the GUI; an import-linter contract in
``pyproject.toml`` and a test enforce it, so the command line and tests can use the core
without a display.
"""
