"""The web UI of the knowledge base (Flask)."""
