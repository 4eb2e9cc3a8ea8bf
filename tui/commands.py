"""Every user action, declared once. Bindings, the footer, the command palette, the help screen
and docs/keys.md are all built from `COMMANDS`; users remap keys by id in config.toml."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

SCOPES = {
    "app": "Everywhere",
    "report": "Sync report",
    "queue": "Duplicate queue",
    "edit": "Edit form",
    "plan": "Plan",
}


@dataclass(frozen=True)
class Command:
    """One action a user can take."""

    id: str
    """Stable id, used to remap the key in config.toml (`[keys]`)."""
    scope: str
    """Where it works: a key of `SCOPES`."""
    keys: str
    """Default key(s), comma-separated, in Textual's key names."""
    label: str
    """Short name for the footer and the palette."""
    help: str
    """One sentence for the help screen and docs/keys.md."""
    action: str
    """The action run on the screen (or app) of its scope."""
    footer: bool = True
    key_display: str | None = None


COMMANDS: list[Command] = [
    Command("app.help", "app", "question_mark,f1", "Help", "Show every key.", "app.show_help"),
    Command("app.quit", "app", "q", "Quit", "Quit; every decision is already saved.", "app.quit"),
    Command("app.plan", "app", "P", "Plan",
            "Show the plan: every change the decisions make (a dry run), to apply or export.",
            "app.open_plan"),
    Command("report.open", "report", "enter", "Open",
            "Open the highlighted row's pair or group in the queue (or edit a lone record).",
            "open_row"),
    Command("report.queue", "report", "t", "Queue",
            "Go to the duplicate queue where you left it.", "open_queue"),
    Command("report.filter", "report", "slash", "Filter",
            "Filter the table by typing; Enter keeps the filter, Escape clears it.",
            "start_filter"),
    Command("report.clear_filter", "report", "escape", "Clear filter",
            "Clear the filter and show every row.", "clear_filter", footer=False),
    Command("report.sort", "report", "o", "Sort",
            "Sort by the highlighted column; again to reverse.", "sort_column"),
    Command("report.next_tab", "report", "n", "Next tab", "Show the next table.", "next_tab"),
    Command("report.previous_tab", "report", "p", "Prev tab", "Show the previous table.",
            "previous_tab", footer=False),
    Command("report.review_down", "report", "left_square_bracket", "Review −",
            "Lower the review threshold by 5 and re-classify.", "move_threshold('review', -5)",
            key_display="["),
    Command("report.review_up", "report", "right_square_bracket", "Review +",
            "Raise the review threshold by 5 and re-classify.", "move_threshold('review', 5)",
            key_display="]"),
    Command("report.accept_down", "report", "left_curly_bracket", "Accept −",
            "Lower the accept threshold by 5 and re-classify.", "move_threshold('accept', -5)",
            footer=False, key_display="{"),
    Command("report.accept_up", "report", "right_curly_bracket", "Accept +",
            "Raise the accept threshold by 5 and re-classify.", "move_threshold('accept', 5)",
            footer=False, key_display="}"),
    Command("queue.next", "queue", "j,down", "Next", "Next item.", "move(1)"),
    Command("queue.previous", "queue", "k,up", "Prev", "Previous item.", "move(-1)"),
    Command("queue.next_undecided", "queue", "g", "Undecided",
            "Jump to the next undecided item.", "next_undecided"),
    Command("queue.focus_right", "queue", "right,tab", "Column →",
            "Focus the next record column.", "focus_column(1)", footer=False),
    Command("queue.focus_left", "queue", "left,shift+tab", "Column ←",
            "Focus the previous record column.", "focus_column(-1)", footer=False),
    *[
        Command(f"queue.primary_{n}", "queue", str(n), "Primary",
                "Keep the record in that column (1-9) as the primary on its side.",
                f"primary({n})",
                footer=n == 1, key_display="1-9")
        for n in range(1, 10)
    ],
    Command("queue.inactive", "queue", "x", "Inactive",
            "Mark the focused record inactive (again to take it back).", "toggle_inactive"),
    Command("queue.retire_rest", "queue", "X", "Retire rest",
            "Mark every record but the primary on its side inactive.", "retire_rest",
            footer=False),
    Command("queue.link", "queue", "l", "Link",
            "Link the focused record with the primary on the other side (Canopy ↔ QBO).",
            "link"),
    Command("queue.create", "queue", "c", "Create",
            "Create the focused Canopy client as a new QBO customer.", "create"),
    Command("queue.distinct", "queue", "d", "Not dup",
            "Say the focused record is not a duplicate; the group re-forms without it.",
            "distinct"),
    Command("queue.skip", "queue", "s", "Skip", "Leave this item for later.", "skip"),
    Command("queue.keep", "queue", "n", "Keep as is",
            "Answer the item with \"nothing to change\": it counts as decided, the plan is "
            "unchanged.", "keep"),
    Command("queue.confirm_stale", "queue", "y", "Re-confirm",
            "Re-confirm a stale item: its decisions hold for the records as they are now.",
            "settle_stale('confirm', False)", footer=False),
    Command("queue.drop_stale", "queue", "z", "Drop",
            "Drop a stale item's decisions (undo brings them back).",
            "settle_stale('drop', False)", footer=False),
    Command("queue.confirm_all_stale", "queue", "Y", "Re-confirm all",
            "Re-confirm every stale item at once (one undo).", "settle_stale('confirm', True)",
            footer=False),
    Command("queue.drop_all_stale", "queue", "Z", "Drop all stale",
            "Drop the decisions of every stale item at once (one undo).",
            "settle_stale('drop', True)", footer=False),
    Command("queue.edit", "queue", "e", "Edit", "Edit the focused record.", "edit"),
    Command("queue.undo", "queue", "u", "Undo", "Undo the last decision.", "undo"),
    Command("queue.redo", "queue", "ctrl+r", "Redo", "Redo the decision undone last.", "redo"),
    Command("queue.search", "queue", "slash", "Search",
            "Find the next item with a record whose name or id holds the text.", "search"),
    Command("queue.report", "queue", "r,escape", "Report", "Back to the sync report.",
            "back_to_report"),
    Command("edit.save", "edit", "ctrl+s", "Save", "Check and save the edit as a decision.",
            "save"),
    Command("plan.apply", "plan", "a", "Apply",
            "Send the plan to QBO (journaled, resumable; a run cut short finishes next time).",
            "apply"),
    Command("plan.undo", "plan", "U", "Undo run", "Revert the last applied run through the API.",
            "undo_run"),
    Command("plan.export", "plan", "x", "Export",
            "Write the QBO import CSV, the Canopy worklist and the audit log.", "export"),
    Command("plan.back", "plan", "escape", "Back", "Back to where you were.", "back"),
    Command("edit.cancel", "edit", "escape", "Cancel", "Discard the edit.", "cancel"),
]


