"""Candidate pairs compared field by field: per-field scores and flags (`compare_pairs`).

Each field then adds evidence for or against "same client" (a log-odds weight, as in
Fellegi–Sunter and Splink; `weighing.weigh`); the sum goes through a logistic curve to 0–100.
Comparing is the costly part and does not depend on the weights, so a run compares every
candidate once and weighs the comparisons after learning the weights from them. Field scores,
weights and a one-line reason stay on every shown pair so the user can see why two records were
put together. `score_pairs` compares and weighs in one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz import fuzz

from tui.service.match.names import (
    NAME_COLUMNS,
    NameTables,
    combos,
    compare_people,
    person_inputs,
)
from tui.service.match.normalise import sorted_words
from tui.service.match.pairwise import (
    Coded,
    code,
    column_similarity,
    equality_codes,
    lengths,
)
from tui.service.match.weighing import SIDE_COLUMNS, weigh, with_sides
from tui.service.match.weights import DEFAULT, Weights

_CODED = ("exact_key", "email_key", "phone_key", "source", "kind", "generation")
"""Side columns only compared for equality: carried as integer codes (gathering a string
column for every candidate costs more than the comparison)."""

_PERSON = ("person_name", "given_conflict", "nickname")
"""What `compare_pairs` reads of `names.compare_people`'s columns."""

_NOBODY = pl.LazyFrame({"person_name": [None], "given_conflict": [False], "nickname": [False]},
                       schema={"person_name": pl.Float64, "given_conflict": pl.Boolean,
                               "nickname": pl.Boolean})
"""`_PERSON` for a pair that is not two individuals: `compare_people` gives no person score
and no conflict or nickname, whatever the names."""

COMPARED = (
    "name", "email", "phone", "address", "name_rarity", "same_side", "given_conflict",
    "generation_conflict", "joint_mismatch", "kind_mismatch", "nickname", "exact_name",
)
"""What `compare_pairs` keeps of each pair besides its own columns: all that weighing, the cap
and the reason read apart from the records' side columns (`weighing.with_sides`). No strings,
so every candidate's comparison can be kept for learning the weights and weighing."""


_SIMILAR = (
    ("name_full", "sorted_key"),
    ("street_sim", "street_key"),
    ("city_sim", "city_key"),
    ("postal_sim", "postal_key"),
)
"""Field similarities: (pair column, record column), by rapidfuzz's ratio; postcodes allow typos.
Names and streets are compared as rapidfuzz's `token_sort_ratio` compares them, the ratio of
their words sorted: sorted once per distinct value (`sorted_key`, `_sorted_words`), not per
pair."""


@dataclass(frozen=True)
class Prepared:
    """What scoring needs from a records frame, built once (`prepare`) for every chunk of
    pairs: string columns as integer codes, people as ids, the name-collision chance u."""

    records: pl.DataFrame
    """The `weighing.SIDE_COLUMNS`."""
    u: float
    """See `_name_collision`."""
    name_tf: np.ndarray
    """Per record: `name_tf` (Float64, NaN where null)."""
    joint: np.ndarray
    """Per record: 1 a joint client, 0 not, -1 not known (Int8)."""
    names: NameTables
    person: np.ndarray
    """Per record: its person id (records alike in kind, name parts and genders share one)."""
    stand_in: np.ndarray
    """Per person id: one record carrying it."""
    coded: dict[str, Coded]
    """The `_SIMILAR` record columns, each coded over its own vocabulary."""
    equal: dict[str, np.ndarray]
    """The `_CODED` columns as codes (`pairwise.equality_codes`)."""
    postal_sizes: np.ndarray
    """Lengths of the postcode vocabulary (for typos)."""


