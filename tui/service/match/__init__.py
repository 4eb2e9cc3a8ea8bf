"""Normalise, block, score and classify: the matching engine, in Polars and rapidfuzz."""
