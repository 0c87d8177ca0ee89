"""Quick edits shared by the list and the detail screen: status, fields, updates, undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.screen import Screen

from store.db import ConflictError, StoreError
from store.models import FIELD_LABELS, Project
from store.storage import DatabaseError
from tui.dialogs.edit_field import AddUpdateDialog, EditFieldDialog
from tui.dialogs.status_picker import StatusPicker

if TYPE_CHECKING:
    from tui.app import MinshengApp

HELP_BINDING = Binding("question_mark,f1", "app.toggle_help", "帮助", id="help")


def edit_bindings(*, compact: bool = False) -> list[Binding]:
    """The edit keys; a compact footer shows only the first two (all are in help)."""
    return [
        Binding("s", "set_status", "工作成效", id="set-status"),
        Binding("e", "edit_field", "编辑", id="edit"),
        Binding("a", "add_update", "添加进展", id="add-update", show=not compact),
        Binding("ctrl+z", "undo", "撤销", id="undo", show=not compact),
    ]


class EditingScreen(Screen[None]):
    """A screen whose current project can be edited; saving happens in a worker thread."""

    @property
    def minsheng(self) -> MinshengApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def editing_target(self) -> Project | None:
        """The project the edit keys act on."""
        raise NotImplementedError

    def after_save(self, project: Project) -> None:
        """Show the saved state (screens refresh what they display)."""

    def _editable(self) -> Project | None:
        project = self.editing_target()
        if project is None:
            return None
        if self.minsheng.store.read_only:
            self.notify(
                "只读模式：不能修改（数据库以只读方式打开）", severity="warning", markup=False
            )
            return None
        return project

    # --- actions -----------------------------------------------------------------------
    def action_set_status(self) -> None:
        """Pick a new 工作成效."""
        project = self._editable()
        if project is None:
            return

        def chosen(status: str | None) -> None:
            if status and status != project.status:
                self._save(
                    project,
                    lambda store: store.set_status(
                        project.id, status, source="tui", expected_revision=project.revision
                    ),
                    f"工作成效 → {status}",
                )

        self.app.push_screen(StatusPicker(project), chosen)

    def action_edit_field(self, field: str = "progress") -> None:
        """Edit a field in a multi-line editor."""
        project = self._editable()
        if project is not None:
            self._open_editor(project, field)

    def _open_editor(self, project: Project, field: str, text: str | None = None,
                     error: str = "") -> None:
        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            name, value = result

            def retry(message: str) -> None:
                self._open_editor(self._fresh(project), name, value, message)

            self._save(
                project,
                lambda store: store.update_fields(
                    project.id, {name: value}, source="tui", expected_revision=project.revision
                ),
                f"{FIELD_LABELS[name]} 已保存",
                retry,
            )

        self.app.push_screen(EditFieldDialog(project, field, text=text, error=error), chosen)

    def action_add_update(self) -> None:
        """Add a dated progress update."""
        project = self._editable()
        if project is not None:
            self._open_update(project)

    def _open_update(self, project: Project, month: str | None = None, text: str = "",
                     error: str = "") -> None:
        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            when, value = result

            def retry(message: str) -> None:
                self._open_update(self._fresh(project), when, value, message)

            self._save(
                project,
                lambda store: store.add_update(
                    project.id, when, value, source="tui", expected_revision=project.revision
                ),
                f"{when} 进展已添加",
                retry,
            )

        self.app.push_screen(
            AddUpdateDialog(project, month=month, text=text, error=error), chosen
        )

    def action_undo(self) -> None:
        """Undo this session's last edit (the undo is recorded in history too)."""
        if self.minsheng.store.read_only:
            self.notify("只读模式：不能撤销", severity="warning", markup=False)
            return
        if not self.minsheng.undo_stack:
            self.notify("没有可撤销的修改", markup=False)
            return
        change_ids = self.minsheng.undo_stack.pop()

        def undo(store: Any) -> Project:
            project = None
            for change_id in reversed(change_ids):
                project = store.undo(change_id, source="tui")
            assert project is not None
            return project

        self._save(None, undo, "已撤销", record=False)

    def _fresh(self, project: Project) -> Project:
        """The project as stored now (after a conflict, the other person's version)."""
        try:
            return self.minsheng.store.get(project.id)
        except (StoreError, DatabaseError):
            return project

    # --- saving ------------------------------------------------------------------------
    def _save(
        self,
        project: Project | None,
        operation: Callable[[Any], Project],
        done: str,
        retry: Callable[[str], None] | None = None,
        *,
        record: bool = True,
    ) -> None:
        store = self.minsheng.store

        def work() -> None:
            before = max((c.id for c in store.history(project.id)), default=0) if project else 0
            try:
                saved = operation(store)
            except ConflictError as exc:
                self.app.call_from_thread(self._failed, str(exc), retry, conflict=True)
                return
            except (StoreError, DatabaseError, OSError) as exc:
                self.app.call_from_thread(self._failed, str(exc), retry)
                return
            changes = [
                c.id
                for c in store.history(saved.id)
                if c.id > before and c.by == store.user and c.source == "tui"
            ]
            self.app.call_from_thread(self._saved, saved, changes if record else [], done)

        self.run_worker(work, thread=True, group="save", exit_on_error=False)

    def _saved(self, project: Project, changes: list[int], done: str) -> None:
        if changes:
            self.minsheng.undo_stack.append(changes)
        self.notify(f"{project.id} {done}", markup=False)
        self.after_save(project)

    def _failed(
        self, message: str, retry: Callable[[str], None] | None, *, conflict: bool = False
    ) -> None:
        title = "保存冲突" if conflict else "保存失败"
        if retry is not None:
            retry(f"{title}：{message}")
        else:
            self.notify(message, title=title, severity="error", markup=False)
        if conflict:
            self.after_save_conflict()

    def after_save_conflict(self) -> None:
        """Reload after someone else's change won."""
