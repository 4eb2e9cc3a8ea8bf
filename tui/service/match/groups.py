"""Connected components of accepted pairs, by label propagation over Polars joins."""

from __future__ import annotations

import polars as pl


def components(edges: pl.DataFrame) -> pl.DataFrame:
    """`idx` → `group` (the smallest idx in its component) for every node named in `edges`.

    Each round gives every node the smallest label among itself and its neighbours; rounds stop
    when nothing changes, after as many rounds as the longest chain inside a group.
    """
    if edges.height == 0:
        return pl.DataFrame(schema={"idx": pl.UInt32, "group": pl.UInt32})
    both = pl.concat(
        [
            edges.select(pl.col("a").alias("src"), pl.col("b").alias("dst")),
            edges.select(pl.col("b").alias("src"), pl.col("a").alias("dst")),
        ]
    ).with_columns(pl.col("src").cast(pl.UInt32), pl.col("dst").cast(pl.UInt32))
    labels = both.select(pl.col("src").alias("idx")).unique().with_columns(
        pl.col("idx").alias("group")
    )
    while True:
        offered = (
            both.join(labels, left_on="src", right_on="idx")
            .group_by("dst")
            .agg(pl.col("group").min().alias("offer"))
        )
        updated = labels.join(offered, left_on="idx", right_on="dst", how="left").select(
            "idx", pl.min_horizontal("group", "offer").alias("group")
        )
        changed = updated.join(labels, on="idx", suffix="_old").filter(
            pl.col("group") != pl.col("group_old")
        ).height
        labels = updated
        if changed == 0:
            return labels.sort("idx")