def prepare(records: pl.DataFrame) -> Prepared:
    """`records` (keyed, see `normalise.add_keys`) made ready for `compare_pairs`. At 100k ×
    100k it costs about two fifths of comparing the 455k candidate pairs, so a run prepares
    once and compares every chunk of candidates and the random pairs with it."""
    if "name_tf" not in records.columns:
        records = with_name_frequency(records)
    names = NameTables.of(records)
    ids = _person_ids(records, names)
    # Any record stands for its person: all of them carry the same columns compare_people reads.
    stand_in = np.empty(int(ids.max(initial=-1)) + 1, dtype=np.int64)
    stand_in[ids] = np.arange(len(ids))
    coded = {col: code(records, [col]) for _, col in _SIMILAR}
    coded["street_key"] = _sorted_words(coded["street_key"])
    return Prepared(
        records.select(*SIDE_COLUMNS), _name_collision(coded["sorted_key"]),
        records["name_tf"].cast(pl.Float64).to_numpy(),
        records["joint"].cast(pl.Int8).fill_null(-1).to_numpy(),
        names, ids, stand_in, coded, {c: equality_codes(records[c]) for c in _CODED},
        lengths(coded["postal_key"].values),
    )


def _sorted_words(coded: Coded) -> Coded:
    """`coded` with each vocabulary value's words sorted. Two values alike once sorted keep
    their own codes and so go to rapidfuzz, whose ratio of equal strings is 100: the same
    score as sharing a code."""
    # Keys hold single spaces between words, so splitting on one space splits as rapidfuzz
    # does: the name keys' `sorted_words` serves both.
    values = sorted_words(pl.Series(coded.values.tolist(), dtype=pl.String)).to_list()
    return Coded(np.array(values, dtype=object), coded.codes)


def _person_ids(records: pl.DataFrame, names: NameTables) -> np.ndarray:
    """Per record: an id (0..) shared by the records alike in kind, name parts and genders —
    all `compare_people` reads."""
    # The small columns first: their codes multiply into one key with the first name parts.
    parts = [equality_codes(records["kind"]), *names.gender.values()]
    parts += [names.coded.codes[c] for c in NAME_COLUMNS]
    ids = np.zeros(records.height, dtype=np.int64)
    bound = 1
    for part in parts:
        # Pair the key so far with the next column's code (-1 for null, hence the + 1); number
        # the distinct keys again (0..) before the key could overflow.
        radix = int(part.max(initial=0)) + 2
        if bound * radix >= 2**62:
            _, ids = np.unique(ids, return_inverse=True)
            ids = ids.ravel()
            bound = int(ids.max(initial=0)) + 1
        ids = ids * radix + (part.astype(np.int64) + 1)
        bound *= radix
    _, ids = np.unique(ids, return_inverse=True)
    return ids.ravel()


def _sides(prepared: Prepared, a: np.ndarray, b: np.ndarray) -> dict[str, pl.Series]:
    """Per pair: the `_PERSON` columns; `both_joint`, `joint_mismatch` (null where either
    side's `joint` is) and `name_tf` (the larger of the two sides', null where both are); what
    `_equalities` reads from the `_CODED` columns; and the field similarities `name_full`,
    `street_sim`, `city_sim`, `postal_sim` (0–100, null where either side lacks the field).
    Gathered with numpy: Polars gathering a Boolean column costs ten times as much."""
    cols = _people(prepared, a, b)
    joint_a, joint_b = prepared.joint[a], prepared.joint[b]
    cols["both_joint"] = pl.Series((joint_a == 1) & (joint_b == 1))
    cols["joint_mismatch"] = _unless_missing(joint_a != joint_b, (joint_a >= 0) & (joint_b >= 0))
    # fmax skips NaN as max_horizontal skips null; name_tf is never NaN, only null.
    cols["name_tf"] = pl.Series(values=np.fmax(prepared.name_tf[a], prepared.name_tf[b]),
                                nan_to_null=True)
    cols.update(_equalities(prepared.equal, a, b))
    for name, column in _SIMILAR:
        sizes = prepared.postal_sizes if column == "postal_key" else None
        scores = column_similarity(prepared.coded[column], column, a, b, fuzz.ratio, sizes)
        cols[name] = pl.Series(values=scores, nan_to_null=True)
    return cols


