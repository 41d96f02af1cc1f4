"""设置正式服务站: the first-run wizard (服务站 → 管理员账户 → 确认).

Nothing is written until 完成 on the last page; the work then runs in a worker thread
behind a progress window (:func:`jiangxin_desktop.first_setup.set_up_station`), which
removes a half-made database on any failure or cancel.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from jiangxin_desktop.domain.codes import CodeList
from jiangxin_desktop.domain.passwords import (
    CLASS_LABELS,
    SecurityPolicy,
    normalize_display_name,
    normalize_username,
)
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.first_setup import AdminAccount, check_admin, set_up_station, shipped_counties
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.security.keystore import PassphraseProvider
from jiangxin_desktop.services.security.roles import load_security_policy
from jiangxin_desktop.services.station.setup import (
    StationInfo,
    check_county,
    check_station_code,
    check_station_name,
    normalize_station,
    station_code_warning,
)
from jiangxin_desktop.ui.widgets.code_combo import CodeCombo
from jiangxin_desktop.ui.widgets.error_dialogs import show_known_error
from jiangxin_desktop.ui.widgets.field_row import FieldRow
from jiangxin_desktop.ui.shell.passphrase_dialog import PassphraseCancelled
from jiangxin_desktop.ui.widgets.progress_dialog import TaskProgressDialog
from jiangxin_desktop.ui.widgets.styles import INACTIVE_COLOR
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

HINT_STYLE = f"color: {INACTIVE_COLOR};"


def _tr(text: str) -> str:
    return QCoreApplication.translate("SetupWizard", text)


def _reason(missing: list[str], complete: bool) -> str:
    """Why 下一步 is not available yet (shown under the form)."""
    if missing:
        return _tr("还需要：{items}").format(items="、".join(missing))
    return "" if complete else _tr("请改正红字标出的问题。")


def _hint(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


class StationPage(QWizardPage):
    """区县 from the shipped GB/T 2260 list, the station's name and code."""

    def __init__(self, counties: CodeList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counties = counties
        self.setTitle(self.tr("服务站"))
        self.setSubTitle(self.tr("请选择服务站所在的区县，并填写服务站的名称和代码。"))
        self.county = CodeCombo(self.tr("请选择区县"))
        self.county.set_items((f"{c.label}（{c.code}）", c.code) for c in counties)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("例如 海州区新南街道人社服务站"))
        self.code = QLineEdit()
        self.code.setMaxLength(20)
        self.rows: dict[QWidget, FieldRow] = {e: FieldRow(e) for e in (self.county, self.name, self.code)}
        form = QFormLayout()
        form.addRow(self.tr("区县"), self.rows[self.county])
        form.addRow(self.tr("服务站名称"), self.rows[self.name])
        form.addRow(self.tr("服务站代码"), self.rows[self.code])
        form.addRow("", _hint(self.tr("6–20 位数字或大写字母，通常为区县代码加 3 位序号。")))
        self.reason = _hint()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.reason)
        self.county.currentIndexChanged.connect(self._update)
        self.name.textChanged.connect(self._update)
        self.code.textChanged.connect(self._update)
        self._update()

    def station(self) -> StationInfo:
        return normalize_station(StationInfo(self.code.text(), self.name.text(), self.county.value() or ""))

    def _update(self) -> None:
        station = self.station()
        county = self.counties.get(station.county_code)
        example = f"{county.code}001" if county and county.extra.get("gb2260") else "320706001"
        self.code.setPlaceholderText(self.tr("例如 {code}").format(code=example))
        todo = (
            (station.county_code, self.tr("选择区县")),
            (station.name, self.tr("填写服务站名称")),
            (station.code, self.tr("填写服务站代码")),
        )
        missing = [what for value, what in todo if not value]
        problems: dict[QWidget, str | None] = {  # an empty field is "missing", not wrong
            self.county: check_county(station.county_code, self.counties) if station.county_code else None,
            self.name: check_station_name(station.name) if station.name else None,
            self.code: check_station_code(station.code) if station.code else None,
        }
        for edit, problem in problems.items():
            self.rows[edit].set_message(problem)
        if not problems[self.code]:
            warning = station_code_warning(station.code, station.county_code, self.counties)
            self.rows[self.code].set_message(warning, FieldRow.WARNING)
        self._complete = not missing and not any(problems.values())
        self.reason.setText(_reason(missing, self._complete))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._complete


