"""The parts of the demo generator that make benchmark lists as hard as real ones (issue 10):
skewed name frequencies, relatives and owners sharing contacts, ZIPs and countries as
spreadsheets leave them. Mixed into the generator; used only when it runs `honest`."""

from __future__ import annotations

import random
from itertools import accumulate
from typing import Any

from tui.demo import pools


class HonestLists:
    """Mixin for `generate._Generator`: needs `rng`, `honest`, `_eid`, `_place`, `person`,
    `_surname`, `place_entity` from it."""

    rng: random.Random
    honest: bool
    _eid: Any
    _place: Any
    person: Any
    _surname: Any
    place_entity: Any

    def _zipf(self, pool: list[str], given: bool = False) -> str:
        """A word of `pool` drawn with Zipf-like frequencies (the first ones far commoner);
        given names are ranked by `pools.COMMON_GIVEN` first, the rest in a fixed shuffle."""
        key = f"_zipf{id(pool)}"
        if key not in self.__dict__:
            ranked = [n for n in pools.COMMON_GIVEN if n in set(pool)] if given else []
            rest = [n for n in pool if n not in set(ranked)]
            random.Random(0).shuffle(rest)
            ordered = ranked + rest if given else pool
            weights = list(accumulate(1 / (rank + 8) for rank in range(len(ordered))))
            self.__dict__[key] = (ordered, weights)
        ordered, weights = self.__dict__[key]
        return self.rng.choices(ordered, cum_weights=weights)[0]

    def _rare_surname(self) -> str:
        return "".join(self.rng.choice(pools.SYLLABLES) for _ in range(self.rng.randint(2, 3)))

    def zip_text(self, zip_code: str) -> str:
        """A spreadsheet drops a ZIP's leading zero (honest lists only)."""
        if self.honest and zip_code.startswith("0") and self.rng.random() < 0.5:
            return zip_code.lstrip("0")
        return zip_code

    def country_text(self) -> str:
        """The Country column, often blank in honest lists."""
        if self.honest and self.rng.random() < 0.5:
            return self.rng.choice(["", "United States", "US"])
        return "USA"

    def _traps(self, e: Any) -> int:
        """Honest lists only: relatives one letter apart, father and son, an owner's own
        business, each a separate client sharing contact details with `e`. Returns how many
        clients were added."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            given, other = rng.choice(pools.GENDER_PAIRS)
            e.given = given
            relative = self.person(e.family)
            relative.given = other
        elif roll < 0.06:
            relative = self.person(e.family)
            relative.given, e.generation, relative.generation = e.given, "Sr.", "Jr."
        elif roll < 0.09:
            relative = type(e)(self._eid(), "business")
            relative.company = f"{e.given.title()} {self._surname(e.family, False)}"
            relative.suffix = rng.choice(pools.BUSINESS_SUFFIXES)
            self._place(relative)
        else:
            return 0
        relative.street_no, relative.street, relative.street_type = (
            e.street_no, e.street, e.street_type)
        relative.city, relative.zip_code = e.city, e.zip_code
        relative.phone, relative.email = e.phone, e.email
        self.place_entity(relative)
        return 1
