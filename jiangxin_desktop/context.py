"""Composition root shared by the command line and the windows.

config (data directory) → key (keyring or passphrase) → database (open, migrate:
``database_files.py``) → services, built here with what each uses, then the user who logs
in (``acting``). Nothing is opened at import time; tests build contexts on temporary folders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jiangxin_desktop.database_files import current_actor, damage_said, open_database
from jiangxin_desktop.domain.codes import CodeCatalog
from jiangxin_desktop.errors import KnownError
from jiangxin_desktop.paths import DataPaths
from jiangxin_desktop.services.catalog.codes import load_codes, refresh_shipped_codes
from jiangxin_desktop.services.catalog.refresh import refresh_shipped_catalog
from jiangxin_desktop.services.catalog.training import CatalogService
from jiangxin_desktop.services.registry.search import TraineeSearch
from jiangxin_desktop.services.registry.trainees import TraineeRegistry
from jiangxin_desktop.services.security.acting import Acting
from jiangxin_desktop.services.security.keystore import PassphraseProvider
from jiangxin_desktop.services.security.signing import ensure_signing_key
from jiangxin_desktop.services.security.users import UserInfo, UserService, load_security_policy
from jiangxin_desktop.services.station import unfinished_setup as unfinished
from jiangxin_desktop.services.station.settings import SettingsService
from jiangxin_desktop.services.station.setup import ConsentNotice, StationInfo, is_demo, load_station
from jiangxin_desktop.services.training.attendance import AttendanceService
from jiangxin_desktop.services.training.classes import ClassService
from jiangxin_desktop.services.training.enrollment import EnrollmentService
from jiangxin_desktop.store.database import Database

if TYPE_CHECKING:
    from jiangxin_desktop.services.certificates.documents import CertificatePrinting
    from jiangxin_desktop.services.certificates.issuing import CertificateService
    from jiangxin_desktop.services.exchange.followup_import import FollowupImporter
    from jiangxin_desktop.services.exchange.roster_export import ClassExports
    from jiangxin_desktop.services.exchange.roster_import import RosterImporter
    from jiangxin_desktop.services.stats import StatsService
    from jiangxin_desktop.services.followup import FollowupService
    from jiangxin_desktop.services.subsidies import SubsidyService
    from jiangxin_desktop.services.subsidies.documents import SubsidyDocuments
    from jiangxin_desktop.services.sync import SyncService
    from jiangxin_desktop.services.training.documents import ClassDocuments


@dataclass
class AppContext:
    paths: DataPaths
    db: Database
    station: StationInfo
    codes: CodeCatalog
    consent: ConsentNotice
    registry: TraineeRegistry
    search: TraineeSearch
    demo: bool
    system_actor: str  # who acts before anyone logs in: the OS login name (setup, demo, backups)
    users: UserService
    settings: SettingsService
    acting: Acting
    catalogs: CatalogService
    classes: ClassService
    enrollments: EnrollmentService
    attendance: AttendanceService
    _certificates: CertificateService | None = field(default=None, repr=False)
    _sync: SyncService | None = field(default=None, repr=False)
    _subsidy: SubsidyService | None = field(default=None, repr=False)
    _stats: StatsService | None = field(default=None, repr=False)
    _followups: FollowupService | None = field(default=None, repr=False)

    @property
    def certificates(self) -> CertificateService:
        """Certificates (built on first use: their pages and QR codes load after the list paints)."""
        if self._certificates is None:
            from jiangxin_desktop.services.certificates.issuing import CertificateService

            self._certificates = CertificateService(
                self.db, self.acting, self.codes, self.station.name, self.catalogs
            )
        return self._certificates

    @property
    def sync(self) -> SyncService:
        """Sync to the city (built on first use: the window paints before httpx and JOSE load)."""
        if self._sync is None:
            from jiangxin_desktop.services.sync import SyncService

            spool = self.paths.root / "sync" / "outgoing"
            self._sync = SyncService(self.db, self.acting, self.settings, self.catalogs, spool)
        return self._sync

    @property
    def subsidy(self) -> SubsidyService:
        """Subsidy claims (built on first use)."""
        if self._subsidy is None:
            from jiangxin_desktop.services.subsidies import SubsidyService

            self._subsidy = SubsidyService(self.db, self.acting, self.catalogs, self.codes, self.attendance)
        return self._subsidy

    @property
    def followups(self) -> FollowupService:
        """Employment follow-ups (回访) and services to the unemployed (1131), built on first use."""
        if self._followups is None:
            from jiangxin_desktop.services.followup import FollowupService

            self._followups = FollowupService(self.db, self.acting, self.catalogs, self.codes)
        return self._followups

    @property
    def stats(self) -> StatsService:
        """The station's figures against the plan (built on first use)."""
        if self._stats is None:
            from jiangxin_desktop.services.stats import StatsService

            self._stats = StatsService(self.db, self.acting, self.catalogs, self.codes, self.station.name)
        return self._stats

    @property
    def user(self) -> UserInfo | None:
        """Who is logged in; kept in one place, ``acting``, which every service reads."""
        return self.acting.user

    @property
    def actor(self) -> str:
        return self.acting.user.username if self.acting.user else self.system_actor

    def login(self, username: str, password: str) -> UserInfo:
        """Authenticate (lock-out, audit) and act as that user from now on."""
        user = self.users.authenticate(username, password)
        self.act_as(user)
        return user

    def act_as(self, user: UserInfo) -> None:
        """Services act for ``user``: their audit events name the user, their checks use the role."""
        self.acting.user = user

    def set_consent(self, title: str, text: str) -> ConsentNotice:
        """Change the consent notice (administrator); registrations from now on use it."""
        self.consent = self.settings.set_consent(self.user, title, text)
        self.registry.consent_version = self.consent.version
        return self.consent

    def roster_importer(self) -> RosterImporter:
        """A roster import under the consent notice and the import limits as they stand now."""
        from jiangxin_desktop.services.exchange.roster_import import RosterImporter
        from jiangxin_desktop.domain.import_limits import ImportLimits

        limits, consent = ImportLimits.from_settings(self.settings), self.consent.version
        pieces = (self.db, self.acting, self.classes, self.catalogs, self.codes)
        return RosterImporter(*pieces, consent_version=consent, limits=limits)

    def followup_importer(self) -> FollowupImporter:
        """Bulk entry of follow-ups from a spreadsheet, under the import limits as they stand now."""
        from jiangxin_desktop.domain.import_limits import ImportLimits
        from jiangxin_desktop.services.exchange.followup_import import FollowupImporter

        return FollowupImporter(self.db, self.acting, self.followups, limits=ImportLimits.from_settings(self.settings))

    def class_exports(self) -> ClassExports:
        """The 花名册 and statistics exports (and the 花名册's rows for printing)."""
        from jiangxin_desktop.services.exchange.roster_export import ClassExports

        pieces = (self.db, self.acting, self.codes, self.catalogs, self.classes, self.enrollments)
        return ClassExports(*pieces, self.attendance, self.registry, station_name=self.station.name)

    def class_documents(self) -> ClassDocuments:
        """The printed 花名册 (the Excel export's rows) and 签到表."""
        from jiangxin_desktop.services.exchange import roster_export as export
        from jiangxin_desktop.services.training.documents import ClassDocuments, RosterTable

        rows, codes = self.class_exports().roster_rows, self.codes
        roster = RosterTable(
            lambda klass, full: rows(klass, full=full),
            export.roster_totals,
            lambda klass: export.level_label(codes, klass),
            export.FULL_NUMBER_ROLES,
        )
        return ClassDocuments(self.db, self.acting, self.classes, self.attendance, self.station.name, roster)

    def certificate_printing(self) -> CertificatePrinting:
        from jiangxin_desktop.services.certificates.documents import CertificatePrinting

        return CertificatePrinting(self.db, self.acting, self.classes, self.certificates)

    def subsidy_documents(self) -> SubsidyDocuments:
        """The printed 补贴申请表, 汇总表 and 公示名单 of a class's claims."""
        from jiangxin_desktop.services.subsidies.documents import SubsidyDocuments

        args = (self.db, self.acting, self.classes, self.attendance, self.catalogs, self.codes)
        return SubsidyDocuments(*args, self.station.name)

    def close(self) -> None:
        self.db.dispose()


