"""The first screen: reads and matches both inputs in a worker while showing progress."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, ProgressBar

from tui.commands import bindings
from tui.messages import LoadProgressed, SessionFailed, SessionOpened
from tui.service.config import Config
from tui.service.errors import UserError
from tui.service.inputs import SessionInputs


class LoadingScreen(Screen[None]):
    """Progress while `open_session` runs; the app takes over when it posts its result."""

    SCOPE = "app"
    BINDINGS = bindings("app")

    def __init__(self, inputs: SessionInputs, config: Config,
                 continue_earlier: bool = False) -> None:
        super().__init__()
        self.inputs = inputs
        self.config = config
        self.continue_earlier = continue_earlier
        """Take over the earlier session on these lists' records (`open --continue`)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            yield Label(f"Opening {self.inputs.canopy.name} and {self.inputs.qbo.name}…",
                        id="loading-title")
            yield ProgressBar(total=1.0, show_eta=False, id="loading-bar")
            yield Label("reading", id="loading-step")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        # Imported here, in the worker: Polars, rapidfuzz and pyarrow load while the first
        # frame is already on screen.
        import pyarrow.compute  # noqa: F401  (the report's tables need it; load it now)

        from tui.service.session import open_session

        def progress(step: str, fraction: float) -> None:
            self.post_message(LoadProgressed(step, fraction))

        try:
            prepare = getattr(self.app, "prepare", None)
            if prepare is not None:
                prepare(progress)
            session = open_session(self.inputs, self.config, progress, defer=True,
                                   continue_earlier=self.continue_earlier)
        except UserError as error:
            self.app.post_message(SessionFailed(error))
            return
        self.app.post_message(SessionOpened(session))

    def on_load_progressed(self, message: LoadProgressed) -> None:
        self.query_one("#loading-bar", ProgressBar).update(progress=message.fraction)
        self.query_one("#loading-step", Label).update(message.step)
