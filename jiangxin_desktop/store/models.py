"""SQLAlchemy models. The schema itself is owned by the Alembic revisions in migrations/.

Rows that travel to the city (``Travelling``) carry a time-ordered UUID, the station
code, a version counter and timestamps, so that rows from many stations merge without
collisions. ``seq`` is a local integer key (stable rowid for the FTS index); it never
leaves this database.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Travelling:
    """Columns every row that goes to the city carries (and ``seq``, which stays here)."""

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    station_code: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC
    updated_at: Mapped[str] = mapped_column(String(32))


class Meta(Base):
    """Key/value facts about this database (demo flag, catalog version)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Station(Base):
    __tablename__ = "station"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    county_code: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[str] = mapped_column(String(32))


class CodeEntry(Base):
    """One entry of a code list (人员类别, 民族, …), loaded from the shipped catalog."""

    __tablename__ = "code_entry"
    list_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    extra_json: Mapped[str] = mapped_column(Text, default="{}")
    position: Mapped[int] = mapped_column(Integer, default=0)
    catalog_version: Mapped[str] = mapped_column(String(40))


class Trainee(Travelling, Base):
    __tablename__ = "trainee"
    __table_args__ = (
        # The list of active trainees by name, and the counts of (in)active ones. By seq (the
        # table's own order) or ID (its unique index) the list filters ``active`` row by row.
        Index("ix_trainee_active_name", "active", "name"),
    )
    name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str] = mapped_column(String(20))
    hukou: Mapped[str | None] = mapped_column(String(20))
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(20))
    target_group: Mapped[str | None] = mapped_column(String(40))
    target_flags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, e.g. ["脱贫家庭"]
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    evidence_number: Mapped[str | None] = mapped_column(String(60))
    employment_status: Mapped[str | None] = mapped_column(String(20))
    bank_card: Mapped[str | None] = mapped_column(String(19))
    address: Mapped[str | None] = mapped_column(String(200))
    employer: Mapped[str | None] = mapped_column(String(200))
    employer_uscc: Mapped[str | None] = mapped_column(String(18))
    employer_uscc_override: Mapped[str | None] = mapped_column(Text)  # why an invalid code was kept
    note: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[str] = mapped_column(String(32))
    consent_version: Mapped[str] = mapped_column(String(40))
    photo_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_at: Mapped[str | None] = mapped_column(String(32))
    deactivated_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(60))
    anonymised_at: Mapped[str | None] = mapped_column(String(32))  # retention rule applied


class AuditEvent(Base):
    """Append-only: triggers in the schema refuse UPDATE and DELETE; a hash chain shows
    any change made around them (with the key, outside the program)."""

    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(36))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # hash chain (domain.audit_chain)
    hash: Mapped[str | None] = mapped_column(String(64))


class OutboxEntry(Base):
    """A change waiting to travel to the city, written in the same transaction as the change.

    It names the row and the version the change made; the batch serialises the row as it
    stands then (no second copy of anyone's data). ``batch_id``: the batch it went in.
    """

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("entity", "entity_uuid", "version"), Index("ix_outbox_batch", "batch_id", "seq"))
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    operation: Mapped[str] = mapped_column(String(16))
    batch_id: Mapped[str | None] = mapped_column(String(36))


class AppUser(Base):
    """A person who logs in to this installation. Local only: users never travel.

    ``username`` is stored lower-case (names are case-insensitive). ``password_hash`` is a
    self-describing scrypt string (services/security/passwords.py) and never leaves this
    table: not in audit events, not in exceptions.
    """

    __tablename__ = "app_user"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(16))  # clerk | reviewer | admin
    password_hash: Mapped[str] = mapped_column(String(200))
    password_changed_at: Mapped[str] = mapped_column(String(32))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[str | None] = mapped_column(String(32))  # ISO 8601 UTC
    last_login_at: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)


