"""The demo: a seeded generator of paired Canopy and QBO lists, and a small pair bundled with it."""