def in_scope(scope: str) -> list[Command]:
    return [c for c in COMMANDS if c.scope == scope]


def bindings(scope: str) -> list[Binding]:
    """Textual bindings for one scope, each with its command's id (so it can be remapped)."""
    return [
        Binding(c.keys, c.action, c.label, show=c.footer, id=c.id, key_display=c.key_display,
                tooltip=c.help)
        for c in in_scope(scope)
    ]


def effective_keys(command: Command, keymap: dict[str, str]) -> str:
    """The key(s) in force: the user's remap, or the default."""
    return keymap.get(command.id, command.keys)


def display_keys(command: Command, keymap: dict[str, str]) -> str:
    """Keys as a person reads them: "?", "ctrl+r", "1-9"."""
    if command.key_display and command.id not in keymap:
        return command.key_display
    names = {"question_mark": "?", "slash": "/", "left_square_bracket": "[",
             "right_square_bracket": "]", "left_curly_bracket": "{", "right_curly_bracket": "}"}
    keys = effective_keys(command, keymap).split(",")
    return " / ".join(names.get(k.strip(), k.strip()) for k in keys)


def keys_markdown(keymap: dict[str, str] | None = None) -> str:
    """The keyboard reference (docs/keys.md), from the same list the app binds."""
    keymap = keymap or {}
    lines = [
        "# Keyboard reference",
        "",
        "Generated from `tui/commands.py` (`python -m tui.commands > docs/keys.md`); a test keeps",
        "it in step. Every command is also in the command palette (ctrl+p). Remap a key by its",
        "id in `config.toml`, e.g. `[keys]` then `\"queue.skip\" = \"space\"`.",
    ]
    for scope, title in SCOPES.items():
        lines += ["", f"## {title}", "", "| key | id | what it does |", "|---|---|---|"]
        seen: set[str] = set()
        for c in in_scope(scope):
            shown = display_keys(c, keymap)
            if c.key_display and c.key_display in seen:
                continue
            seen.add(c.key_display or c.id)
            ident = c.id if not c.key_display or c.key_display != "1-9" else "queue.primary_1 … _9"
            lines.append(f"| `{shown}` | `{ident}` | {c.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(keys_markdown(), end="")