class PasswordHistory(Base):
    """The hashes of a user's most recent passwords (the current one included)."""

    __tablename__ = "password_history"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_seq: Mapped[int] = mapped_column(ForeignKey("app_user.seq"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[str] = mapped_column(String(32))


class LoginThrottle(Base):
    """Failed log-ins for a user name without an account (a SHA-256 of the name, not the name),
    so that a refusal or a lock-out never tells whether a name exists."""

    __tablename__ = "login_throttle"
    name_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[str | None] = mapped_column(String(32))  # ISO 8601 UTC
    updated_at: Mapped[str] = mapped_column(String(32))


class Setting(Base):
    """An administrator's setting (consent text, retention, backup folder…), JSON-valued."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)


class SigningKey(Base):
    """The station's Ed25519 key pair. The private key is stored wrapped (AES-256-GCM under a
    key derived from the database key), inside the SQLCipher file: protected like the
    database key, and carried by every backup so that a lost PC does not lose it."""

    __tablename__ = "signing_key"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(100))  # base64 of the raw 32 bytes
    private_key_wrapped: Mapped[str] = mapped_column(Text)  # JSON: nonce, ciphertext
    created_at: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(60))
    retired_at: Mapped[str | None] = mapped_column(String(32))


class TraineeKey(Base):
    """A trainee's data key, sealing the identifying fields inside audit events
    (services/security/sealing.py). Deleted when the trainee is anonymised."""

    __tablename__ = "trainee_key"
    trainee_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    key_hex: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))


class CatalogRecord(Base):
    """An installed training catalog (projects, occupations, institutions, rules), versioned.

    The shipped example catalog is installed first; the city's catalog replaces it by
    import. Only one is active; the others stay for the classes that were opened under them.
    """

    __tablename__ = "catalog"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(60))
    sha256: Mapped[str] = mapped_column(String(64))
    content_json: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(260))  # "shipped" or the imported file's name
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    installed_at: Mapped[str] = mapped_column(String(32))
    installed_by: Mapped[str] = mapped_column(String(60))


class TrainingClass(Travelling, Base):
    """A class (培训班). Names from the catalog are copied in, so an old class stays
    readable after the catalog is replaced. Money is in fen (分), never floats."""

    __tablename__ = "training_class"
    __table_args__ = (Index("ix_training_class_status", "status", "start_date"),)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))  # draft|opened|training|finished|archived
    catalog_version: Mapped[str] = mapped_column(String(60))
    project_code: Mapped[str] = mapped_column(String(20))
    project_name: Mapped[str] = mapped_column(String(100))
    occupation_code: Mapped[str] = mapped_column(String(12))
    occupation_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(8))  # skill_level code, "" when the certificate has none
    certificate_type: Mapped[str] = mapped_column(String(8))
    institution_code: Mapped[str] = mapped_column(String(20))
    institution_name: Mapped[str] = mapped_column(String(100))
    institution_uscc: Mapped[str] = mapped_column(String(18))
    site: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    class_hours: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    teachers_json: Mapped[str] = mapped_column(Text, default="[]")
    fee_fen: Mapped[int] = mapped_column(Integer, default=0)
    government_fen: Mapped[int] = mapped_column(Integer, default=0)
    employer_fen: Mapped[int] = mapped_column(Integer, default=0)
    personal_fen: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    review_note: Mapped[str | None] = mapped_column(Text)  # why a reviewer returned it
    approved_by: Mapped[str | None] = mapped_column(String(60))
    approved_at: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(String(60))


class ClassSession(Travelling, Base):
    """One session (课次) of a class's timetable."""

    __tablename__ = "class_session"
    __table_args__ = (UniqueConstraint("class_uuid", "number"),)
    class_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("training_class.uuid"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    start_time: Mapped[str] = mapped_column(String(5))  # HH:MM local
    end_time: Mapped[str] = mapped_column(String(5))
    hours: Mapped[int] = mapped_column(Integer)  # class hours (课时) of this session
    teacher: Mapped[str | None] = mapped_column(String(60))
    topic: Mapped[str | None] = mapped_column(String(200))


class Enrollment(Travelling, Base):
    """A trainee in a class, with the target group and evidence at enrolment."""

    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("class_uuid", "trainee_uuid"),)  # also finds a class's enrolments
    class_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("training_class.uuid"))
    trainee_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("trainee.uuid"), index=True)
    target_group: Mapped[str] = mapped_column(String(40))
    target_flags: Mapped[str] = mapped_column(Text, default="[]")
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    evidence_number: Mapped[str | None] = mapped_column(String(60))
    subsidised: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16))  # enrolled | withdrawn
    warnings_json: Mapped[str] = mapped_column(Text, default="[]")  # eligibility warnings accepted
    withdrawn_at: Mapped[str | None] = mapped_column(String(32))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(60))


