"""QBO's wire formats: Fault bodies with Intuit's codes, and the time stamp every body carries."""

from __future__ import annotations

import datetime as dt
from typing import Any


def now_text() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="milliseconds")


class Fault(Exception):
    """A QBO Fault: HTTP status, Intuit's code, message, detail and the element at fault."""

    def __init__(self, status: int, code: str, message: str, detail: str = "",
                 element: str = "", kind: str = "ValidationFault") -> None:
        super().__init__(f"{code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.element = element
        self.kind = kind

    def body(self) -> dict[str, Any]:
        return {"Fault": {"Error": [{"Message": self.message, "Detail": self.detail,
                                     "code": self.code, "element": self.element}],
                          "type": self.kind},
                "time": now_text()}


def duplicate_name(holder_id: str) -> Fault:
    return Fault(400, "6240", "Duplicate Name Exists Error",
                 "The name supplied already exists. : Another customer, vendor or employee is "
                 f"already using this \nname. Please use a different name. : Id={holder_id}")


def stale_object(entity_id: str) -> Fault:
    return Fault(400, "5010", "Stale Object Error",
                 "Stale Object Error : You and another user were working on this at the same "
                 f"time. The other user finished before you did, so your work was not saved. "
                 f"Id={entity_id}")


def not_found(entity_id: str) -> Fault:
    return Fault(400, "610", "Object Not Found",
                 f"Object Not Found : Something you're trying to use has been made inactive. "
                 f"Check the fields with accounts, customers, items, vendors or employees. "
                 f"Id={entity_id}")


def required(element: str) -> Fault:
    return Fault(400, "2020", "Required param missing, need to supply the required value "
                 "for the API", f"Required parameter {element} is missing in the request",
                 element)


def too_long(element: str, maximum: int, supplied: int) -> Fault:
    return Fault(400, "2050", "Invalid String Length",
                 f"String length specified does not match the supported length. Min:0 "
                 f"Max:{maximum} supplied:{supplied}", element)


def invalid_characters(element: str) -> Fault:
    return Fault(400, "6000", "A business validation error has occurred while processing "
                 "your request", f"Business Validation Error: {element} may not contain a colon "
                 "(:), a tab or a new line.", element)


def query_error(detail: str, code: str = "4000") -> Fault:
    # 4001's Message is "Invalid query" (qbo-samples/fault_4001_query_validation.xml).
    message = "Error parsing query" if code == "4000" else "Invalid query"
    return Fault(400, code, message, detail)


def authentication_body(detail: str) -> dict[str, Any]:
    """Intuit's gateway 401: lower-case keys, epoch-millisecond time (as captured live)."""
    return {"warnings": None, "intuitObject": None,
            "fault": {"error": [{"message": "message=AuthenticationFailed; errorCode=003200; "
                                 "statusCode=401", "detail": detail, "code": "3200",
                                 "element": None}], "type": "AUTHENTICATION"},
            "report": None, "queryResponse": None, "batchItemResponse": [],
            "attachableResponse": [], "syncErrorResponse": None, "requestId": None,
            "time": int(dt.datetime.now(dt.UTC).timestamp() * 1000), "status": None,
            "cdcresponse": []}


THROTTLE_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<IntuitResponse time="{time}" xmlns="http://schema.intuit.com/finance/v3">
  <Fault type="SERVICE">
    <Error code="3001">
      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>
      <Detail>The request limit was reached.  Try again later</Detail>
    </Error>
  </Fault>
</IntuitResponse>
"""
"""Intuit has answered throttling in XML even to JSON requests; so does this server."""
