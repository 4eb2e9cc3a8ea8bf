"""A QBO v3-compatible HTTP server for the Customer entity, with Intuit's OAuth endpoints.

Tests start it on 127.0.0.1; it lets the whole read and write path run without an Intuit
account. Standard library only, and never Textual.
"""