class Attendance(Travelling, Base):
    """One trainee at one session: present, late, left early, on leave or absent."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_uuid", "enrollment_uuid"),  # 0017: rows without a sign-in:
        Index("ix_attendance_untimed", "status", "session_uuid", sqlite_where=text("sign_in_at IS NULL")))
    session_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("class_session.uuid"), index=True)
    enrollment_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("enrollment.uuid"), index=True)
    status: Mapped[str] = mapped_column(String(12))  # present|late|early|leave|absent
    sign_in_at: Mapped[str | None] = mapped_column(String(32))
    sign_out_at: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(60))
    # 补签: times outside the session's window, claimed with a reason, count once a reviewer approves
    makeup: Mapped[str | None] = mapped_column(String(12))  # None | pending | approved | rejected
    makeup_reason: Mapped[str | None] = mapped_column(Text)
    makeup_sign_in_at: Mapped[str | None] = mapped_column(String(32))
    makeup_sign_out_at: Mapped[str | None] = mapped_column(String(32))
    makeup_by: Mapped[str | None] = mapped_column(String(60))
    makeup_reviewed_by: Mapped[str | None] = mapped_column(String(60))
    makeup_reviewed_at: Mapped[str | None] = mapped_column(String(32))


class Assessment(Travelling, Base):
    """An assessment attempt (结业考核): theory and practical scores, result; retakes numbered."""

    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("enrollment_uuid", "attempt"),)
    enrollment_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("enrollment.uuid"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    theory_score: Mapped[float | None] = mapped_column(Float)
    practical_score: Mapped[float | None] = mapped_column(Float)
    result: Mapped[str] = mapped_column(String(8))  # pass | fail
    assessed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(60))


class Certificate(Travelling, Base):
    """A certificate issued to a trainee who passed a finished class.

    ``number`` is ``{station_code}-{year}-{serial:06d}``; the serial is allocated inside the
    write transaction and rows are never deleted (a revoked certificate stays), so a number
    is never given twice. What the class said is copied in, so the certificate reads the same
    after the catalog changes. A 补发 (reprint) keeps the number and counts up ``reissue_count``.
    """

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("station_code", "year", "serial"),  # and the dashboard's (0016):
                      Index("ix_certificate_issued", "issue_date", "status", "certificate_type", "level"),
                      Index("ix_certificate_updated", "updated_at"))
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    class_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("training_class.uuid"), index=True)
    enrollment_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("enrollment.uuid"), index=True)
    trainee_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("trainee.uuid"), index=True)
    certificate_type: Mapped[str] = mapped_column(String(8))
    occupation_code: Mapped[str] = mapped_column(String(12))
    occupation_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(8))
    issue_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # valid | revoked
    reissue_count: Mapped[int] = mapped_column(Integer, default=0)
    reissued_on: Mapped[date | None] = mapped_column(Date)
    reissue_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[str | None] = mapped_column(String(32))
    revoked_by: Mapped[str | None] = mapped_column(String(60))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(60))
    # who the page names as issuer (evaluation body for 职业技能等级证书); NULL: the institution
    issuer_name: Mapped[str | None] = mapped_column(String(200))
    issuer_filing_number: Mapped[str | None] = mapped_column(String(60))


class TraineePhoto(Base):
    """A trainee's 一寸 photo for the certificate, kept only with the separate photo consent."""

    __tablename__ = "trainee_photo"
    trainee_uuid: Mapped[str] = mapped_column(String(36), ForeignKey("trainee.uuid"), primary_key=True)
    mime: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[str] = mapped_column(String(32))
    updated_by: Mapped[str] = mapped_column(String(60))
