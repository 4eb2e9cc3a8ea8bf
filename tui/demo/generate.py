"""A seeded generator of realistic paired client lists that records the truth.

Each *entity* is one real client (a person, a joint household client or a business). The
generator writes it to Canopy, QBO or both, with the variations real lists carry: swapped name
order, typos, nicknames, legal-suffix spellings, shared family e-mails, inactive QBO duplicates,
namesakes, household members, sub-customers and records on one side only. The truth table says
which records are the same entity.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field

import nicknames

from tui.demo import pools
from tui.demo.files import write_pair as write_pair  # re-exported: callers import it here
from tui.demo.honest import HonestLists

OWNERS = ["Ann Park", "Raj Patel", "Lena Ortiz", "Sam Reed"]
ACCENTED = {"pena": "Peña", "munoz": "Muñoz", "nunez": "Núñez", "gomez": "Gómez",
            "diaz": "Díaz", "hernandez": "Hernández", "ramirez": "Ramírez"}


@dataclass
class Entity:
    """One real client."""

    eid: int
    kind: str
    given: str = ""
    family: str = ""
    partner: str = ""
    company: str = ""
    suffix: tuple[str, list[str]] = ("", [])
    email: str = ""
    phone: str = ""
    street_no: int = 0
    street: str = ""
    street_type: tuple[str, str] = ("Street", "St")
    city: tuple[str, str, str] = ("", "", "")
    zip_code: str = ""
    note: str = ""
    partner_family: str = ""
    generation: str = ""


@dataclass
class DemoPair:
    """Rows for both files and the truth, ready to write."""

    canopy: list[dict[str, str]] = field(default_factory=list)
    qbo: list[dict[str, str]] = field(default_factory=list)
    truth: list[dict[str, str]] = field(default_factory=list)


class _Generator(HonestLists):
    def __init__(self, seed: int, honest: bool = False, names: int = 0) -> None:
        self.rng = random.Random(seed)
        self.honest = honest
        """Lists as hard as real ones (see `generate`); off for the bundled demo."""
        self.names = names
        """When set, people draw from only this many given names and as many surnames."""
        namer = nicknames.NickNamer()
        self.nicks = {name: sorted(nicks) for name, nicks in namer.nickname_lookup.items()
                      if len(name) > 2}
        self.given_pool = sorted(self.nicks)
        self.pair = DemoPair()
        self.next_eid = 0
        self.next_qbo_id = 1
        self.qbo_names: set[str] = set()
        """Display names taken in QBO (folded): QBO refuses a second customer of one name."""

    # Entities -------------------------------------------------------------------------------
    def _eid(self) -> int:
        self.next_eid += 1
        return self.next_eid

    def _place(self, e: Entity) -> None:
        rng = self.rng
        e.street_no = rng.randint(1, 9899)
        e.street = rng.choice(pools.STREETS).title()
        e.street_type = rng.choice(pools.STREET_TYPES)
        e.city = rng.choice(pools.CITIES)
        e.zip_code = e.city[2] + f"{rng.randint(1, 99):02d}"
        e.phone = f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"

    def person(self, family: str | None = None) -> Entity:
        rng = self.rng
        e = Entity(self._eid(), "individual")
        if self.names:
            e.given = rng.choice(pools.COMMON_GIVEN[: self.names])
            e.family = family or rng.choice(pools.SURNAMES[: self.names])
        elif self.honest:
            # As skewed as real names: a few very common given and family names, and half the
            # families from a long tail of rare ones.
            e.given = self._zipf(self.given_pool, given=True)
            e.family = family or (self._zipf(pools.SURNAMES) if rng.random() < 0.5
                                  else self._rare_surname())
        else:
            e.given = rng.choice(self.given_pool)
            e.family = family or rng.choice(pools.SURNAMES)
        self._place(e)
        e.email = (f"{e.given}.{e.family}{rng.randint(1, 999)}@{rng.choice(pools.EMAIL_DOMAINS)}"
                   if rng.random() < 0.92 else "")
        if self.honest and rng.random() < 0.3:
            e.email = e.phone = ""  # name and address only, as many firms' lists are
        return e

    def business(self) -> Entity:
        rng = self.rng
        e = Entity(self._eid(), "business")
        trade = rng.choice(pools.BUSINESS_TRADES)
        surname, word = rng.choice(pools.SURNAMES), rng.choice(pools.BUSINESS_WORDS)
        e.company = rng.choice([
            f"{surname} {trade}",
            f"{word} {trade}",
            f"{surname} & {rng.choice(pools.SURNAMES)} {trade}",
            f"{word} {rng.choice(pools.BUSINESS_WORDS)} {trade}",
            f"{rng.choice(self.given_pool)} {surname} {trade}",
        ]).title()
        e.suffix = rng.choice(pools.BUSINESS_SUFFIXES)
        self._place(e)
        # Two firms may share a name, never a mail domain: add the town as small firms do.
        domain = (e.company + e.city[0]).lower().replace(" ", "")
        e.email = f"{rng.choice(['info', 'office', 'billing', 'admin'])}@{domain}.com"
        return e

    # Names -----------------------------------------------------------------------------------
    def _surname(self, family: str, accents: bool) -> str:
        return ACCENTED.get(family, family.title()) if accents else family.title()

    def _typo(self, word: str) -> str:
        rng = self.rng
        if len(word) < 4:
            return word
        i = rng.randint(1, len(word) - 2)
        op = rng.choice(["swap", "drop", "double"])
        if op == "swap":
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if op == "drop":
            return word[:i] + word[i + 1 :]
        return word[:i] + word[i] + word[i:]

    def display(self, e: Entity, variant: str, accents: bool = True) -> tuple[str, str, str]:
        """Display name, first name and last name of `e` written the `variant` way."""
        if e.kind == "business":
            base, (canonical, spellings) = e.company, e.suffix
            suffix = self.rng.choice(spellings) if variant == "suffix" else canonical
            if variant == "typo":
                words = base.split()
                words[-1] = self._typo(words[-1])
                base = " ".join(words)
            if variant == "case":
                base = base.upper()
            sep = "" if suffix.startswith(",") or not suffix else " "
            return f"{base}{sep}{suffix}".strip(), "", ""
        given = e.given.title()
        family = self._surname(e.family, accents)
        if variant == "nickname" and self.nicks.get(e.given):
            given = self.rng.choice(self.nicks[e.given]).title()
        if variant in ("typo", "typo2"):
            family = self._typo(family)
        if variant == "typo2":
            given = self._typo(given)
        if e.generation and e.kind == "individual":
            family = f"{family} {e.generation}"
        if e.kind == "joint":
            partner = e.partner.title()
            if e.partner_family:
                other = e.partner_family.title()
                if variant == "one_person":
                    return f"{partner} {other}", partner, other
                return f"{given} {family} & {partner} {other}", given, family
            if variant == "family_first":
                return f"{family} {given}", "", ""
            if variant == "and":
                return f"{given} and {partner} {family}", given, family
            if variant == "last_first":
                return f"{family}, {given} and {partner}", given, family
            if variant == "one_person":
                return f"{given} {family}", given, family
            return f"{given} & {partner} {family}", given, family
        if variant == "last_first":
            return f"{family}, {given}", given, family
        if variant == "case":
            return f"{given} {family}".upper(), given, family
        if variant == "honorific":
            return f"{self.rng.choice(['Mr.', 'Ms.', 'Dr.'])} {given} {family}", given, family
        if variant == "swapped":  # given and family typed into each other's columns
            return f"{family} {given}", family, given
        if variant == "no_family":
            return given, given, ""
        return f"{given} {family}", given, family

    # Contact variations -------------------------------------------------------------------------
    def phone_text(self, digits: str) -> str:
        if not digits:
            return ""
        a, b, c = digits[:3], digits[3:6], digits[6:]
        return self.rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}",
                                f"+1 {a} {b} {c}", f"1-{a}-{b}-{c}"])

    def street_text(self, e: Entity, short: bool) -> str:
        kind = e.street_type[1] if short else e.street_type[0]
        return f"{e.street_no} {e.street} {kind}"

    # Records -----------------------------------------------------------------------------------
    def canopy_record(self, e: Entity, variant: str, note: str = "") -> None:
        rng = self.rng
        name, given, family = self.display(e, variant)
        business = e.kind == "business"
        row = {
            "Client ID": "",
            "Client Type": "Business" if business else "Individual",
            "Client Name": name,
            "Client Facing Name": name if business else f"{given} {family}",
            "First Name": "" if business else given,
            "Last Name": "" if business else family,
            "Business Name": name if business else "",
            "Email": e.email if rng.random() < 0.95 else "",
            "Phone": self.phone_text(e.phone) if rng.random() < 0.9 else "",
            "Street Address": self.street_text(e, rng.random() < 0.5),
            "City": e.city[0],
            "State": pools.STATE_NAMES.get(e.city[1], e.city[1]) if rng.random() < 0.2
            else e.city[1],
            "Zip Code": e.zip_code + (f"-{rng.randint(0, 9999):04d}" if rng.random() < 0.2
                                      else ""),
            "Client Owner": rng.choice(OWNERS),
        }
        self.pair.canopy.append(row)
        self.pair.truth.append({"source": "canopy", "record_id": "", "entity": str(e.eid),
                                "note": note or variant})
        row["_truth"] = str(len(self.pair.truth) - 1)

    def qbo_record(self, e: Entity, variant: str, active: bool = True, note: str = "",
                   contact: str = "same", job: str = "") -> None:
        rng = self.rng
        name, given, family = self.display(e, variant, accents=rng.random() < 0.5)
        if job:
            name = f"{name}:{job}"
        # As bookkeepers do when QBO says the name is taken: "John Smith (2)".
        base, number = name, 1
        while " ".join(strip_accents(name).casefold().split()) in self.qbo_names:
            number += 1
            name = f"{base} ({number})"
        self.qbo_names.add(" ".join(strip_accents(name).casefold().split()))
        email, phone = e.email, self.phone_text(e.phone)
        street = self.street_text(e, rng.random() < 0.5)
        if contact == "changed":
            domain = rng.choice(pools.EMAIL_DOMAINS)
            email = f"{e.given or 'office'}{rng.randint(1000, 9999)}@{domain}"
        elif contact == "sparse":
            email, phone, street = "", "", ""
        if rng.random() < 0.06:
            email = ""
        if rng.random() < 0.1:
            phone = ""
        if not active and rng.random() < 0.7:
            name = f"{name} (deleted)"
        qbo_id = str(self.next_qbo_id)
        self.next_qbo_id += 1
        row = {
            "Id": qbo_id, "Customer": name,
            "Company": name.removesuffix(" (deleted)") if e.kind == "business" else "",
            "First Name": "" if e.kind == "business" else given,
            "Last Name": "" if e.kind == "business" else family,
            "Email": email, "Phone": phone, "Street": street,
            "City": e.city[0] if street else "", "State": e.city[1] if street else "",
            "ZIP": self.zip_text(e.zip_code) if street else "",
            "Country": self.country_text() if street else "",
            "Status": "Active" if active else "Inactive",
        }
        self.pair.qbo.append(row)
        entity = f"job-{qbo_id}" if job else str(e.eid)
        self.pair.truth.append({"source": "qbo", "record_id": qbo_id, "entity": entity,
                                "note": note or variant})

    # Plans -----------------------------------------------------------------------------------
    def cross_variant(self, e: Entity) -> str:
        rng = self.rng
        if e.kind == "business":
            return rng.choices(["same", "suffix", "case", "typo"], [55, 30, 7, 8])[0]
        if e.kind == "joint":
            if self.honest:
                return rng.choices(["same", "one_person", "and", "family_first"],
                                   [35, 35, 15, 15])[0]
            return rng.choices(["same", "one_person"], [50, 50])[0]
        if self.honest:
            # FEBRL-like corruption beside the usual spellings.
            return rng.choices(
                ["same", "last_first", "typo", "nickname", "case", "honorific", "typo2",
                 "swapped", "no_family"], [48, 12, 8, 8, 5, 5, 7, 5, 2])[0]
        return rng.choices(["same", "last_first", "typo", "nickname", "case", "honorific"],
                           [58, 14, 8, 8, 6, 6])[0]

    def place_entity(self, e: Entity) -> None:
        rng = self.rng
        roll = rng.random()
        canopy_style = "last_first" if e.kind != "business" and rng.random() < 0.25 else "same"
        if roll < 0.66:
            self.canopy_record(e, canopy_style)
            contact = rng.choices(["same", "changed", "sparse"], [86, 7, 7])[0]
            qv = self.cross_variant(e)
            if canopy_style == "last_first" and qv == "same" and rng.random() < 0.5:
                qv = "last_first"  # some firms name QBO customers "Last, First" as well
            self.qbo_record(e, qv, contact=contact)
            extra = rng.random()
            if extra < 0.05:
                self.canopy_record(e, rng.choice(["same", "last_first", "nickname"]),
                                   note="canopy duplicate")
            elif extra < 0.10:
                self.qbo_record(e, rng.choice(["same", "typo", "last_first"]),
                                active=rng.random() < 0.3, note="qbo duplicate")
            if e.kind == "business" and rng.random() < 0.05:
                self.qbo_record(e, "same", job=f"{rng.randint(2021, 2026)} Tax Return",
                                note="sub-customer")
        elif roll < 0.84:
            self.canopy_record(e, canopy_style, note="canopy only")
            if rng.random() < 0.08:
                self.canopy_record(e, rng.choice(["same", "last_first", "typo", "nickname"]),
                                   note="canopy duplicate, canopy only")
        else:
            self.qbo_record(e, self.cross_variant(e), active=rng.random() < 0.75,
                            note="qbo only")

    def run(self, clients: int) -> DemoPair:
        rng = self.rng
        made = 0
        while made < clients:
            roll = rng.random()
            if roll < 0.22:
                e = self.business()
            else:
                e = self.person()
                if roll > 0.94:
                    e.kind = "joint"
                    e.partner = rng.choice(self.given_pool)
                    if self.honest and rng.random() < 0.3:
                        e.partner_family = self._zipf(pools.SURNAMES)
            if self.honest and e.kind == "individual" and made + 2 < clients:
                made += self._traps(e)
            member = None
            if e.kind == "individual" and rng.random() < 0.08 and made + 1 < clients:
                # A household member: same surname, address and phone; often the same e-mail.
                member = self.person(e.family)
                member.street_no, member.street, member.street_type = (
                    e.street_no, e.street, e.street_type)
                member.city, member.zip_code, member.phone = e.city, e.zip_code, e.phone
                if rng.random() < 0.6:
                    shared = f"{e.family}family@{rng.choice(pools.EMAIL_DOMAINS)}"
                    e.email = member.email = shared
            for one in (e, member):
                if one is not None:
                    self.place_entity(one)
                    made += 1
            if e.kind == "individual" and rng.random() < 0.02 and made < clients:
                # A namesake: same name, another person in another town.
                twin = self.person(e.family)
                twin.given = e.given
                self.place_entity(twin)
                made += 1
        return self._finish()

    def _finish(self) -> DemoPair:
        rng = self.rng
        rng.shuffle(self.pair.canopy)
        for number, row in enumerate(self.pair.canopy, start=1):
            row["Client ID"] = f"C{number:06d}"
            self.pair.truth[int(row.pop("_truth"))]["record_id"] = row["Client ID"]
        rng.shuffle(self.pair.qbo)
        return self.pair


def generate(clients: int, seed: int = 7, honest: bool = False, names: int = 0) -> DemoPair:
    """Rows for about `clients` real clients' records, reproducible from `seed`.

    `honest` makes lists as hard as real ones (issue 10), for benchmarks: name frequencies as
    skewed as real ones with a long tail of rare surnames; 30 % of people with no e-mail or
    phone; FEBRL-like corruption (a typo in both parts, given and family swapped, the surname
    missing); joint clients in every shape (`A and B Surname`, `A Surname & B Other`, family
    first with no comma); relatives one letter apart (Eric/Erica), father and son (Sr./Jr.) and
    owners with their own business, sharing contacts; ZIPs without their leading zero and a
    Country column often blank. `names` (honest lists only) draws every person from that many
    given names × as many surnames: the most repetitive list there is.
    """
    return _Generator(seed, honest, names).run(clients)


def generate_sides(records: int, seed: int = 7, honest: bool = True, names: int = 0
                   ) -> DemoPair:
    """Exactly `records` records a side (about 0.85 records per client land on each side), with
    the truth trimmed to the records kept: for benchmarks at a chosen size."""
    pair = generate(math.ceil(records * 1.25), seed, honest, names)
    pair.canopy, pair.qbo = pair.canopy[:records], pair.qbo[:records]
    kept = ({("canopy", r["Client ID"]) for r in pair.canopy}
            | {("qbo", r["Id"]) for r in pair.qbo})
    pair.truth = [t for t in pair.truth if (t["source"], t["record_id"]) in kept]
    return pair


def strip_accents(text: str) -> str:
    """Text without combining marks (as a second system often stores names)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
