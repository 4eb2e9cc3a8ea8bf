"""Field weights learned from the lists themselves: unsupervised EM over comparison levels
(Fellegi–Sunter, as Splink and fastLink do). No labels are used or needed.

Each pair is a vector of comparison levels (name, e-mail, phone, address). As in Splink, the u
probabilities (how often two *different* clients agree at each level) are counted on random
pairs of records, where almost every pair is two clients; the m probabilities (how often one
client agrees with itself) and the share λ of candidate pairs that are one client come from EM
over the candidate pairs, a two-class mixture with fields independent within a class and u held.
A level's weight is ln(m / u); the starting point is the log-odds that two records drawn at
random are one client (λ × candidate pairs / all pairs). Pairs sharing a vector are counted
once, so EM over a million pairs costs milliseconds.

Small lists say too little to learn from: under `MIN_PAIRS` candidate pairs the hand-set
defaults (`DEFAULT`) are kept, and learned weights are held within `_BOUNDS` so a strange list
cannot turn agreement into evidence against.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import polars as pl

MIN_PAIRS = 20_000
"""Candidate pairs needed before weights are learned rather than taken from `DEFAULT`."""

SAMPLE = 100_000
"""Candidate pairs m and λ are learned from (a seeded random sample of larger runs)."""

RANDOM = 50_000
"""Random record pairs u is counted on."""

NAME_KNOTS = (97.0, 90.0, 80.0, 70.0, 60.0)
"""Name score at which each name level's weight applies; linear between, flat beyond."""


@dataclass(frozen=True)
class Weights:
    """Log-odds evidence per comparison level."""

    prior: float
    """Starting point: ln(λ / (1 − λ)) for the share λ of candidate pairs that are one client."""
    name: tuple[float, float, float, float, float]
    """Name ≥ 97, 90–97, 80–90, 70–80, < 70 (applied at `NAME_KNOTS`, linear between)."""
    email: tuple[float, float]
    """Same, different."""
    phone: tuple[float, float]
    """Same, different."""
    address: tuple[float, float, float, float]
    """≥ 90, 60–90, 40–60, < 40."""
    learned: bool = False
    """Whether EM estimated these from the lists (else the defaults)."""

    def as_dict(self) -> dict[str, object]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


DEFAULT = Weights(prior=-4.0, name=(5.0, 3.5, 1.5, -1.0, -5.0), email=(3.5, -1.0),
                  phone=(3.0, -1.0), address=(2.0, 1.0, 0.0, -2.5))
"""Hand-set weights for small lists (the values the matcher used before it learned)."""

_BOUNDS = {
    "prior": (-25.0, -1.0),
    # Names that differ stay strong evidence against, whatever EM finds: on lists full of
    # households the "same client" class it fits takes in relatives sharing every contact.
    "name": ((1.0, 14.0), (0.0, 12.0), (-3.0, 8.0), (-6.0, 1.5), (-10.0, -5.0)),
    "email": ((1.0, 14.0), (-6.0, 0.0)),
    "phone": ((1.0, 14.0), (-6.0, 0.0)),
    "address": ((0.0, 12.0), (-1.0, 8.0), (-4.0, 4.0), (-8.0, 0.0)),
}


def levels(scored: pl.DataFrame) -> pl.DataFrame:
    """Level codes (0 = strongest agreement, null = missing) of scored pairs: `name`, `email`,
    `phone`, `address`."""
    name = pl.col("name")
    address = pl.col("address")
    return scored.select(
        pl.when(name >= 97).then(0).when(name >= 90).then(1).when(name >= 80).then(2)
        .when(name >= 70).then(3).when(name.is_not_null()).then(4).alias("name"),
        pl.when(pl.col("email") == 100).then(0).when(pl.col("email") == 0).then(1).alias("email"),
        pl.when(pl.col("phone") == 100).then(0).when(pl.col("phone") == 0).then(1).alias("phone"),
        pl.when(address >= 90).then(0).when(address >= 60).then(1).when(address >= 40).then(2)
        .when(address.is_not_null()).then(3).alias("address"),
    )


_FIELDS = ("name", "email", "phone", "address")
_SIZES = {"name": 5, "email": 2, "phone": 2, "address": 4}


def _frequencies(codes: np.ndarray, weight: np.ndarray, size: int) -> np.ndarray:
    """Share of each level among present values, with one pseudo-count per level so a level
    nobody reached does not get a weight of ±∞."""
    present = codes >= 0
    counts = np.bincount(codes[present], weight[present], size) + 1.0
    return counts / counts.sum()


def _patterns(scored: pl.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    patterns = levels(scored).group_by(_FIELDS).len()
    counts = patterns["len"].to_numpy().astype(float)
    return counts, {f: patterns[f].fill_null(-1).to_numpy().astype(np.int64) for f in _FIELDS}


def estimate(blocked: pl.DataFrame, random: pl.DataFrame, n_blocked: int, n_possible: float,
             iterations: int = 50) -> Weights:
    """Weights from scored candidate pairs (`blocked`, a sample of the `n_blocked` candidates)
    and scored random pairs (`random`), out of `n_possible` pairs in all.

    u is counted on `random`; m and λ by EM on `blocked` (u held), starting from `DEFAULT`'s
    weights, for `iterations` or until λ moves less than 1e-6. Raises nothing: a degenerate fit
    is held within `_BOUNDS`.
    """
    counts, codes = _patterns(blocked)
    r_counts, r_codes = _patterns(random)
    u = {f: _frequencies(r_codes[f], r_counts, _SIZES[f]) for f in _FIELDS}
    m = {f: np.exp(np.array(getattr(DEFAULT, f))) * 0.05 for f in _FIELDS}
    m = {f: v / v.sum() for f, v in m.items()}
    share = 0.1
    for _ in range(iterations):
        log_m = np.full(len(counts), math.log(share))
        log_u = np.full(len(counts), math.log(1 - share))
        for f in _FIELDS:
            present = codes[f] >= 0
            log_m[present] += np.log(m[f][codes[f][present]])
            log_u[present] += np.log(u[f][codes[f][present]])
        posterior = 1 / (1 + np.exp(np.clip(log_u - log_m, -50, 50)))
        matched = counts * posterior
        m = {f: _frequencies(codes[f], matched, _SIZES[f]) for f in _FIELDS}
        new_share = min(max(float(matched.sum() / counts.sum()), 1e-6), 1 - 1e-6)
        done = abs(new_share - share) < 1e-6
        share = new_share
        if done:
            break
    # Levels run from strongest agreement down: a stronger level never weighs less than a
    # weaker one (on typo-rich lists exact names can otherwise fall under near-exact ones).
    weights = {f: np.maximum.accumulate(np.log(m[f] / u[f])[::-1])[::-1] for f in _FIELDS}
    at_random = share * n_blocked / max(n_possible, 1.0)
    lo, hi = _BOUNDS["prior"]
    return Weights(
        prior=round(min(max(math.log(at_random / (1 - at_random)), lo), hi), 2),
        **{f: tuple(round(min(max(float(w), b[0]), b[1]), 2)
                    for w, b in zip(weights[f], _BOUNDS[f], strict=True)) for f in _FIELDS},
        learned=True,
    )
