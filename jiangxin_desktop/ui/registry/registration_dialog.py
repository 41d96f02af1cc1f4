"""登记学员 / 编辑学员: validation while typing, derived birth date and sex, one record per ID."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.context import AppContext
from jiangxin_desktop.domain.idnumber import normalize_id
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.registry.records import TraineeRecord
from jiangxin_desktop.services.registry.trainees import Checked, DuplicateTraineeError, TraineeInput
from jiangxin_desktop.ui.followup.services_box import ServicesBox, is_unemployed
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.field_row import FieldRow
from jiangxin_desktop.ui.widgets.form_keys import FormKeysDialog
from jiangxin_desktop.ui.registry.registration_form import RegistrationForm
from jiangxin_desktop.ui.widgets.screen_fit import fit_to_screen
from jiangxin_desktop.ui.widgets.styles import BANNER_STYLE

# A field is judged as soon as it is long enough to be complete (a scanner sends no Tab).
_COMPLETE_LENGTH = {"id_number": 18, "phone": 11}


class RegistrationDialog(FormKeysDialog):
    """New trainee when ``record`` is None, else editing that record. ``saved_record`` after accept."""

    def __init__(
        self, ctx: AppContext, record: TraineeRecord | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record: TraineeRecord | None = None
        self.saved_record: TraineeRecord | None = None
        self.duplicate: TraineeRecord | None = None
        self.checked = Checked()
        self.touched: set[str] = set()
        self._edited: set[str] = set()  # fields the clerk changed since opening or loading
        self._looked_up: tuple[str, TraineeRecord | None] | None = None

        self.form = RegistrationForm(ctx.codes, ctx.consent, self)
        self.form.changed.connect(self._on_changed)
        self.form.touched.connect(self._on_touched)
        self.form_scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)

        # 登记信息, and for an unemployed person 就业服务（1131）; one page shows no tab bar
        self.pages = QTabWidget(self)
        self.pages.setDocumentMode(True)
        self.pages.setTabBarAutoHide(True)
        self.pages.addTab(scroll, self.tr("登记信息"))
        self.services_box: ServicesBox | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_banner())
        layout.addWidget(self.pages, 1)
        layout.addLayout(self._build_buttons())

        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.activated.connect(self.attempt_save)
        if record is not None:
            self._switch_to(record)
        else:
            self.setWindowTitle(self.tr("新登记学员"))
            self.revalidate()
        fit_to_screen(self, 1120, 680)
        self.form.lines["name"].setFocus()

    def _build_banner(self) -> QFrame:
        self.banner = QFrame(self)
        self.banner.setObjectName("banner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner_label = QLabel(self.banner)
        self.banner_label.setWordWrap(True)
        self.open_existing_button = QPushButton(self.tr("打开该学员"), self.banner)
        self.open_existing_button.setAutoDefault(False)
        self.open_existing_button.clicked.connect(self.open_existing)
        row = QHBoxLayout(self.banner)
        row.addWidget(self.banner_label, 1)
        row.addWidget(self.open_existing_button)
        self.banner.setVisible(False)
        return self.banner

    def _build_buttons(self) -> QHBoxLayout:
        return self.save_row(self.tr("保存 (Ctrl+S)"))

    # --- validation -------------------------------------------------------------------------
    def _on_changed(self, key: str) -> None:
        self._edited.add(key)
        if key in _COMPLETE_LENGTH:
            text = normalize_id(self.form.lines[key].text())
            if len(text) >= _COMPLETE_LENGTH[key]:
                self.touched.add(key)
        self.revalidate()

    def _on_touched(self, key: str) -> None:
        self.touched.add(key)
        self.revalidate()

    def _input(self) -> TraineeInput:
        """The form's values; an edited record keeps the consent given at registration."""
        data = self.form.to_input()
        if self.record is not None:
            data.consent = True
        return data

    def revalidate(self) -> Checked:
        """Check every field, show messages for touched ones, update the banner and Save."""
        self.checked = checked = self.ctx.registry.check(self._input())
        self.form.set_derived(checked.birth_date, checked.sex)
        errors = {e.field: e.message for e in reversed(checked.errors)}
        warnings = {w.field: w.message for w in reversed(checked.warnings)}
        for key, row in self.form.rows.items():
            if key in errors and key in self.touched:
                row.set_message(errors[key], FieldRow.ERROR)
            elif key in warnings and key in self.touched:
                row.set_message(warnings[key], FieldRow.WARNING)
            else:
                row.set_message(None)
        self.form.set_override_visible(
            "employer_uscc" in self.touched
            and ("employer_uscc" in errors or "employer_uscc" in warnings)
            or bool(self.form.lines["employer_uscc_override"].text().strip())
        )
        self._update_duplicate("id_number" not in errors)
        labels = list(dict.fromkeys(self.form.field_label(e.field) for e in checked.errors))
        if labels:
            reason = self.tr("还有 {n} 项需要修改：{fields}").format(n=len(labels), fields="、".join(labels))
        elif self.duplicate is not None:
            reason = self.tr("该公民身份号码已登记，不能重复登记；请打开该学员。")
        else:
            reason = ""
        self.reason_label.setText(reason)
        self.save_button.setEnabled(not reason)
        self.save_button.setToolTip(reason)
        return checked

    def _update_duplicate(self, id_valid: bool) -> None:
        number = self.checked.values.get("id_number", "") if id_valid else ""
        if not number:
            existing = None
        elif self._looked_up and self._looked_up[0] == number:
            existing = self._looked_up[1]
        else:
            existing = self.ctx.registry.find_by_id_number(number)
            self._looked_up = (number, existing)
        if existing is not None and self.record is not None and existing.uuid == self.record.uuid:
            existing = None
        self._show_duplicate(existing)

    def _show_duplicate(self, existing: TraineeRecord | None) -> None:
        self.duplicate = existing
        if existing is None:
            self.banner.setVisible(False)
            return
        status = self.tr("已注销") if not existing.active else self.tr("在册")
        self.banner_label.setText(
            self.tr("该公民身份号码已登记：{name}（{status}，{date} 登记）。同一人只登记一次。").format(
                name=existing.name, status=status, date=existing.created_at[:10]
            )
        )
        self.banner.setVisible(True)

    # --- actions ----------------------------------------------------------------------------
    def prefill_id(self, number: str) -> None:
        """Start a registration from an ID number that was just scanned into the search box."""
        self.form.lines["id_number"].setText(number)
        self.touched.add("id_number")
        self.revalidate()
        self.form.lines["name"].setFocus()

    def open_existing(self) -> None:
        """Switch the dialog to editing the already registered person."""
        if self.duplicate is None:
            return
        # Typing (or scanning) only the ID number loses nothing; other typed fields are asked about.
        if self._edited - {"id_number"} and not self._confirm(
            self.tr("打开该学员"), self.tr("本次填写的内容将被该学员的已登记信息替换。继续吗？")
        ):
            return
        self._switch_to(self.ctx.registry.get(self.duplicate.uuid))

    def _switch_to(self, record: TraineeRecord) -> None:
        self.record = record
        self._looked_up = None
        self.form.load(record)
        self.form.show_consent_given(record.consent_at, record.consent_version)
        status = "" if record.active else self.tr("（已注销）")
        sync = self._sync_state(record.uuid)
        self.setWindowTitle(
            self.tr("编辑学员 — {name}{status}").format(name=record.name, status=status)
            + (self.tr("　同步：{state}").format(state=sync) if sync else "")
        )
        self.touched = set(self.form.rows)
        self._edited.clear()
        self.revalidate()
        self._show_services(record)

    def _show_services(self, record: TraineeRecord) -> None:
        """The 就业服务 tab: the 1131 services given and still owed, for an unemployed person."""
        if not is_unemployed(self.ctx, record.target_group):
            if self.services_box is not None:
                self.pages.removeTab(self.pages.indexOf(self.services_box))
                self.services_box.deleteLater()
                self.services_box = None
            return
        if self.services_box is None:
            self.services_box = ServicesBox(self.ctx, self)
            self.pages.addTab(self.services_box, self.tr("就业服务（1131）"))
        self.services_box.load(record.uuid, record.name)

    def _sync_state(self, uuid: str) -> str | None:
        """Where this person's newest change stands with the city (待发送 … 已确认 / 失败), if it travels."""
        if self.ctx.demo:
            return None
        try:
            return self.ctx.sync.record_statuses("trainee", [uuid]).get(uuid)
        except KnownError:
            return None

    def attempt_save(self) -> None:
        """Ctrl+S or 保存: show every message; save only when nothing blocks it."""
        self.touched = set(self.form.rows)
        checked = self.revalidate()
        if checked.errors:
            first = next((e.field for e in checked.errors if e.field in self.form.editors), None)
            if first:
                self.form.editors[first].setFocus()
                self.form_scroll.ensureWidgetVisible(self.form.editors[first])
            return
        if self.duplicate is not None:
            self.open_existing_button.setFocus()
            return
        try:
            if self.record is None:
                saved = self.ctx.registry.register(self._input())
            else:
                saved = self.ctx.registry.update(
                    self.record.uuid, self._input(), expected_version=self.record.version
                )
        except DuplicateTraineeError as exc:  # registered meanwhile (another window)
            self._show_duplicate(exc.existing)
            self.revalidate()
            return
        except KnownError as exc:  # ValidationError, ConflictError (edited elsewhere), storage
            show_known_error(self, exc, title=self.tr("未能保存"))
            return
        self.saved_record = saved
        self._edited.clear()
        self.accept()

    def reject(self) -> None:
        if self._edited and not self._confirm(
            self.tr("放弃填写"), self.tr("本次填写的内容还没有保存，确定放弃吗？")
        ):
            return
        super().reject()

    def _confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, self)
        yes = box.addButton(self.tr("确定"), QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(self.tr("返回"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        return box.clickedButton() is yes
