"""`cqtriage open --qbo live`: the app's loader reads QBO through the API, then the report."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui.app import TriageApp
from tui.sandbox.seed import customers_from_csv
from tui.sandbox.server import SandboxServer, seed_from_records
from tui.screens.report import ReportScreen
from tui.service.config import Config, QboConfig
from tui.service.inputs import SessionInputs
from tui.service.qbo.tokens import Tokens
from tui.service.sources.qbo_api import snapshot_loader, snapshot_path

DATA = Path(__file__).parent.parent / "data"


def test_open_live_reads_qbo_in_the_loader(server: SandboxServer, qbo_config: QboConfig,
                                           tokens: Tokens) -> None:
    seed_from_records(server.store, customers_from_csv(DATA / "labelled_qbo.csv"))
    inputs = SessionInputs.of(DATA / "labelled_canopy.csv", snapshot_path(tokens.realm_id))

    async def scenario() -> None:
        app = TriageApp(inputs, Config(qbo=qbo_config),
                        prepare=snapshot_loader(qbo_config, tokens))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            for _ in range(50):
                await pilot.pause()
                if isinstance(app.screen, ReportScreen):
                    break
            assert isinstance(app.screen, ReportScreen)
            report = app.session.report
            assert report.qbo.frame.height == 12  # the job is not served by the sandbox seed
            assert report.qbo.frame["sync_token"].null_count() == 0  # so apply can use it
            assert report.counts()["matched"] >= 3

    asyncio.run(scenario())
