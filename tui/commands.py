"""Every user action, declared once. Bindings, the footer, the command palette, the help screen
and docs/keys.md are all built from `COMMANDS`; users remap keys by id in config.toml."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

SCOPES = {
    "app": "Everywhere",
    "report": "Sync report",
    "queue": "Duplicate queue",
    "patterns": "Patterns",
    "table": "Every table",
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
    priority: bool = False
    """Run when the app reads the key, before keys after it are handed on: a key that moves
    focus must, or the keys typed after it in one burst go to the field it left."""


COMMANDS: list[Command] = [
    Command("app.help", "app", "question_mark,f1", "Help", "Show every key.", "app.show_help"),
    Command("app.quit", "app", "q", "Quit", "Quit; every decision is already saved.", "app.quit",
            footer=False),
    Command("app.plan", "app", "P", "Plan",
            "Show the plan: every change the decisions make (a dry run), to apply or export.",
            "app.open_plan", footer=False),
    Command("app.patterns", "app", "T", "Patterns",
            "Show the queue's agreement patterns, to accept or reject every item of one at once.",
            "app.open_patterns", footer=False),
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
    Command("table.down", "table", "j", "Down", "Next row.", "cursor('down')", footer=False),
    Command("table.up", "table", "k", "Up", "Previous row.", "cursor('up')", footer=False),
    Command("table.top", "table", "g", "Top", "First row.", "cursor('top')", footer=False),
    Command("table.bottom", "table", "G", "Bottom", "Last row.", "cursor('bottom')",
            footer=False),
    Command("queue.next", "queue", "j,down", "Next", "Next item (of those the filter shows).",
            "move(1)", footer=False),
    Command("queue.previous", "queue", "k,up", "Prev", "Previous item.", "move(-1)",
            footer=False),
    Command("queue.next_undecided", "queue", "g", "Undecided",
            "Jump to the next undecided item.", "next_undecided", footer=False),
    Command("queue.differing", "queue", "v", "Diff",
            "Show only the fields that differ between the records (again to show every field).",
            "toggle_differing", footer=False),
    Command("queue.page_right", "queue", "right_square_bracket", "Page →",
            "Show the next page of record columns (when they do not all fit).",
            "page_columns(1)", footer=False, key_display="]"),
    Command("queue.page_left", "queue", "left_square_bracket", "Page ←",
            "Show the previous page of record columns.", "page_columns(-1)", footer=False,
            key_display="["),
    Command("queue.focus_right", "queue", "right,tab", "Column →",
            "Focus the next record column.", "focus_column(1)", footer=False),
    Command("queue.focus_left", "queue", "left,shift+tab", "Column ←",
            "Focus the previous record column.", "focus_column(-1)", footer=False),
    *[
        Command(f"queue.primary_{n}", "queue", str(n), "Keep",
                "Keep the record in that column (1-9) as the primary on its side.",
                f"primary({n})",
                footer=n == 1, key_display="1-9")
        for n in range(1, 10)
    ],
    Command("queue.inactive", "queue", "x", "Retire",
            "Mark the focused record inactive (again to take it back).", "toggle_inactive"),
    Command("queue.retire_rest", "queue", "X", "Retire rest",
            "Mark every record but the primary on its side inactive.", "retire_rest",
            footer=False),
    Command("queue.link", "queue", "l", "Link",
            "Link the focused record with the primary on the other side (Canopy ↔ QBO).",
            "link"),
    Command("queue.create", "queue", "c", "Create",
            "Create the focused Canopy client as a new QBO customer.", "create", footer=False),
    Command("queue.distinct", "queue", "d", "Not dup",
            "Say the focused record is not a duplicate; the group re-forms without it.",
            "distinct"),
    Command("queue.skip", "queue", "s", "Skip", "Leave this item for later.", "skip",
            footer=False),
    Command("queue.mark", "queue", "space", "Mark",
            "Mark or unmark this item, then move to the next.", "toggle_mark"),
    Command("queue.mark_range", "queue", "M", "Mark range",
            "Mark every shown item from the one marked last to this one.", "mark_range",
            footer=False),
    Command("queue.mark_all", "queue", "ctrl+a", "Mark all",
            "Mark every item the filter shows.", "mark_all", footer=False),
    Command("queue.unmark_all", "queue", "U", "Unmark all", "Clear every mark.", "unmark_all",
            footer=False),
    Command("queue.accept_marked", "queue", "L", "Link marked",
            "Link every marked pair (Canopy ↔ QBO) in one step, which one undo reverts.",
            "decide_marked('accept')", footer=False),
    Command("queue.reject_marked", "queue", "D", "Not dup marked",
            "Say every marked item's two records are not duplicates, in one step.",
            "decide_marked('reject')", footer=False),
    Command("queue.filter", "queue", "f", "Filter",
            "Filter the queue by kind, score and flag, e.g. `kind:probable score:60-80 "
            "flag:joint undecided`, or `stale`, or `conflict`; Enter on an empty box shows "
            "every item again.",
            "start_filter"),
    Command("queue.keep", "queue", "n", "Keep as is",
            "Answer the item with \"nothing to change\": it counts as decided, the plan is "
            "unchanged.", "keep", footer=False),
    Command("queue.confirm_stale", "queue", "y", "Re-confirm",
            "Re-confirm a stale item: its decisions hold for the records as they are now "
            "(refused when a record they name is gone from the input).",
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
    Command("queue.edit", "queue", "e", "Edit", "Edit the focused record.", "edit",
            footer=False),
    Command("queue.undo", "queue", "u", "Undo",
            "Undo the last decision (a decision on many items at once is one step).", "undo"),
    Command("queue.redo", "queue", "ctrl+r", "Redo", "Redo the decision undone last.", "redo",
            footer=False),
    Command("queue.search", "queue", "slash", "Search",
            "Find the next item (within the filter) with a record whose name or id holds "
            "the text.", "search",
            footer=False),
    Command("queue.report", "queue", "r", "Report", "Back to the sync report.",
            "back_to_report", footer=False),
    Command("queue.escape", "queue", "escape", "Back",
            "Close the open box, else clear a filter typed here, else go back.",
            "escape", footer=False),
    Command("patterns.open", "patterns", "enter", "Open",
            "Walk the highlighted pattern's items in the queue (the queue filtered to it).",
            "open_pattern"),
    Command("patterns.accept", "patterns", "a", "Accept all",
            "Link every undecided pair of the pattern, after a preview: one step, one undo.",
            "decide_pattern('accept')"),
    Command("patterns.reject", "patterns", "d", "Reject all",
            "Say every undecided item of the pattern is not a duplicate, after a preview.",
            "decide_pattern('reject')"),
    Command("patterns.undo", "patterns", "u", "Undo",
            "Undo the last step: a whole pattern decision at once.", "undo"),
    Command("patterns.back", "patterns", "escape", "Back", "Back to where you were.", "back"),
    Command("edit.next_field", "edit", "tab", "Next field", "Go to the next field.",
            "next_field(1)", footer=False, priority=True),
    Command("edit.previous_field", "edit", "shift+tab", "Prev field",
            "Go to the previous field.", "next_field(-1)", footer=False, priority=True),
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
    Command("edit.cancel", "edit", "escape", "Cancel",
            "Close the form; with unsaved changes, asks before discarding them.", "cancel"),
]


def in_scope(scope: str) -> list[Command]:
    return [c for c in COMMANDS if c.scope == scope]


def bindings(scope: str) -> list[Binding]:
    """Textual bindings for one scope, each with its command's id (so it can be remapped)."""
    return [
        Binding(c.keys, c.action, c.label, show=c.footer, id=c.id, key_display=c.key_display,
                tooltip=c.help, priority=c.priority)
        for c in in_scope(scope)
    ]


def effective_keys(command: Command, keymap: dict[str, str]) -> str:
    """The key(s) in force: the user's remap, or the default."""
    return keymap.get(command.id, command.keys)


def display_keys(command: Command, keymap: dict[str, str]) -> str:
    """Keys as a person reads them: "?", "ctrl+r", "1-9"."""
    if command.key_display and command.id not in keymap:
        return command.key_display
    names = {"question_mark": "?", "slash": "/", "space": "space", "left_square_bracket": "[",
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
        "id in `config.toml`, e.g. `[keys]` then `\"queue.skip\" = \"n\"`.",
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
