"""The service layer: plain Python over Polars frames. It never imports Textual."""
