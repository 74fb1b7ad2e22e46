"""``python -m followup_desktop`` runs the same command as ``followup-desktop``."""

import sys

from followup_desktop.cli import main

sys.exit(main())
