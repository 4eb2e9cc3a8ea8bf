"""QBO's batch endpoint in the sandbox, and the JSON body every write carries: a body that
is not a JSON object is Fault 2010; a batch is checked whole (at most 30 items, each with a bId
of 1 to 10 characters) before any item is applied, then each item answers for itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tui.sandbox import wire
from tui.sandbox.entities import ENTITIES
from tui.sandbox.store import CustomerStore

MAX_BATCH = 30
MAX_BID = 10


def parse(body: bytes) -> dict[str, Any]:
    """A write's JSON object (an empty body reads as `{}`); wire.Fault 2010 otherwise."""
    try:
        data = json.loads(body or b"{}")
    except json.JSONDecodeError as exc:
        raise wire.Fault(400, "2010", "Request has invalid or unsupported property",
                         f"Malformed JSON: {exc}") from None
    if not isinstance(data, dict):
        raise wire.Fault(400, "2010", "Request has invalid or unsupported property",
                         "The body must be a JSON object")
    return data


def run(store: CustomerStore, data: dict[str, Any],
        query: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """Apply a batch body to `store`: `{"BatchItemResponse": [{"bId", entity or Fault or
    QueryResponse}], "time"}`. `query` answers a Query item. Raises wire.Fault (2020, 2050,
    2010) for a batch refused whole, before any item is written."""
    items = data.get("BatchItemRequest")
    if not isinstance(items, list) or not items:
        raise wire.required("BatchItemRequest")
    if len(items) > MAX_BATCH:
        raise wire.Fault(400, "2050", "Invalid String Length",
                         f"A batch holds at most {MAX_BATCH} items; {len(items)} sent",
                         "BatchItemRequest")
    # Every item is checked before any is applied: a batch-level Fault means nothing was
    # written, so the answer remembered under its request id tells the whole truth.
    for item in items:
        if not isinstance(item, dict):
            raise wire.Fault(400, "2010", "Request has invalid or unsupported property",
                             "each BatchItemRequest item must be a JSON object",
                             "BatchItemRequest")
        bid = str(item.get("bId", ""))
        if not bid or len(bid) > MAX_BID:
            raise wire.Fault(400, "2050", "Invalid String Length",
                             f"bId must be 1 to {MAX_BID} characters: {bid!r}", "bId")
    out = []
    for item in items:
        bid = str(item["bId"])
        try:
            if "Query" in item:
                result = {"QueryResponse": query(item["Query"])}
            else:
                operation = item.get("operation")
                entity = next((e for e in ENTITIES if isinstance(item.get(e), dict)), None)
                if entity is None:
                    raise wire.Fault(400, "4000", "Unsupported operation", "this sandbox "
                                     "batches Customer, Vendor and Employee items only")
                if operation == "create":
                    result = {entity: store.create(item[entity], entity)}
                elif operation == "update":
                    result = {entity: store.update(item[entity], entity)}
                else:
                    raise wire.Fault(400, "6000", "A business validation error has "
                                     "occurred", f"{entity} operation {operation!r} is "
                                     "not allowed (name-list records cannot be deleted)")
            out.append({"bId": bid, **result})
        except wire.Fault as fault:
            out.append({"bId": bid, "Fault": fault.body()["Fault"]})
    return {"BatchItemResponse": out, "time": wire.now_text()}
