"""The demo's one write after its import: settling the invented past.

The demo builds a whole document and imports it through the service like any file
(:meth:`ExchangeOps.import_export`); then most steps that fell due long ago are marked
done, round after round, as a person who kept up would have done them. That write is
here, so the demo writes only through the service too.
"""

from __future__ import annotations

import random
from datetime import datetime

from followup_desktop.core import playbook
from followup_desktop.core.change import EVERYTHING, Change
from followup_desktop.core.services._base import ServiceBase


class DemoOps(ServiceBase):
    """Settling the demo's past, in one transaction."""

    def settle_demo_past(self, rng: random.Random, moment: datetime, rounds: int) -> Change:
        """Mark most long-past planned steps done (a few dismissed), re-planning after
        each round until nothing old is left; the same ``rng`` gives the same result."""
        from followup_desktop.core.demo import settle_the_past  # the demo's own rules

        with self._write() as session:
            considered: set[int] = set()
            for _round in range(rounds):
                if not settle_the_past(session, rng, moment, considered):
                    break
                playbook.replan(session, None, moment)
        return Change(entities=EVERYTHING)
