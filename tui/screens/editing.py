"""Quick edits shared by the list and the detail screen: status, fields, updates, undo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from textual.binding import Binding
from textual.screen import Screen

from store.interface import ConflictError, DatabaseError, ProjectStore, StoreError
from store.models import FIELD_LABELS, SINGLE_LINE_FIELDS, Project
from store.words import at, moment, say
from tui.editor import Done, Editor, PendingEdit
from tui.glyphs import glyph
from tui.labels import source_label

__all__ = ["HELP_BINDING", "EditingScreen", "PendingEdit", "edit_bindings", "field_text"]

HELP_BINDING = Binding("question_mark,f1", "app.toggle_help", "帮助", id="help")
#: the actions of edit_bindings: hidden (check_action) when the store is read-only
EDIT_ACTIONS = frozenset({"set_status", "edit_field", "add_update", "undo", "schedule_rule"})


def edit_bindings(*, compact: bool = False) -> list[Binding]:
    """The edit keys; a compact footer shows only the first two (all are in help)."""
    return [
        Binding("s", "set_status", "工作成效", id="set-status"),
        Binding("e", "edit_field", "编辑", id="edit"),
        Binding("a", "add_update", "添加进展", id="add-update", show=not compact),
        Binding("ctrl+z", "undo", "撤销", id="undo", show=not compact),
    ]


def field_text(project: Project, field: str) -> str:
    """A field's text as the editor shows it."""
    if field == "deadline":
        return project.deadline_raw or project.deadline
    if field == "updates":
        return "\n".join(f"{u.month}  {u.text}（{u.by}）" for u in project.updates) or ""
    return str(getattr(project, field, ""))


