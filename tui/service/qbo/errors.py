"""QBO's Faults as errors a user can act on. Branch on Intuit's code, never on the message
(Intuit localises messages per company)."""

from __future__ import annotations

import re

from quickbooks.exceptions import QuickbooksException

from tui.service.errors import UserError


class QboError(UserError):
    """A QBO refusal, with Intuit's code."""

    def __init__(self, what: str, todo: str = "", *, code: str = "") -> None:
        super().__init__(what, todo)
        self.code = code


class DuplicateName(QboError):
    """6240: another customer, vendor or employee holds the name (maybe an inactive one)."""

    def __init__(self, what: str, todo: str, holder_id: str | None) -> None:
        super().__init__(what, todo, code="6240")
        self.holder_id = holder_id


class StaleObject(QboError):
    """5010: the customer changed in QBO since it was read. Re-read it; never overwrite."""


class Unreachable(QboError):
    """No answer: the connection failed or timed out, or QBO kept answering 429 / 5xx. The
    request may have been applied; resend it under the same request id, never call it failed."""


class BatchRefused(QboError):
    """QBO refused a batch request as a whole (a Fault for the request, not per item): none of
    its items was applied. Our batches are built whole, so this is a fault in the request or
    an answer QBO remembered for its request id from an earlier, cut-off send — never a
    refusal of each record, so no operation is marked failed for it."""


class NotFound(QboError):
    """610: no such customer (or it was merged away)."""


class AuthFailed(QboError):
    """3200 / HTTP 401 after a refresh, or 3100: the login no longer works for this company."""


def fault_error(exc: QuickbooksException, what: str) -> QboError:
    """The user's error for a python-quickbooks exception raised while doing `what`."""
    code = str(exc.error_code or "")
    detail = (exc.detail or "").strip()
    if code == "6240":
        holder = re.search(r"Id=(\d+)", detail)
        holder_id = holder.group(1) if holder else None
        who = f" (Id={holder_id})" if holder_id else ""
        return DuplicateName(
            f"{what}: QBO already has a customer, vendor or employee with that name{who}",
            "pick another name, or link to that record; an inactive customer keeps its name",
            holder_id)
    if code == "5010":
        return StaleObject(f"{what}: the customer changed in QBO since it was read",
                           "it goes back to the queue as a conflict; nothing was overwritten",
                           code=code)
    if code == "610":
        return NotFound(f"{what}: QBO has no such customer",
                        "it may have been merged or made inactive in QBO; refresh the list",
                        code=code)
    if code in ("401", "3200", "3100"):
        return AuthFailed(f"{what}: QBO refused the login",
                          "run `cqtriage qbo login` again", code=code)
    if code == "2050":
        return QboError(f"{what}: a value is too long for QBO ({detail})",
                        "shorten it in the edit form", code=code)
    message = exc.message if isinstance(exc.message, str) else str(exc)
    text = f"{what}: QBO refused it (code {code or '?'}: {message})"
    if detail:
        text += f" {detail[:200]}"
    return QboError(text, "fix the record and try again", code=code)
