"""Weights learned by EM from comparison levels, without labels."""

from __future__ import annotations

import numpy as np
import polars as pl

from tui.service.match.weights import DEFAULT, estimate, levels


def scored(rng: np.random.Generator, n: int, name: tuple[float, float], email_same: float,
           address: tuple[float, float]) -> pl.DataFrame:
    """`n` scored pairs: name and address scores drawn uniformly in the given ranges, e-mail
    the same with probability `email_same` (missing for a fifth), phone always missing."""
    email = np.where(rng.random(n) < email_same, 100.0, 0.0)
    email[rng.random(n) < 0.2] = np.nan
    return pl.DataFrame({
        "name": rng.uniform(*name, n), "email": email, "phone": np.full(n, np.nan),
        "address": rng.uniform(*address, n),
    }).fill_nan(None)


def test_em_learns_which_agreement_is_evidence() -> None:
    rng = np.random.default_rng(1)
    # Candidate pairs: 20 % one client (same name, mostly same e-mail, same address), 80 %
    # namesakes and neighbours (names alike, other e-mail, other street).
    blocked = pl.concat([
        scored(rng, 2_000, (97, 100), 0.9, (90, 100)),
        scored(rng, 8_000, (80, 100), 0.01, (0, 60)),
    ])
    random = scored(rng, 20_000, (0, 70), 0.0001, (0, 50))
    w = estimate(blocked, random, n_blocked=10_000, n_possible=5e9)
    assert w.learned is True
    assert w.email[0] > 5 > 0 > w.email[1]          # a shared e-mail says a lot
    assert w.address[0] > w.address[3]
    assert list(w.name) == sorted(w.name, reverse=True)  # stronger levels weigh more
    assert w.prior < -10                            # two random records are rarely one client
    assert w.phone == (1.0, 0.0)                     # never seen: held at the bounds' edge


def test_levels_keep_missing_fields_apart() -> None:
    frame = pl.DataFrame({"name": [100.0, 85.0, None], "email": [100.0, 0.0, None],
                          "phone": [None, 100.0, 0.0], "address": [95.0, 50.0, 10.0]})
    assert levels(frame).rows() == [(0, 0, None, 0), (2, 1, 0, 2), (None, None, 1, 3)]


def test_small_lists_keep_the_default_weights() -> None:
    from pathlib import Path

    from tui.service.config import Config
    from tui.service.report import build_report
    from tui.service.sources.canopy_csv import read_canopy_csv
    from tui.service.sources.qbo_csv import read_qbo_csv

    data = Path(__file__).parent.parent / "data"
    report = build_report(read_canopy_csv(data / "labelled_canopy.csv"),
                          read_qbo_csv(data / "labelled_qbo.csv"), Config())
    assert report.result.weights == DEFAULT
