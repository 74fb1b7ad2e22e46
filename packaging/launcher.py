"""Entry point of the PyInstaller bundle: the same ``main`` as the ``followup-desktop`` script."""

import sys

from followup_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
