"""The app's screens; each owns its workers and handlers."""
