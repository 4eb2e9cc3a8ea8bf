"""Run as a child process by tests: send one batch through QboClient (python-quickbooks,
requests, urllib3, as production does) and be SIGKILLed the moment urllib3 has put the
request's header block on the wire, before the first byte of its body — the window a kill -9
of `cqtriage apply` can land in, since urllib3 sends headers and body in separate writes.

argv: sandbox URL, the login's Tokens as JSON, the batch's request id, how many items.
"""

from __future__ import annotations

import json
import os
import signal
import sys

import urllib3.connection

from tui.service.config import QboConfig
from tui.service.qbo.client import BatchItem, QboClient, RateLimiter
from tui.service.qbo.tokens import Tokens

_put = urllib3.connection.HTTPConnection.putrequest
_end = urllib3.connection.HTTPConnection.endheaders
target = ""


def putrequest(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
    global target
    target = url
    return _put(self, method, url, *args, **kwargs)


def endheaders(self, *args, **kwargs):  # type: ignore[no-untyped-def]
    _end(self, *args, **kwargs)  # the header block is sent
    if "/batch?" in target:
        os.kill(os.getpid(), signal.SIGKILL)  # and the body never is


def main() -> None:
    url, tokens, request_id, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    urllib3.connection.HTTPConnection.putrequest = putrequest  # type: ignore[method-assign]
    urllib3.connection.HTTPConnection.endheaders = endheaders  # type: ignore[method-assign]
    config = QboConfig(environment="local", local_url=url, client_id="sandbox-client",
                       client_secret="sandbox-secret",
                       redirect_uri="http://localhost:8000/callback")
    client = QboClient(config, Tokens(**json.loads(tokens)), save=lambda t: None,
                       limiter=RateLimiter.unlimited(), batch_limiter=RateLimiter.unlimited())
    client.batch([BatchItem(str(n), "create", {"DisplayName": f"Killed Mid Send {n}"})
                  for n in range(1, count + 1)], request_id)


if __name__ == "__main__":
    main()
