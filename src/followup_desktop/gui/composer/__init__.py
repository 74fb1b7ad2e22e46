"""The composer window and the settings pages for the email account and templates."""

from __future__ import annotations

from followup_desktop.gui.composer.account_page import EmailAccountPage
from followup_desktop.gui.composer.composer import ComposerDialog, shared_password_store
from followup_desktop.gui.composer.template_page import TemplateEditorPage

__all__ = ["ComposerDialog", "EmailAccountPage", "TemplateEditorPage", "shared_password_store"]