def build_context(paths: DataPaths, db: Database, *, actor: str | None = None) -> AppContext:
    station = load_station(db)
    if station is None:
        raise KnownError("数据库尚未初始化服务站。请运行 jiangxin-desktop setup 或 demo。")
    ensure_signing_key(db)  # a database from before signing keys gets its key now (audited)
    actor = actor or current_actor()
    refresh_shipped_codes(db)  # a station set up by an older release gets this release's aliases
    codes = load_codes(db)
    refresh_shipped_catalog(db, codes)  # and this release's example catalog (standards, plan targets)
    settings = SettingsService(db)
    consent = settings.consent_notice()
    demo = is_demo(db)
    acting = Acting(station.code, travels=not demo)  # demo rows never travel to the city
    registry = TraineeRegistry(db, acting, codes=codes, consent_version=consent.version, travels=not demo)
    users = UserService(db, policy=load_security_policy())
    catalogs = CatalogService(db, codes)
    catalogs.active()  # a database without a training catalog gets the shipped one (audited, once)
    classes = ClassService(db, acting, catalogs)
    return AppContext(
        paths,
        db,
        station,
        codes,
        consent,
        registry,
        TraineeSearch(db),
        demo,
        actor,
        users,
        settings,
        acting,
        catalogs,
        classes,
        EnrollmentService(db, acting, catalogs),
        AttendanceService(db, acting, catalogs, classes),
    )


def open_context(
    paths: DataPaths, passphrase: PassphraseProvider, *, actor: str | None = None, unlocked: bytes | None = None
) -> AppContext:
    with damage_said(paths):
        db = open_database(paths, passphrase, unlocked=unlocked)
        try:
            ctx = build_context(paths, db, actor=actor)
        except BaseException:
            db.dispose()
            raise
    folder = ctx.settings.backup_schedule().folder  # an interrupted backup's .partial files too
    leftovers = [paths.root, paths.root / "backups", *([Path(folder)] if folder else [])]
    unfinished.sweep_leftovers(leftovers)
    return ctx
