"""The edit form: every field of a record, checked as QBO checks it, messages beside the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static
from textual.widgets.input import Selection

from tui.commands import bindings
from tui.screens.dialogs import MessageDialog
from tui.service.validate import EDITABLE_FIELDS

if TYPE_CHECKING:
    from tui.service.triage import Triage

Validator = Callable[[dict[str, str]], dict[str, str]]
"""Values → field → message; the edit form calls it on every change."""


class FieldInput(Input):
    """A field of the form. Entered with Tab it selects its text, so typing replaces it; but
    the field focused as the form opens gets the cursor at its end with nothing selected: the
    user has not chosen to replace it, and one keystroke would replace the whole name."""

    def __init__(self, value: str, *, id: str, opens_focused: bool = False) -> None:
        super().__init__(value, id=id, compact=True)
        self._opens_focused = opens_focused

    def on_focus(self) -> None:
        # Runs before Input's own focus handler (a subclass's handler comes first), which
        # selects the text when `select_on_focus`: off for this one focus, back on after it.
        if self._opens_focused:
            self._opens_focused = False
            self.select_on_focus = False
            self.selection = Selection.cursor(len(self.value))
            self.call_next(setattr, self, "select_on_focus", True)


class EditScreen(ModalScreen[dict[str, str] | None]):
    """Answers the changed fields on save, None on cancel."""

    SCOPE = "edit"
    BINDINGS = bindings("edit")
    AUTO_FOCUS = "#field-display_name"
    """Typing goes to the first field at once."""

    DEFAULT_CSS = """
    EditScreen { align: center middle; }
    EditScreen > VerticalScroll {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    EditScreen .field { height: auto; }
    EditScreen .field Label { width: 18; padding: 0 1 0 0; }
    EditScreen .field Input { width: 1fr; }
    EditScreen .field Input:focus { background: $boost; text-style: bold; }
    EditScreen .error { color: $error; padding-left: 18; display: none; }
    EditScreen .error.-shown { display: block; }
    EditScreen .warning { color: $warning; padding-left: 18; display: none; }
    EditScreen .warning.-shown { display: block; }
    EditScreen #edit-title { text-style: bold; }
    """

    @classmethod
    def for_record(cls, triage: Triage, item_id: str, key: str) -> EditScreen:
        """The form for a record as an item shows it (its edits applied), checked by QBO's
        rules as the triage applies them to that record."""
        from tui.service.edit_checks import edit_warnings
        from tui.service.plan import name_check

        shown = triage.shown(key, triage.state(item_id))
        # Read once as the form opens: QBO's names after our own writes and those the other
        # decisions give, as the plan will check them.
        check = name_check(triage, key) if key.startswith("qbo:") else None

        def refusal(name: str) -> str | None:
            # An unchanged name is not sent, so the plan has nothing to refuse about it.
            if check is None or name.strip() == shown.get("display_name", "").strip():
                return None
            return check(name)

        return cls(key, shown, lambda values: triage.validate_edit(key, values, refusal),
                   lambda values: edit_warnings(triage.report, key, values, shown))

    def __init__(self, key: str, values: dict[str, str], validate: Validator,
                 warn: Validator | None = None) -> None:
        super().__init__()
        self.key = key
        self.original = {name: values.get(name, "") for name, _ in EDITABLE_FIELDS}
        self.validate = validate
        self.warn = warn
        """Warnings that do not stop a save (a name another record already has)."""

    def compose(self) -> ComposeResult:
        # Not a tab stop of its own: Tab goes from the last field straight back to the first.
        with VerticalScroll(can_focus=False):
            yield Label(f"Edit {self.key}   ctrl+s: save   escape: cancel", id="edit-title")
            for name, label in EDITABLE_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield FieldInput(self.original[name], id=f"field-{name}",
                                     opens_focused=f"#field-{name}" == self.AUTO_FOCUS)
                yield Static("", id=f"error-{name}", classes="error")
                yield Static("", id=f"warning-{name}", classes="warning")
        yield Footer(compact=True, show_command_palette=False)

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#field-{name}", Input).value
                for name, _ in EDITABLE_FIELDS}

    def show_errors(self) -> dict[str, str]:
        """Check every field and put each message under its field; return the errors that
        stop a save. A field left as the record has it is not sent in an update, so a rule it
        breaks (a state written out, "Oregon") is a warning, not a reason to refuse the edit
        of another field; the plan checks what a create would send before anything goes."""
        values = self.values()
        found = self.validate(values)
        errors = {name: message for name, message in found.items()
                  if values.get(name, "") != self.original.get(name, "")}
        untouched = {name: f"as the list has it; QBO may refuse it: {message}"
                     for name, message in found.items() if name not in errors}
        for name, _ in EDITABLE_FIELDS:
            box = self.query_one(f"#error-{name}", Static)
            message = errors.get(name, "")
            box.update(f"↑ {message}" if message else "")
            box.set_class(bool(message), "-shown")
        warnings = {**(self.warn(values) if self.warn is not None else {}), **untouched}
        for name, _ in EDITABLE_FIELDS:
            box = self.query_one(f"#warning-{name}", Static)
            message = "" if name in errors else warnings.get(name, "")
            box.update(f"⚠ {message}" if message else "")
            box.set_class(bool(message), "-shown")
        return errors

    @on(Input.Changed)
    def _changed(self) -> None:
        self.show_errors()

    def action_save(self) -> None:
        errors = self.show_errors()
        if errors:
            first = next(name for name, _ in EDITABLE_FIELDS if name in errors)
            self.query_one(f"#field-{first}", Input).focus()
            self.notify(f"{len(errors)} field(s) need fixing before QBO would accept them.",
                        severity="warning")
            return
        self.dismiss(self.changed())

    def action_next_field(self, step: int) -> None:
        # Focus moves now, as the app reads the Tab, not when the field has handled the keys
        # before it: the keys after it in the same burst go to the new field.
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def changed(self) -> dict[str, str]:
        """The fields whose values differ from the record's."""
        return {k: v for k, v in self.values().items() if v != self.original[k]}

    def action_cancel(self) -> None:
        changes = self.changed()
        if not changes:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        names = ", ".join(label for name, label in EDITABLE_FIELDS if name in changes)
        self.app.push_screen(MessageDialog(
            "Discard your changes?", f"Changed and not saved: {names}.",
            "Enter: discard them   Escape: keep editing"), answered)
