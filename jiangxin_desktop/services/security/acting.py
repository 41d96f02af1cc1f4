"""Who a service acts for, shared by the services of one context, and their common writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from jiangxin_desktop.services.security.roles import UserInfo, require_role
from jiangxin_desktop.services.security.sealing import seal
from jiangxin_desktop.store import outbox
from jiangxin_desktop.store.journal import record_change


def local_now() -> datetime:
    """The wall clock in the machine's time zone (aware); tests replace ``Acting.now``."""
    return datetime.now().astimezone()


@dataclass
class Acting:
    """The logged-in user (set by the composition root) and facts every service needs."""

    station_code: str
    travels: bool = True
    user: UserInfo | None = None
    today: Callable[[], date] = field(default=date.today)
    now: Callable[[], datetime] = field(default=local_now)  # aware local time (attendance windows)

    @property
    def actor(self) -> str:
        return self.user.username if self.user else "system"

    def require(self, *roles: str, action: str) -> UserInfo:
        """Permissions are enforced in the services, not only by hiding buttons."""
        return require_role(self.user, *roles, action=action)

    def record(
        self,
        session: Session,
        *,
        action: str,
        entity: str,
        uuid: str,
        version: int,
        before: dict | None,
        after: dict,
        subject: str | None = None,
        operation: str = outbox.UPSERT,
    ) -> None:
        """Audit event + outbox entry; a row about a person (``subject``) has its audit copy sealed."""
        record_change(
            session,
            actor=self.actor,
            action=action,
            entity=entity,
            entity_uuid=uuid,
            version=version,
            before=before,
            after=after,
            operation=operation,
            travels=self.travels,
            seal=(lambda data: seal(session, subject, data)) if subject else None,
        )
