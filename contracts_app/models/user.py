"""Users, their roles and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from contracts_app.extensions import db
from contracts_app.models.types import UTCDateTime, utcnow

ROLES = ("admin", "sla", "finance", "school")
ROLE_NAMES = {
    "admin": "Administrator",
    "sla": "SLA team",
    "finance": "Finance",
    "school": "School",
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'sla', 'finance', 'school')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_groups.id"), index=True)
    # A school user scoped to a trust (issue #29): it sees every academy of the trust, today's.
    trust_id: Mapped[int | None] = mapped_column(ForeignKey("trusts.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A school user authorised to commit spending: only a signatory accepts an offer (buying round).
    signatory: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Part of the id in every session and remember-me cookie: raising it ends them all.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    school = relationship("School", foreign_keys=[school_id])
    group = relationship("SchoolGroup", foreign_keys=[group_id])
    trust = relationship("Trust", foreign_keys=[trust_id])
    tokens = relationship("ApiToken", back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's id for sessions and remember-me cookies: the user and the session version."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session and remember-me cookie of this user stale."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    def school_ids(self) -> set[int]:
        """The schools a school user may see: its own school, its group's members, or the academies
        its trust has today (the one place school scoping is decided)."""
        ids: set[int] = set()
        if self.school_id:
            ids.add(self.school_id)
        if self.group is not None:
            ids.update(member.id for member in self.group.schools)
        if self.trust is not None:
            ids.update(self.trust.academy_ids_on(date.today()))
        return ids

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only a hash is stored; revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the token is for, and when the API stops taking it (None: until revoked). Issue #30.
    name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", back_populates="tokens")

    def expired(self, now: datetime) -> bool:
        """Whether the token's expiry has passed."""
        return self.expires_at is not None and now >= self.expires_at

    @staticmethod
    def hash(token: str) -> str:
        # Tokens are 256 random bits, so a fast hash is enough (no dictionary to attack).
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> tuple["ApiToken", str]:
        token = "sla_" + secrets.token_urlsafe(32)
        return cls(user=user, token_hash=cls.hash(token), prefix=token[:10]), token
