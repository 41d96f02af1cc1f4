"""The daily backup while the window is open: a timer asks whether one is due, a worker makes it.

No dialog interrupts the clerk: the outcome goes to the status bar, and a failure (the USB
stick is not plugged in) is tried again half an hour later (services/station/backup_schedule.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.station.backup_schedule import SCHEDULER_ACTOR, Outcome, is_due, run_backup
from jiangxin_desktop.services.station.settings import BACKUP_LAST
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

CHECK_EVERY_MS = 60_000
FIRST_CHECK_MS = 120_000  # let the clerk start work before the first backup


class BackupScheduler(QObject):
    finished = Signal(object)  # Outcome

    def __init__(
        self,
        ctx: AppContext,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.clock = clock
        self.task: BackgroundTask | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)

    def start(self, first_check_ms: int = FIRST_CHECK_MS) -> None:
        QTimer.singleShot(first_check_ms, self, self.check)
        self.timer.start(CHECK_EVERY_MS)

    def stop(self) -> None:
        self.timer.stop()
        if self.task is not None:
            self.task.wait()

    def check(self) -> bool:
        """Start a backup when one is due; True when one was started."""
        if self.task is not None:
            return False
        try:
            settings = self.ctx.settings
            due = is_due(settings.backup_schedule(), settings.get(BACKUP_LAST), self.clock())
        except KnownError:
            return False  # the database is busy or locked: ask again at the next tick
        if not due:
            return False
        ctx, now = self.ctx, self.clock()

        def work(report: ProgressCallback) -> Outcome:
            return run_backup(
                ctx.db, ctx.settings, station_code=ctx.station.code, actor=SCHEDULER_ACTOR, now=now
            )

        self.task = BackgroundTask(work, self)
        self.task.finished.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.cancelled.connect(lambda: setattr(self, "task", None))
        self.task.start()
        return True

    def _done(self, outcome: Outcome) -> None:
        self.task = None
        self.finished.emit(outcome)

    def _failed(self, error: object) -> None:
        self.task = None
        if isinstance(error, BaseException) and not isinstance(error, KnownError):
            raise error  # a bug: the crash handler reports it
        message = error.message if isinstance(error, KnownError) else str(error)
        self.finished.emit(Outcome(False, self.clock().isoformat(), message))