class EditingScreen(Screen[str | None]):
    """A screen whose current project can be edited; saving happens in a worker thread.

    It is given the store it shows and the session's editor; with a read-only store the edit
    keys are not offered at all (check_action), so they are neither shown nor pressed.
    """

    def __init__(self, store: ProjectStore, editor: Editor) -> None:
        super().__init__()
        self.store = store
        self.editor = editor

    def editing_target(self) -> Project | None:
        """The project the edit keys act on."""
        raise NotImplementedError

    def after_save(self, done: Done) -> None:
        """Show the saved state (screens refresh what they display)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The edit keys only where edits can be saved."""
        if action in EDIT_ACTIONS and self.store.read_only:
            return False
        return True

    def _editable(self) -> Project | None:
        return None if self.store.read_only else self.editing_target()

    # --- actions -----------------------------------------------------------------------
    def action_set_status(self) -> None:
        """Pick a new 工作成效."""
        project = self._editable()
        if project is None:
            return

        from tui.dialogs.status_picker import StatusChoice, StatusPicker  # (on first use)

        def chosen(choice: StatusChoice | None) -> None:
            if choice is not None and choice.status != project.status:
                edit = PendingEdit("field", project, "status", choice.status, note=choice.note)
                self._save_edit(edit)

        self.app.push_screen(StatusPicker(project), chosen)

    def action_edit_field(self, field: str = "progress") -> None:
        """Edit a field in a multi-line editor."""
        project = self._editable()
        if project is not None:
            self._open_editor(project, field)

    def _open_editor(
        self, project: Project, field: str, text: str | None = None, error: str = ""
    ) -> None:
        from tui.dialogs.edit_field import EditFieldDialog

        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            name, value = result
            self._save_edit(PendingEdit("field", project, name, value))

        self.app.push_screen(EditFieldDialog(project, field, text=text, error=error), chosen)

    def action_add_update(self) -> None:
        """Add a dated progress update."""
        project = self._editable()
        if project is not None:
            self._open_update(project)

    def _open_update(
        self, project: Project, month: str | None = None, text: str = "", error: str = ""
    ) -> None:
        from tui.dialogs.edit_field import AddUpdateDialog

        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            when, value = result
            self._save_edit(PendingEdit("update", project, "updates", value, when))

        self.app.push_screen(
            AddUpdateDialog(project, month=month or self._default_month(), text=text, error=error),
            chosen,
        )

    def _default_month(self) -> str | None:
        """This month in the report's year; in another year, the month after the report."""
        report = self.store.report()
        today = date.today()
        if report.year is None or report.year == today.year:
            return None  # the dialog's own default: this month
        month = min(12, (report.period_to or 12) + 1)
        return f"{report.year:04d}-{month:02d}"

    def action_undo(self) -> None:
        """Undo this session's last edit (the undo is recorded in history too)."""
        change_ids = self.editor.take_undo()
        if change_ids is None:
            self.notify(say("app.edit.nothing_to_undo"), markup=False)
            return
        self._save(lambda editor: editor.undo(change_ids), say("app.edit.undone"))

    # --- saving ------------------------------------------------------------------------
    def _save_edit(self, edit: PendingEdit) -> None:
        """Save an edit; a refusal reopens its editor, a conflict opens the conflict dialog."""
        if edit.kind == "update":
            done = say("app.edit.update_added", month=edit.month)
        elif edit.field == "status":
            done = say(
                "app.edit.status_set",
                label=FIELD_LABELS["status"],
                arrow=glyph("arrow"),
                status=edit.value,
                reason=say("app.edit.reason_kept") if edit.note else "",
            )
        else:
            done = say("app.edit.saved", label=FIELD_LABELS[edit.field])
        self._save(
            lambda editor: editor.save(edit),
            done,
            lambda message: self._reopen(edit, message),
            pending=edit,
        )

    def _reopen(
        self,
        edit: PendingEdit,
        message: str = "",
        text: str | None = None,
        project: Project | None = None,
    ) -> None:
        """The editor again with the user's text; saving it expects ``project``'s revision
        (by default the one the edit started from, so a later change still conflicts)."""
        project = project or edit.project
        value = edit.value if text is None else text
        if edit.kind == "update":
            self._open_update(project, edit.month, value, message)
        elif edit.field == "status":
            if message:
                self.notify(message, title=say("app.save_failed"), severity="error", markup=False)
        else:
            self._open_editor(project, edit.field, value, message)

    def _conflict(self, edit: PendingEdit, error: ConflictError) -> None:
        """Someone saved first: show both versions and let the user choose."""
        theirs = error.project
        change = error.change
        label = FIELD_LABELS.get(edit.field, say("app.updates"))
        if change is not None:
            changed = FIELD_LABELS.get(change.field, change.field)
            who = say(
                "app.conflict.changed_by",
                by=change.by,
                at=moment(change.at),
                field=changed,
                source=source_label(change.source, change.note),
                separator=glyph("separator"),
                theirs=theirs.revision,
                mine=edit.project.revision,
            )
        else:
            who = say(
                "app.conflict.changed",
                separator=glyph("separator"),
                theirs=theirs.revision,
                mine=edit.project.revision,
            )
        from tui.dialogs.conflict_dialog import KEEP_THEIRS, MERGE, OVERWRITE, ConflictDialog

        mine = f"{edit.month}  {edit.value}" if edit.kind == "update" else edit.value
        dialog = ConflictDialog(
            title=say(
                "app.conflict.title",
                id=theirs.id,
                name=theirs.name,
                separator=glyph("separator"),
                field=label,
            ),
            who=who,
            theirs=field_text(theirs, edit.field),
            mine=mine,
            can_merge=edit.field != "status",
            can_go_back=edit.field != "status",
        )

        def chosen(choice: str | None) -> None:
            if choice == OVERWRITE:
                self._save_edit(replace(edit, project=theirs))  # against their revision
            elif choice == MERGE and edit.kind == "field":
                joiner = " " if edit.field in SINGLE_LINE_FIELDS else "\n\n"
                merged = field_text(theirs, edit.field).rstrip() + joiner + edit.value.lstrip()
                self._reopen(edit, say("app.conflict.merged"), merged, theirs)
            elif choice != KEEP_THEIRS and edit.field != "status":
                self._reopen(edit, project=theirs)  # Escape (or merge for an update): my text
            else:
                self.notify(say("app.conflict.kept_theirs", id=theirs.id), markup=False)
            self.after_save_conflict()  # show their version underneath

        self.app.push_screen(dialog, chosen)

    def _save(
        self,
        operation: Callable[[Editor], Done],
        done: str,
        retry: Callable[[str], None] | None = None,
        *,
        pending: PendingEdit | None = None,
    ) -> None:
        editor = self.editor

        def work() -> None:
            try:
                result = operation(editor)
            except ConflictError as exc:
                if pending is not None:
                    self.app.call_from_thread(self._conflict, pending, exc)
                else:
                    self.app.call_from_thread(self._failed, str(exc), retry, conflict=True)
                return
            except (StoreError, DatabaseError, OSError) as exc:
                self.app.call_from_thread(self._failed, str(exc), retry)
                return
            self.app.call_from_thread(self._saved, result, done)

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def _saved(self, result: Done, done: str) -> None:
        self.notify(f"{result.project.id} {done}", markup=False)
        self.after_save(result)

    def _failed(
        self, message: str, retry: Callable[[str], None] | None, *, conflict: bool = False
    ) -> None:
        title = say("app.conflict.save_conflict") if conflict else say("app.save_failed")
        if retry is not None:
            retry(at(title, message))
        else:
            self.notify(message, title=title, severity="error", markup=False)
        if conflict:
            self.after_save_conflict()

    def after_save_conflict(self) -> None:
        """Reload after someone else's change won."""
