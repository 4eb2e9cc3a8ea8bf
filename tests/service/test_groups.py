"""Connected components: the vectorised union-find agrees with a plain one on any graph."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from tui.service.match.groups import components


def reference(a: list[int], b: list[int]) -> dict[int, int]:
    """Node → smallest node of its component, by a textbook union-find."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for x, y in zip(a, b, strict=True):
        rx, ry = root(x), root(y)
        parent[max(rx, ry)] = min(rx, ry)
    return {x: root(x) for x in parent}


@pytest.mark.parametrize("seed", range(12))
def test_components_equal_a_plain_union_find_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    nodes = int(rng.integers(2, 3_000))
    # From nearly every node alone to one giant component, with chains and repeated edges.
    m = int(rng.integers(1, nodes * 2))
    a = rng.integers(0, nodes, m).tolist()
    b = rng.integers(0, nodes, m).tolist()
    labels = components(pl.DataFrame({"a": a, "b": b}))
    assert labels["idx"].is_sorted()
    assert dict(labels.iter_rows()) == reference(a, b)


def test_a_long_chain_in_shuffled_order_is_one_group() -> None:
    # The worst case for label propagation: one round per link.
    order = np.random.default_rng(1).permutation(20_000)
    labels = components(pl.DataFrame({"a": order[:-1], "b": order[1:]}))
    assert labels["group"].unique().to_list() == [0]
    assert labels.height == 20_000


def test_no_edges_no_groups() -> None:
    empty = pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32})
    assert components(empty).height == 0