def _equalities(equal: dict[str, np.ndarray], a: np.ndarray,
                b: np.ndarray) -> dict[str, pl.Series]:
    """The `compare_pairs` columns read from the `_CODED` columns alone (codes, -1 for null, of
    the records at positions `a`, `b`): `email` and `phone` (100 when both present and equal, 0
    when both present and different, else null), `exact_name` and `generation_conflict` (both
    present, and equal or different), `same_side` and `kind_mismatch` (null where either side
    is null)."""
    out: dict[str, pl.Series] = {}
    both, same = {}, {}
    for name, codes in equal.items():
        x, y = codes[a], codes[b]
        both[name], same[name] = (x >= 0) & (y >= 0), x == y
    for name, column in (("email", "email_key"), ("phone", "phone_key")):
        agree = np.where(same[column], 100.0, 0.0)
        out[name] = pl.Series(values=np.where(both[column], agree, np.nan), nan_to_null=True)
    out["exact_name"] = pl.Series(both["exact_key"] & same["exact_key"])
    out["generation_conflict"] = pl.Series(both["generation"] & ~same["generation"])
    out["same_side"] = _unless_missing(same["source"], both["source"])
    out["kind_mismatch"] = _unless_missing(~same["kind"], both["kind"])
    return out


def _unless_missing(values: np.ndarray, present: np.ndarray) -> pl.Series:
    """Boolean `values` as a Series, null where not `present`."""
    series = pl.Series(values)
    if present.all():
        return series
    return pl.select(pl.when(pl.Series(present)).then(series)).to_series()


