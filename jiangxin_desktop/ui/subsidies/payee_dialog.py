"""生成补贴申请 / 更正后重新申请: who receives the money (支付对象 本人 or 单位) and to which account.

Checked while typing with the domain's own checks (``domain.subsidy.check_payee``: card length
and Luhn for a person, the USCC's check character for a unit), the Chinese message under the
field, and the button says why it is disabled. 本人 with the account left empty uses the
social-security card account the trainee registered (shown masked), when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from jiangxin_desktop.domain.masking import mask_card
from jiangxin_desktop.domain.subsidy import PAYEE_PERSON, PAYEE_UNIT, Payee, check_payee
from jiangxin_desktop.ui.widgets.field_row import FieldRow
from jiangxin_desktop.ui.widgets.styles import ERROR_STYLE

FIELD_OF_RULE = {"支付对象": "name", "收款账户": "account", "统一社会信用代码": "uscc"}


@dataclass(frozen=True)
class PayeeDefaults:
    """What the dialog starts from: the trainee, the class's institution, or a returned claim."""

    trainee_name: str
    registered_card: str | None = None  # the trainee's social-security card account, if any
    unit_name: str = ""
    unit_uscc: str = ""
    kind: str = PAYEE_PERSON
    name: str = ""
    account: str = ""
    bank: str = ""
    uscc: str = ""
    kept_account: str = ""  # a returned claim's account, masked: left empty, the claim keeps it


