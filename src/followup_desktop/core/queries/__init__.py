"""Read functions for the faces: each returns snapshots, so no face opens a session."""
