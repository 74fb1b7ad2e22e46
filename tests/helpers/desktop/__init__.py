"""Helpers for tests on a real desktop stack (Xvfb, a private D-Bus, trayer, dunst)."""