class PayeeDialog(QDialog):
    def __init__(
        self, title: str, intro: str, action: str, defaults: PayeeDefaults, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.defaults = defaults
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)

        self.person_radio = QRadioButton(self.tr("本人（社保卡账户）"), self)
        self.unit_radio = QRadioButton(self.tr("单位（机构或企业）"), self)
        self.person_radio.setToolTip(self.tr("补贴发到学员本人的社会保障卡银行账户"))
        self.unit_radio.setToolTip(self.tr("补贴发到培训机构或企业的银行账户，须填写统一社会信用代码"))
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.person_radio)
        self.kind_group.addButton(self.unit_radio)
        kinds = QHBoxLayout()
        kinds.addWidget(self.person_radio)
        kinds.addWidget(self.unit_radio)
        kinds.addStretch(1)

        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(200)
        self.account_edit = QLineEdit(self)
        self.account_edit.setMaxLength(40)
        self.bank_edit = QLineEdit(self)
        self.bank_edit.setMaxLength(100)
        self.bank_edit.setPlaceholderText(self.tr("如：中国工商银行连云港海州支行"))
        self.uscc_edit = QLineEdit(self)
        self.uscc_edit.setMaxLength(18)
        self.uscc_edit.setPlaceholderText(self.tr("18位，如 91320706MA1XXXXXXX"))
        self.rows = {
            "name": FieldRow(self.name_edit, self),
            "account": FieldRow(self.account_edit, self),
            "bank": FieldRow(self.bank_edit, self),
            "uscc": FieldRow(self.uscc_edit, self),
        }
        self.form = QFormLayout()
        self.form.addRow(self.tr("支付对象："), kinds)
        self.form.addRow(self.tr("收款人："), self.rows["name"])
        self.form.addRow(self.tr("收款账户："), self.rows["account"])
        self.form.addRow(self.tr("开户银行："), self.rows["bank"])
        self.form.addRow(self.tr("统一社会信用代码："), self.rows["uscc"])

        self.reason_label = QLabel(self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet(ERROR_STYLE)
        self.confirm_button = QPushButton(action, self)
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button = QPushButton(self.tr("取消 (Esc)"), self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reason_label, 1)
        bottom.addWidget(self.confirm_button)
        bottom.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addLayout(bottom)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 40)

        (self.unit_radio if defaults.kind == PAYEE_UNIT else self.person_radio).setChecked(True)
        self._fill(defaults.kind, first=True)
        self.person_radio.toggled.connect(lambda on: self._fill(PAYEE_PERSON if on else PAYEE_UNIT))
        for edit in (self.name_edit, self.account_edit, self.bank_edit, self.uscc_edit):
            edit.textChanged.connect(lambda _t: self.validate())
        self.validate()
        self.account_edit.setFocus()

    # --- what is typed --------------------------------------------------------------------------

    def kind(self) -> str:
        return PAYEE_PERSON if self.person_radio.isChecked() else PAYEE_UNIT

    def _fill(self, kind: str, first: bool = False) -> None:
        d = self.defaults
        person = kind == PAYEE_PERSON
        same = first and kind == d.kind and (d.name or d.account)
        self.name_edit.setText(d.name if same else (d.trainee_name if person else d.unit_name))
        self.name_edit.setReadOnly(person)
        self.account_edit.setText(d.account if same else "")
        self.bank_edit.setText(d.bank if same else "")
        self.uscc_edit.setText(d.uscc if same and not person else ("" if person else d.unit_uscc))
        self.form.setRowVisible(self.rows["uscc"], not person)
        if d.kept_account and kind == d.kind:
            self.account_edit.setPlaceholderText(self.tr("留空则沿用原申请的账户 {card}").format(card=d.kept_account))
        elif person and d.registered_card:
            self.account_edit.setPlaceholderText(
                self.tr("留空则用学员登记的社会保障卡账户 {card}").format(card=mask_card(d.registered_card))
            )
        elif person:
            self.account_edit.setPlaceholderText(self.tr("学员没有登记社会保障卡账户，请填写16–19位卡号"))
        else:
            self.account_edit.setPlaceholderText(self.tr("单位银行账户，6–32位数字"))
        self.adjustSize()

    def uses_registered_card(self) -> bool:
        return self.kind() == PAYEE_PERSON and not self.account_edit.text().strip() and bool(
            self.defaults.registered_card
        )

    def keeps_previous(self) -> bool:
        """更正: the account left empty keeps the returned claim's payee (the same kind)."""
        d = self.defaults
        return bool(d.kept_account) and self.kind() == d.kind and not self.account_edit.text().strip()

    def _changed_besides_account(self) -> bool:
        d = self.defaults
        typed = (self.name_edit.text().strip(), self.bank_edit.text().strip(), self.uscc_edit.text().strip().upper())
        return typed != (d.name.strip(), d.bank.strip(), d.uscc.strip().upper() if self.kind() == PAYEE_UNIT else "")

    def payee(self) -> Payee | None:
        """The payee as typed; None: the default — the returned claim's payee when 更正 keeps it,
        else the trainee and the card the trainee registered."""
        if self.keeps_previous():
            return None
        if self.uses_registered_card() and not self.bank_edit.text().strip():
            return None
        account = self.account_edit.text().strip() or (self.defaults.registered_card or "")
        return Payee(
            kind=self.kind(),
            name=self.name_edit.text().strip(),
            account="".join(account.split()),
            bank=self.bank_edit.text().strip(),
            uscc=self.uscc_edit.text().strip().upper() if self.kind() == PAYEE_UNIT else "",
        )

    # --- checks ----------------------------------------------------------------------------------

    def validate(self) -> list[str]:
        """Every field's message under it; returns the blocking messages (empty: may be saved)."""
        account = self.account_edit.text().strip() or (
            self.defaults.registered_card if self.kind() == PAYEE_PERSON else ""
        )
        candidate = Payee(
            self.kind(), self.name_edit.text().strip(), account or "", self.bank_edit.text().strip(),
            self.uscc_edit.text().strip().upper(),
        )
        messages: dict[str, tuple[str, str]] = {}
        blocking: list[tuple[str, str]] = []  # (field, "规则：所见")
        keep = self.keeps_previous()
        if keep and self._changed_besides_account():
            text = self.tr("改了收款人、开户银行或信用代码，请把收款账户也重新填写")
            messages["account"] = (text, FieldRow.WARNING)
            blocking.append(("", self.tr("收款账户：{text}").format(text=text)))
        for line in check_payee(candidate):
            if line.ok or keep and FIELD_OF_RULE.get(line.rule) == "account":
                continue
            field = FIELD_OF_RULE.get(line.rule, "name")
            level = FieldRow.ERROR if line.blocks else FieldRow.WARNING
            if field not in messages or level == FieldRow.ERROR:
                messages[field] = (line.text, level)
            if line.blocks:
                blocking.append((field, f"{line.rule}：{line.text}"))
        typed = {"name": self.name_edit, "account": self.account_edit, "uscc": self.uscc_edit}
        quiet: set[str] = set()  # an empty field is not scolded under itself; the line below says it
        for field, row in self.rows.items():
            text, level = messages.get(field, ("", FieldRow.ERROR))
            editor = typed.get(field)
            if editor is not None and not editor.text().strip() and level == FieldRow.ERROR and field in messages:
                quiet.add(field)
            row.set_message(None if field in quiet else text, level)
        field, why = blocking[0] if blocking else ("", "")
        self.confirm_button.setEnabled(not blocking)
        self.confirm_button.setToolTip(self.tr("请先改正：{why}").format(why=why) if why else "")
        self.reason_label.setText(why if field in quiet else "")
        return [text for _field, text in blocking]

    def _confirm(self) -> None:
        if not self.validate():
            self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if isinstance(focus, QPushButton):
                focus.click()
            elif focus is self.bank_edit and not self.uscc_edit.isVisible() or focus is self.uscc_edit:
                self._confirm()
            else:
                self.focusNextChild()
            return
        super().keyPressEvent(event)
