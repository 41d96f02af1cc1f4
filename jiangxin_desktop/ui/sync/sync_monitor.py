"""The quiet side of sync while the window is open: a timer retries what waits, the status bar says
where things stand.

Every few minutes (the setting ``sync.retry_minutes``, 5 unless set) the monitor asks the service
whether anything waits to leave and, when the previous run has finished, runs ``sync_now`` in a
worker without forcing: batches whose back-off has not run out are left for later. No dialog
interrupts the clerk; the outcome is the status-bar label (同步：已确认至 第N批 / N 条待发送 /
失败（原因） / 未注册).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.services.security import parse_iso
from jiangxin_desktop.ui.sync.status_label import SyncStatusLabel
from jiangxin_desktop.ui.sync.status_words import status_bar_words, stuck_batch
from jiangxin_desktop.ui.widgets.workers import BackgroundTask, ProgressCallback

if TYPE_CHECKING:
    from jiangxin_desktop.context import AppContext

RETRY_SETTING = "sync.retry_minutes"
DEFAULT_RETRY_MINUTES = 5
FIRST_CHECK_MS = 90_000  # let the clerk start work first
STOP_WAIT_MS = 45_000  # the sync transport's connect (10 s) and read (30 s) timeouts, and a margin
FIRST_LABEL_MS = 400  # after the list's first paint: the sync service loads httpx and JOSE (~0.3 s)


def retry_interval_ms(ctx: AppContext) -> int:
    try:
        minutes = ctx.settings.get(RETRY_SETTING)
    except KnownError:
        minutes = None
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0:
        minutes = DEFAULT_RETRY_MINUTES
    return int(minutes * 60_000)


class SyncMonitor(QObject):
    """Owns the retry timer, the background run and the status-bar label."""

    changed = Signal()  # a run started or ended (the 同步 page reloads)
    finished = Signal()  # a background run ended

    def __init__(self, ctx: AppContext, label: SyncStatusLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.label = label
        self.task: BackgroundTask | None = None
        self.manual = False  # the 同步 page runs 立即同步: the timer waits
        self.last_failure: str | None = None
        self._stopping = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)

    @property
    def running(self) -> bool:
        """This monitor's background run is under way."""
        return self.task is not None

    def set_manual(self, on: bool) -> None:
        """The page's 立即同步 runs (the timer waits, the label says 同步中…) or has ended."""
        self.manual = on
        if on:
            self.refresh_label()

    def start(self, first_check_ms: int = FIRST_CHECK_MS, first_label_ms: int = FIRST_LABEL_MS) -> None:
        QTimer.singleShot(first_label_ms, self, self.refresh_label)
        QTimer.singleShot(first_check_ms, self, self.check)
        self.timer.start(retry_interval_ms(self.ctx))

    def stop(self) -> None:
        """The window closes: no new run; one under way is asked to stop and waited for."""
        self.timer.stop()
        self._stopping = True
        if self.task is not None:
            # the service stops after the request under way: at most its connect + read timeouts
            self.task.wait(STOP_WAIT_MS)

    def has_work(self) -> bool:
        """Something may leave now: the registration, or the first batch in line once its back-off
        has run out (batches leave in order, so one waiting holds back the newer), or new records."""
        status = self.ctx.sync.status()
        if not status.enrolled:
            return False
        if not status.registered:
            return True
        line = [b for b in self.ctx.sync.batches(limit=500) if b.status in ("ready", "sent")]
        if line:
            first = min(line, key=lambda b: b.sequence)
            return first.next_attempt_at is None or parse_iso(first.next_attempt_at) <= self.ctx.acting.now()
        return status.pending_records > 0

    def check(self) -> bool:
        """Start a background run when something waits and none is under way; True when started."""
        if self.task is not None or self.manual or self._stopping or self.ctx.user is None:
            return False  # one run at a time; and only for someone logged in (the service checks the role)
        try:
            if not self.has_work():
                self.refresh_label()
                return False
        except KnownError:
            return False  # the database is busy or locked: ask again at the next tick
        service = self.ctx.sync

        def work(report: ProgressCallback) -> object:
            return service.sync_now(cancelled=lambda: self._stopping)

        self.task = BackgroundTask(work, self)
        self.task.finished.connect(self._done)
        self.task.failed.connect(self._failed)
        self.task.cancelled.connect(lambda: self._done(None))
        self.task.start()
        self.refresh_label()
        self.changed.emit()  # the page greys 立即同步 while this run lasts
        return True

    def record(self, result: object) -> None:
        """What a run (this monitor's or the page's 立即同步) ended with: a SyncResult, an error, or
        None for a run the clerk cancelled (not a failure)."""
        if isinstance(result, KnownError):
            self.last_failure = result.message
        else:
            self.last_failure = getattr(result, "failed", None)
        self.refresh_label()

    def refresh_label(self) -> None:
        try:
            status = self.ctx.sync.status()
            batches = self.ctx.sync.batches(limit=50)
        except KnownError:
            return
        confirmed = [b.sequence for b in batches if b.status == "confirmed"]
        refused = next((b for b in batches if b.status == "rejected"), None)
        stuck = stuck_batch(batches)
        failure = self.last_failure
        if failure is None and stuck is not None:
            failure = self.tr("第 {n} 批：{why}").format(n=stuck.sequence, why=stuck.last_error)
        if failure is None and refused is not None:
            failure = refused.last_error or self.tr("市里拒收了第{n}批").format(n=refused.sequence)
        self.label.show_words(
            *status_bar_words(
                status,
                max(confirmed, default=None),
                failure,
                running=self.running or self.manual,
                demo=self.ctx.demo,
            )
        )

    def _done(self, result: object = None) -> None:
        self.task = None
        self.record(result)
        self.changed.emit()
        self.finished.emit()

    def _failed(self, error: object) -> None:
        self.task = None
        if isinstance(error, BaseException) and not isinstance(error, KnownError):
            raise error  # a bug: the crash handler reports it
        self.record(error)
        self.changed.emit()
        self.finished.emit()