def _people(prepared: Prepared, a: np.ndarray, b: np.ndarray) -> dict[str, pl.Series]:
    """`names.compare_people`'s columns for pairs of records at positions `a`, `b`, computed
    once per distinct pair of people: records with the same kind and name parts are one person
    to it (at 100k × 100k, 455k candidate pairs hold 216k distinct pairs of people). Pairs are
    compared in two sets, by whether either side has a partner (`names.combos`): nine in ten
    pairs are two records of one person each, and need a quarter of the work. Pairs that are
    not two individuals (a business on either side) are not compared at all (`_NOBODY`)."""
    ids, stand_in = prepared.person, prepared.stand_in
    base = len(stand_in) + 1
    keys, inverse = np.unique(ids[a] * base + ids[b], return_inverse=True)
    left, right = stand_in[keys // base], stand_in[keys % base]
    partnered = prepared.names.partnered
    either = partnered[left] | partnered[right]
    individual = prepared.names.individual
    people = (individual[left] == 1) & (individual[right] == 1)
    frames, rows = [], []
    # Two sets, not four: a set costs a few milliseconds however small, and the pairs with a
    # partner (one in ten) are compared every way, as all pairs once were.
    for partners in (False, True):
        part = np.flatnonzero(people & (either == partners))
        if not part.size:
            continue
        pairs_of = combos(partners, partners)
        inputs = person_inputs(prepared.names, left[part], right[part], pairs_of)
        frames.append(compare_people(pl.DataFrame(inputs).lazy(), pairs_of).select(_PERSON))
        rows.append(part)
    compared = pl.concat([*frames, _NOBODY]).collect()
    # Row of each distinct pair of people in `compared` (the sets one after another, then the
    # one row standing for every pair that is not two individuals).
    position = np.full(len(keys), compared.height - 1, dtype=np.int64)
    done = np.concatenate([np.empty(0, dtype=np.int64), *rows])
    position[done] = np.arange(len(done))
    back = position[inverse.ravel()]
    return {name: _gather(compared[name], back) for name in _PERSON}


def _gather(series: pl.Series, rows: np.ndarray) -> pl.Series:
    """`series.gather(rows)` (a Float64 or Boolean series) by numpy."""
    present = series.is_not_null().to_numpy()
    values = series.fill_null(False if series.dtype == pl.Boolean else 0.0).to_numpy()
    return _unless_missing(values[rows], present[rows])


def compare_pairs(records: pl.DataFrame | Prepared, pairs: pl.DataFrame) -> pl.DataFrame:
    """Compare pairs (`a`, `b` row indices into `records`) field by field; `records` is a keyed
    records frame or, to compare many chunks of one, its `prepare`d form.

    Returns the pair columns given and `COMPARED`: `name`, `email`, `phone`, `address` (0–100
    or null where either side lacks the field), `name_rarity` (ln(u / tf) of the pair's name,
    see `weighing._frequency_adjustment`), `same_side` (both records from one list) and the
    flags `given_conflict`, `generation_conflict`, `joint_mismatch`, `kind_mismatch`,
    `nickname`, `exact_name`. None of it depends on the weights (`weighing.weigh` applies them).
    """
    prepared = records if isinstance(records, Prepared) else prepare(records)
    sides = _sides(prepared, pairs["a"].to_numpy(), pairs["b"].to_numpy())
    # One lazy query from here: Polars shares the subexpressions and materialises once.
    df = pl.concat([pairs, pl.DataFrame(sides)], how="horizontal").lazy()
    df = df.with_columns(
        pl.when(pl.col("person_name").is_not_null())
        # Two joint clients are compared as wholes too ("Smith, John and Mary" = "John & Mary
        # Smith"); one person against a joint client only through the partner it matches.
        .then(pl.max_horizontal("person_name",
                                pl.when("both_joint").then(pl.col("name_full"))))
        .otherwise(pl.col("name_full"))
        .round(1)
        .alias("name"),
        # The name's frequency, the larger of the two sides', as log-odds against the chance
        # that two random records share a name; weighing bounds it by the weights in force.
        (pl.lit(prepared.u).log() - pl.col("name_tf").log()).alias("name_rarity"),
    )
    # A postcode one typo away (2231/2232, 3153/3135) is half an agreement; a different
    # postcode in the same town keeps half the town's agreement.
    postal = pl.when(pl.col("postal_sim").is_not_null()).then(
        pl.when(pl.col("postal_sim") >= 100).then(100.0)
        .when(pl.col("postal_sim") >= 75).then(50.0).otherwise(0.0)
    )
    place = (
        pl.when(postal.is_not_null() & pl.col("city_sim").is_not_null())
        .then(pl.max_horizontal(postal, 0.5 * pl.col("city_sim")))
        .when(postal.is_not_null()).then(postal)
        .otherwise(pl.col("city_sim"))
    )
    address = (
        pl.when(pl.col("street_sim").is_not_null() & place.is_not_null())
        .then(0.5 * pl.col("street_sim") + 0.5 * place)
        .otherwise(place)
        .round(1)
    )
    df = df.with_columns(address.alias("address"))
    return df.select(*pairs.columns, *COMPARED).collect()


def score_pairs(records: pl.DataFrame | Prepared, pairs: pl.DataFrame,
                weights: Weights = DEFAULT) -> pl.DataFrame:
    """Compare pairs (see `compare_pairs`) and weigh them (`weighing.weigh`): besides the
    pair columns and `COMPARED`, each field's evidence `w_name`, `w_email`, `w_phone`,
    `w_address` (log-odds), the evidence `weight`, the combined `score` and the `cap`, and both
    records' `source`, `generation` and `given_key` (`<col>_a`, `<col>_b`), ready for
    `weighing.explain`. For one frame of pairs (a re-scored edit); a matching run compares its
    candidates once and weighs them after learning the weights.
    """
    prepared = records if isinstance(records, Prepared) else prepare(records)
    return with_sides(weigh(compare_pairs(prepared, pairs), weights), prepared.records)


def with_name_frequency(records: pl.DataFrame) -> pl.DataFrame:
    """`records` with `name_tf`: the share of all records that carry the same `sorted_key`
    (the name with its words in order), null for records without a name."""
    return records.with_columns(
        pl.when(pl.col("sorted_key").is_not_null())
        .then(pl.len().over("sorted_key") / pl.len()).alias("name_tf")
    )


def _name_collision(sorted_names: Coded) -> float:
    """u for the term-frequency adjustment: the chance that two random records share a name,
    the sum of every name's squared share among records with a name (1.0 when none has one).
    Counted on the frame's own `sorted_key` (coded), not read from `name_tf`: a frame of a few
    records re-scored after an edit carries the `name_tf` of the whole lists."""
    codes = sorted_names.codes["sorted_key"]
    counts = np.bincount(codes[codes >= 0]).astype(np.int64)
    if not counts.size:
        return 1.0
    # Summed in integers, so the vocabulary's (arbitrary) order cannot change the last bit.
    return int((counts * counts).sum()) / int(counts.sum()) ** 2
