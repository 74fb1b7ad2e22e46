"""The path to a painted board stays clear of one-time work that can wait.

SQLAlchemy configures every mapper the first time the ORM is used, which takes a sizeable
part of start-up on a slow machine. The board reads stages, cards and card order in plain
SQL, so that set-up happens after the first paint, on the worker. Only a fresh process
shows it, hence the subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from followup_desktop.core.db import Database
from followup_desktop.core.services import FollowupService

SCRIPT = r"""
import json, sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

app = QApplication([])
from sqlalchemy import event
from sqlalchemy.orm import Mapper

from followup_desktop.core.db import open_database
from followup_desktop.core.services import FollowupService
from followup_desktop.gui.dialogs import Dialogs
from followup_desktop.gui.main_window import MainWindow

configured = []
event.listen(Mapper, "before_configured", lambda: configured.append(True))
service = FollowupService(open_database(Path(sys.argv[1])))
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = MainWindow(service, dialogs=Dialogs(), settings=settings)
window.show()
window.repaint()
before_paint_done = bool(configured)
cards = len(window.board_model.cards())
app.processEvents()
while not window.settled:
    window.tasks.wait()
    app.processEvents()
print(json.dumps({"before": before_paint_done, "after": bool(configured), "cards": cards,
                  "today": window.agenda_model.rowCount()}))
window.close()
"""


def test_the_orm_is_set_up_only_after_the_board_is_painted(
    database: Database, tmp_path: Path
) -> None:
    service = FollowupService(database)
    acme = service.create_opportunity("Acme", "Analyst").created_id
    assert acme is not None
    service.add_action("call_recruiter", service.clock(), opportunity_id=acme)
    path = database.path
    database.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    output = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), str(tmp_path / "window.ini")],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    assert result == {"before": False, "after": True, "cards": 1, "today": 1}
