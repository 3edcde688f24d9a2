"""Rich renderables built from core data, shared by the CLI and the TUI (no Textual here)."""