class AdminPage(QWizardPage):
    """The first administrator: user name, 姓名, password twice, with the rules checked while typing."""

    def __init__(self, policy: SecurityPolicy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.policy = policy
        self.setTitle(self.tr("管理员账户"))
        self.setSubTitle(self.tr("管理员可以新建经办人、审核人账户，并管理本服务站的设置。"))
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("英文字母开头，例如 wangzz"))
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("例如 王主任"))
        self.password = QLineEdit()
        self.confirm = QLineEdit()
        for edit in (self.password, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        edits = (self.username, self.display_name, self.password, self.confirm)
        self.rows = {edit: FieldRow(edit) for edit in edits}
        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.rows[self.username])
        form.addRow(self.tr("姓名"), self.rows[self.display_name])
        form.addRow(self.tr("密码"), self.rows[self.password])
        form.addRow(self.tr("再次输入"), self.rows[self.confirm])
        rule = self.tr("密码至少 {n} 个字符，须含{classes}中的至少 {k} 类，不能包含用户名。").format(
            n=policy.min_length, classes="、".join(CLASS_LABELS), k=policy.min_character_classes
        )
        form.addRow("", _hint(rule))
        self.reason = _hint()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.reason)
        for edit in edits:
            edit.textChanged.connect(self._update)
        self._update()

    def account(self) -> AdminAccount:
        return AdminAccount(self.username.text(), self.display_name.text(), self.password.text())

    def _update(self) -> None:
        problems: dict[str, list[str]] = {}
        for error in check_admin(self.account(), self.policy):
            problems.setdefault(error.field, []).append(error.message)
        fields = (
            (self.username, "用户名", self.tr("填写用户名")),
            (self.display_name, "姓名", self.tr("填写姓名")),
            (self.password, "密码", self.tr("设置密码")),
        )
        missing = []
        for edit, field, todo in fields:
            typed = bool(edit.text().strip())
            self.rows[edit].set_message("；".join(problems.get(field, [])) if typed else None)
            if not typed:
                missing.append(todo)
        mismatch = bool(self.confirm.text()) and self.confirm.text() != self.password.text()
        self.rows[self.confirm].set_message(self.tr("两次输入的密码不一致") if mismatch else None)
        if self.password.text() and not self.confirm.text():
            missing.append(self.tr("再次输入密码"))
        self._complete = not missing and not problems and not mismatch
        self.reason.setText(_reason(missing, self._complete))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self._complete


class ConfirmPage(QWizardPage):
    """What will be created; 完成 creates it."""

    FIELDS = ("county", "name", "code", "username", "display_name", "data_dir")

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("确认"))
        self.setSubTitle(self.tr("请核对以下信息。点“完成”后将建立本服务站的加密数据库。"))
        self.values = {field: QLabel() for field in self.FIELDS}
        labels = (
            self.tr("区县"),
            self.tr("服务站名称"),
            self.tr("服务站代码"),
            self.tr("管理员用户名"),
            self.tr("管理员姓名"),
            self.tr("数据目录"),
        )
        form = QFormLayout()
        for label, field in zip(labels, self.FIELDS, strict=True):
            self.values[field].setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label + self.tr("："), self.values[field])
        self.note = QLabel(
            self.tr(
                "完成后程序将：创建加密数据库（密钥保存在系统密钥环中；本机没有密钥环时，会请您设置数据库口令）；"
                "保存服务站信息；创建管理员账户；生成服务站签名密钥（Ed25519），"
                "用于以后签发证书二维码和同步数据。签名密钥保存在加密数据库中，随备份一起保存。"
            )
        )
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addSpacing(12)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def initializePage(self) -> None:
        station, admin = self._wizard.station_page.station(), self._wizard.admin_page.account()
        county = self._wizard.counties.get(station.county_code)
        shown = {
            "county": f"{county.label}（{county.code}）" if county else station.county_code,
            "name": station.name,
            "code": station.code,
            "username": normalize_username(admin.username),
            "display_name": normalize_display_name(admin.display_name),
            "data_dir": str(self._wizard.paths.root),
        }
        for field, value in shown.items():
            self.values[field].setText(value)

    def validatePage(self) -> bool:
        return self._wizard.create_station()


class SetupWizard(QWizard):
    """Fill in, then create. ``created`` holds what was made (see ``set_up_station``)."""

    def __init__(
        self, paths: DataPaths, passphrase: PassphraseProvider, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.paths, self.passphrase = paths, passphrase
        self.created: dict | None = None
        self.counties = shipped_counties()
        self.setWindowTitle(self.tr("匠心 — 设置正式服务站"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        for button, text in (
            (QWizard.WizardButton.BackButton, self.tr("< 上一步")),
            (QWizard.WizardButton.NextButton, self.tr("下一步 >")),
            (QWizard.WizardButton.FinishButton, self.tr("完成")),
            (QWizard.WizardButton.CancelButton, self.tr("取消")),
        ):
            self.setButtonText(button, text)
        self.station_page = StationPage(self.counties)
        self.admin_page = AdminPage(load_security_policy())
        self.confirm_page = ConfirmPage(self)
        for page in (self.station_page, self.admin_page, self.confirm_page):
            self.addPage(page)
        em = self.fontMetrics().horizontalAdvance("中")
        self.setMinimumSize(em * 44, em * 30)

    def create_station(self) -> bool:
        """Create everything behind a progress window. False keeps the wizard open."""
        station, admin = self.station_page.station(), self.admin_page.account()

        def work(report: ProgressCallback) -> dict:
            return set_up_station(self.paths, self.passphrase, station, admin, progress=report)

        dialog = TaskProgressDialog(
            self.tr("正在设置服务站"),
            self.tr("正在创建加密数据库、管理员账户和服务站签名密钥……"),
            self,
        )
        kind, value = dialog.run(BackgroundTask(work, dialog))
        if kind == "finished":
            assert isinstance(value, dict)
            self.created = value
            return True
        if kind == "cancelled" or isinstance(value, PassphraseCancelled):
            return False  # set_up_station has removed whatever it had made
        if isinstance(value, KnownError):
            show_known_error(self, value, title=self.tr("无法设置服务站"))
            return False
        assert isinstance(value, BaseException)
        raise value


def run_setup_wizard(
    paths: DataPaths, passphrase: PassphraseProvider, parent: QWidget | None = None
) -> dict | None:
    """Show the wizard; what was created, or None when the clerk cancelled (nothing is left)."""
    wizard = SetupWizard(paths, passphrase, parent)
    wizard.exec()
    return wizard.created
