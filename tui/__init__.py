"""canopy-qbo-triage: fix the client records that break the Canopy ↔ QuickBooks Online sync."""

__version__ = "0.1.0"
