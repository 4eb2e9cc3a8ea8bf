"""Apply throughput: 5,000 changes against the local sandbox with Intuit's limits switched on.

Prints operations per minute next to the limit itself. The sandbox enforces 500 requests a
minute, 10 at once and 40 batch requests a minute (answering 429 past them); the client keeps
under them. With batches of 30 the ceiling is 40 × 30 = 1,200 operations a minute; one
request per operation would be capped at 500.

    python bench/apply.py                 # 5,000 creates and updates
    python bench/apply.py --ops 1000

Then undo and apply the same plan again, timing the scan of the journal that finds the
SyncTokens its own writes left.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, where bench/tui.py would shadow the tui package.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import requests  # noqa: E402

from tui.sandbox.server import SandboxConfig, SandboxServer  # noqa: E402
from tui.sandbox.store import CustomerStore  # noqa: E402
from tui.service import apply  # noqa: E402
from tui.service.config import QboConfig  # noqa: E402
from tui.service.journal import Journal  # noqa: E402
from tui.service.plan import Operation, Plan  # noqa: E402
from tui.service.qbo import oauth  # noqa: E402
from tui.service.qbo.client import QboClient  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=5000)
    args = parser.parse_args()
    os.environ["CQTRIAGE_HOME"] = tempfile.mkdtemp(prefix="cqbench-apply-")
    store = CustomerStore()
    updates = args.ops // 2
    for n in range(updates):
        store.create({"DisplayName": f"Existing {n:05d}"})
    server = SandboxServer(store, SandboxConfig(requests_per_minute=500, max_concurrent=10,
                                                batches_per_minute=40))
    server.serve_in_thread()
    config = QboConfig(environment="local", local_url=server.url, client_id="sandbox-client",
                       client_secret="sandbox-secret",
                       redirect_uri="http://localhost:8000/callback")
    pending = oauth.start_login(config)
    redirect = requests.get(pending.url, allow_redirects=False, timeout=10).headers["Location"]
    client = QboClient(config, oauth.finish_login(pending, redirect, config), save=lambda t: None)
    operations = [Operation("update", f"qbo:{n + 1}", {"GivenName": f"Given{n}"},
                            {"GivenName": None}, qbo_id=str(n + 1), sync_token="0")
                  for n in range(updates)]
    operations += [Operation("create", f"canopy:N{n}", {"DisplayName": f"New {n:05d}"})
                   for n in range(args.ops - updates)]
    journal = Journal(Path(os.environ["CQTRIAGE_HOME"]) / "bench.sqlite")
    run = apply.start_apply(journal, Plan(operations, [], [], True))
    shown = [0.0]
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - shown[0] > 10 or done == total:
            shown[0] = now
            print(f"  {done:,}/{total:,} after {now - started:.0f} s", flush=True)

    result = apply.run(journal, client, run, progress)
    seconds = time.perf_counter() - started
    per_minute = result.done / seconds * 60
    print(f"\n{result.done:,} operations ({len(result.failed)} failed, "
          f"{len(result.conflicts)} conflicts) in {seconds:.1f} s")
    print(f"{per_minute:,.0f} operations a minute; the limit: 40 batches × 30 = 1,200 a minute "
          f"({per_minute / 1200:.0%} of it); one request an operation would allow 500")
    print(f"requests answered: {server.requests_seen:,}; retries after 429: {client.retries}")

    # Undo, then apply again on the same (now older) plan: the journal's own writes supply
    # the SyncTokens, so nothing conflicts; the scan of the journal is the cost measured.
    undone = apply.run(journal, client, apply.start_undo(journal))
    started = time.perf_counter()
    rows = apply.preview_apply(journal, Plan(operations, [], [], True))
    scan = time.perf_counter() - started
    again = apply.run(journal, client, apply.start_apply(journal, Plan(operations, [], [], True)))
    print(f"undo: {undone.done:,} done, {len(undone.conflicts)} conflicts; apply again: "
          f"{again.done:,} done, {len(again.conflicts)} conflicts, {len(again.failed)} failed")
    print(f"preparing apply again over {3 * result.done:,} journaled operations: "
          f"{scan * 1000:,.0f} ms for {len(rows):,} rows")
    server.shutdown()


if __name__ == "__main__":
    main()
