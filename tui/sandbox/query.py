"""The subset of Intuit's query language python-quickbooks sends for name lists.

    select * | count(*) from Customer|Vendor|Employee [where COND [and COND]...]
        [orderby FIELD [asc|desc]] [startposition N] [maxresults N]
    COND: FIELD (= | != | < | > | <= | >=) VALUE  |  FIELD in (VALUE, ...)  |  FIELD like 'a%'

In a quoted value a backslash escapes the next character (`\\'` is a quote, `\\\\` one
backslash), as python-quickbooks' callers escape them; `''` is also read as one quote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox.wire import Fault, query_error

MAX_RESULTS = 1000
DEFAULT_RESULTS = 100

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^'\\]|\\.|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><=|>=|!=|=|<|>)"
    r"|(?P<punct>[(),*])|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"
)


@dataclass
class Query:
    """A parsed query."""

    count: bool
    entity: str
    conditions: list[Callable[[dict[str, Any]], bool]] = field(default_factory=list)
    filters_active: bool = False
    order_by: str = "Id"
    descending: bool = False
    start: int = 1
    max_results: int = DEFAULT_RESULTS


def _tokens(text: str) -> list[tuple[str, str]]:
    out, position = [], 0
    text = text.strip().rstrip(";")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise query_error(f"QueryParserError: Encountered an unexpected character at "
                              f"position {position + 1}: {text[position:position + 10]!r}")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return out


def _value(kind: str, raw: str) -> Any:
    if kind == "str":
        # One pass, left to right: in 'a\\' the backslash is escaped and the quote ends
        # the string.
        return re.sub(r"\\(.)|''", lambda m: m.group(1) or "'", raw[1:-1], flags=re.DOTALL)
    if kind == "num":
        return float(raw) if "." in raw else int(raw)
    if kind == "word" and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise query_error(f"QueryParserError: expected a value, got {raw!r}")


def field_value(record: dict[str, Any], name: str) -> Any:
    """A (possibly dotted) field of a stored customer; PrimaryEmailAddr means its Address."""
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        key = next((k for k in value if k.lower() == part.lower()), None)
        value = value.get(key) if key else None
    if isinstance(value, dict) and "Address" in value:
        value = value["Address"]
    if isinstance(value, dict) and "FreeFormNumber" in value:
        value = value["FreeFormNumber"]
    return value


def _compare(left: Any, op: str, right: Any) -> bool:
    if isinstance(right, str) and isinstance(left, str):
        left, right = left.casefold(), right.casefold()
    if isinstance(right, int | float) and isinstance(left, str) and left.isdigit():
        left = int(left)
    if left is None:
        return op == "!=" and right is not None
    try:
        return {"=": left == right, "!=": left != right, "<": left < right, ">": left > right,
                "<=": left <= right, ">=": left >= right}[op]
    except TypeError:
        return False


def _like(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(p) for p in pattern.split("%")) + "$",
                      re.IGNORECASE | re.DOTALL)


def parse(text: str) -> Query:
    """Parse a statement or raise a Fault (4000 for syntax, 4001 for out-of-range values)."""
    tokens = _tokens(text)
    position = 0

    def peek(offset: int = 0) -> tuple[str, str]:
        index = position + offset
        return tokens[index] if index < len(tokens) else ("", "")

    def take_word(*words: str) -> str:
        nonlocal position
        kind, raw = peek()
        if kind != "word" or (words and raw.lower() not in words):
            wanted = " or ".join(words) if words else "a name"
            raise query_error(f"QueryParserError: expected {wanted}, got {raw or 'the end'!r}")
        position += 1
        return raw

    def take(kind_wanted: str, raw_wanted: str | None = None) -> str:
        nonlocal position
        kind, raw = peek()
        if kind != kind_wanted or (raw_wanted is not None and raw != raw_wanted):
            raise query_error(f"QueryParserError: expected {raw_wanted or kind_wanted}, "
                              f"got {raw or 'the end'!r}")
        position += 1
        return raw

    take_word("select")
    if peek() == ("punct", "*"):
        take("punct", "*")
        count = False
    else:
        take_word("count")
        take("punct", "(")
        take("punct", "*")
        take("punct", ")")
        count = True
    take_word("from")
    query = Query(count=count, entity=take_word())
    if peek()[0] == "word" and peek()[1].lower() == "where":
        take_word("where")
        while True:
            name = take_word()
            if name.lower() == "active":
                query.filters_active = True
            kind, raw = peek()
            if kind == "op":
                position += 1
                value = _value(*peek())
                position += 1
                query.conditions.append(
                    lambda r, n=name, o=raw, v=value: _compare(field_value(r, n), o, v))
            elif kind == "word" and raw.lower() == "in":
                position += 1
                take("punct", "(")
                values = [_value(*peek())]
                position += 1
                while peek() == ("punct", ","):
                    position += 1
                    values.append(_value(*peek()))
                    position += 1
                take("punct", ")")
                query.conditions.append(
                    lambda r, n=name, vs=tuple(values): any(
                        _compare(field_value(r, n), "=", v) for v in vs))
            elif kind == "word" and raw.lower() == "like":
                position += 1
                pattern = _like(str(_value(*peek())))
                position += 1
                query.conditions.append(
                    lambda r, n=name, p=pattern: bool(p.match(str(field_value(r, n) or ""))))
            else:
                raise query_error(f"QueryParserError: expected an operator after {name}")
            if peek()[0] == "word" and peek()[1].lower() == "and":
                position += 1
                continue
            break
    while peek()[0] == "word":
        keyword = take_word("orderby", "order", "startposition", "maxresults").lower()
        if keyword in ("orderby", "order"):
            if keyword == "order":
                take_word("by")
            query.order_by = take_word()
            if peek()[0] == "word" and peek()[1].lower() in ("asc", "desc"):
                query.descending = take_word().lower() == "desc"
        else:
            number = int(take("num"))
            if keyword == "startposition":
                if number < 1:
                    raise query_error(f"QueryValidationError: value {number} is too small. "
                                      "Min allowed value is 1", "4001")
                query.start = number
            else:
                if number < 1:
                    raise query_error(f"QueryValidationError: value {number} is too small. "
                                      "Min allowed value is 1", "4001")
                if number > MAX_RESULTS:
                    raise query_error(f"QueryValidationError: value {number} is too large. "
                                      f"Max allowed value is {MAX_RESULTS}", "4001")
                query.max_results = number
    if position != len(tokens):
        raise query_error(f"QueryParserError: unexpected {peek()[1]!r}")
    return query


ENTITIES = {"customer": "Customer", "vendor": "Vendor", "employee": "Employee"}


def entity_of(query: Query) -> str:
    """The entity's canonical name; a Fault for one the sandbox does not serve."""
    entity = ENTITIES.get(query.entity.lower())
    if entity is None:
        raise Fault(400, "4000", "Error parsing query", "QueryParserError: this server serves "
                    f"Customer, Vendor and Employee, not {query.entity}")
    return entity


def run(query: Query, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The QueryResponse for a parsed query over stored records of its entity (internal
    form), rows under the entity's name."""
    entity = entity_of(query)
    # Without a filter on Active, QBO answers with active customers only.
    rows = [r for r in records if (query.filters_active or r.get("Active", True))
            and all(condition(r) for condition in query.conditions)]
    if query.count:
        return {"totalCount": len(rows)}

    def key(record: dict[str, Any]) -> Any:
        value = field_value(record, query.order_by)
        if isinstance(value, str) and value.isdigit():
            return (0, int(value), "")
        return (1, 0, str(value or "").casefold())

    rows.sort(key=key, reverse=query.descending)
    page = rows[query.start - 1: query.start - 1 + query.max_results]
    if not page:
        return {}
    return {entity: page, "startPosition": query.start, "maxResults": len(page)}
