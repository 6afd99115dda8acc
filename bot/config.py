"""Configuration, read once from the environment (prefix ``JOINTCHECK_``) and passed down.

``services/`` never reads the environment: everything it needs arrives as arguments.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.files import FileStoreConfig

VAR_DIR = Path("var")


class Settings(BaseSettings):
    """Every setting of one jointcheck process; sections are grouped by prefix in the names."""

    model_config = SettingsConfigDict(
        env_prefix="JOINTCHECK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # storage
    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{VAR_DIR / 'jointcheck.db'}",
        description="SQLAlchemy async URL: sqlite+aiosqlite by default, postgresql+asyncpg",
    )
    files_dir: Path = VAR_DIR / "files"
    file_store: Literal["local", "s3"] = Field(
        default="local", description="where evidence and PDFs go: files_dir or an S3 bucket")
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = Field(
        default=None, description="an S3-compatible endpoint (MinIO, Ceph); empty for AWS")
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_prefix: str = ""
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0,
                                  description="the largest evidence file accepted (20 MB)")
    record_location_flag_m: float = Field(
        default=300.0, gt=0,
        description="a record's location farther than this from the subject is flagged")

    # the bot
    bot_token: SecretStr | None = None
    bot_api_url: str | None = Field(
        default=None, description="a Bot API server other than Telegram's (the sandbox)"
    )
    bot_username: str | None = None
    redis_url: str | None = Field(default=None, description="FSM storage shared by instances")
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None

    # web and sandbox
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    sandbox_port: int = 8081
    public_base_url: str = "http://127.0.0.1:8080"

    # rules with configurable figures
    plan_submission_deadline: str = Field(default="11-30", description="MM-DD, Art. 11")
    plan_approval_deadline: str = Field(default="12-31", description="MM-DD, Art. 11")
    result_due_working_days: int = Field(default=20, description="Art. 16")
    repeat_inspection_window_months: int = 12
    recent_pairing_window_months: int = 24
    invitation_ttl_hours: int = 72
    schedule_max_visits_per_day: int = Field(
        default=4, description="on-site visits per team per day unless the task sets its own")

    # drand relays, tried in order; only a transport: every round's signature is checked offline
    drand_relays: Annotated[list[str], NoDecode] = Field(
        default=["https://api.drand.sh", "https://drand.cloudflare.com"],
        description="URLs separated by commas or spaces, or a JSON list",
    )
    drand_relay_timeout_seconds: float = 10.0

    # directories (issue 9)
    coordinate_region: Annotated[tuple[float, float, float, float], NoDecode] = Field(
        default=(108.3, 29.0, 116.2, 33.3),
        description="subjects' coordinates must lie in this box: west,south,east,north "
        "(WGS-84 degrees; the default is Hubei province around Ezhou)",
    )
    sync_confirm_threshold: int = Field(
        default=20, description="import --sync deactivating more records than this needs --yes"
    )
    audit_key_path: Path = Field(
        default=VAR_DIR / "keys" / "audit-ed25519.pem",
        description="Ed25519 private key signing audit checkpoints (never in the database)",
    )
    audit_checkpoint_path: Path = Field(
        default=VAR_DIR / "audit" / "checkpoints.jsonl",
        description="where signed audit checkpoints are appended, outside the database",
    )
    audit_checkpoint_interval_minutes: int = 60
    outbox_lease_seconds: float = Field(
        default=120, ge=1,
        description="a row claimed by a sender that died is sent again after this long",
    )

    # reminders and escalation (issue 12; docs/notifications.md)
    quiet_hours: str = Field(default="21:00-08:00", pattern=r"^(\d\d:\d\d-\d\d:\d\d)?$",
                             description="Beijing time; nothing is sent inside; empty: none")
    reminder_time: str = Field(default="09:00", pattern=r"^\d\d:\d\d$",
                               description="day-based reminders go out at this time")
    reminder_review_pending_working_days: int = Field(default=2, ge=1)
    reminder_draw_lead_working_days: int = Field(default=5, ge=1)
    reminder_schedule_lead_working_days: int = Field(default=5, ge=1)
    reminder_confirm_working_days: int = Field(default=1, ge=1)
    reminder_confirm_escalate_working_days: int = Field(default=1, ge=1)
    reminder_inspection_eve_time: str = Field(default="17:00", pattern=r"^\d\d:\d\d$")
    reminder_results_soon_working_days: int = Field(default=3, ge=1)
    reminder_plan_from: str = Field(default="11-15", description="MM-DD, Art. 11")
    reminder_plan_approval_lead_working_days: int = Field(default=5, ge=1)
    digest_time: str = Field(default="08:30", pattern=r"^\d\d:\d\d$")
    clock_offset_seconds: float = Field(
        default=0, description="demo and tests only: every process's clock runs this far ahead")
    reminder_record_missing_time: str = Field(
        default="20:00", pattern=r"^\d\d:\d\d$",
        description="a visit day without its submitted record: the inspector is told then")
    reminder_correction_time: str = Field(
        default="09:00", pattern=r"^\d\d:\d\d$",
        description="a correction order's deadline day: its department is told then")
    division_code: str = Field(default="420700", pattern=r"^\d{6}$",
                               description="the division code in public task codes (Ezhou)")
    code_key_path: Path = Field(
        default=VAR_DIR / "keys" / "codes-ed25519.pem",
        description="Ed25519 private key signing inspection codes (亮码)")
    code_signing_key: SecretStr | None = Field(
        default=None, description="the inspection codes' Ed25519 key: a PEM file's path or a "
        "base64 32-byte seed; empty: code_key_path, generated on first use")
    department_phones: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, description="department code → the phone a business calls "
        "back (inspection codes' page): JSON or CODE=PHONE,CODE=PHONE")
    progress_link_secret: SecretStr | None = Field(
        default=None, description="HMAC secret of the progress pages' signed links (issue 12); "
        "empty: progress_link_key_path, generated on first use")
    progress_link_key_path: Path = Field(
        default=VAR_DIR / "keys" / "progress-links.key",
        description="the generated secret of the progress links (mode 0600)")
    progress_link_days: int = Field(default=30, gt=0, le=366,
                                    description="how long `jointcheck progress link` is valid")
    code_valid_minutes: int = Field(default=240, gt=0, le=24 * 60,
                                    description="how long an inspection code is valid")

    # the admin HTTP API (issue 13 item 5; docs/api.md)
    api_max_body_bytes: int = Field(default=1024 * 1024, gt=0,
                                    description="the largest API request body but imports (1 MB)")
    api_max_import_bytes: int = Field(default=25 * 1024 * 1024, gt=0,
                                      description="the largest directory file uploaded (25 MB)")
    api_rate_per_minute: float = Field(default=120, gt=0,
                                       description="requests a minute per token, sustained")
    api_rate_burst: int = Field(default=30, gt=0,
                                description="requests a token may send at once")

    timezone: str = "Asia/Shanghai"
    default_language: str = "zh_CN"

    @field_validator("coordinate_region", mode="before")
    @classmethod
    def _region(cls, value: Any) -> Any:
        """``108.3,29.0,116.2,33.3`` (west, south, east, north), or a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            parts = json.loads(text) if text.startswith("[") else re.split(r"[,\s]+", text)
            value = tuple(float(p) for p in parts if p != "")
        west, south, east, north = value
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise ValueError("coordinate_region: west,south,east,north; west<east, south<north")
        return value

    @field_validator("department_phones", mode="before")
    @classmethod
    def _phones(cls, value: Any) -> Any:
        """``{"SCJG": "0711-1234567"}`` or ``SCJG=0711-1234567,HBJ=0711-7654321``."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("{"):
                return json.loads(text)
            pairs = [p.split("=", 1) for p in re.split(r"[,;]+", text) if "=" in p]
            return {k.strip(): v.strip() for k, v in pairs}
        return value

    @field_validator("drand_relays", mode="before")
    @classmethod
    def _url_list(cls, value: Any) -> Any:
        """``https://a, https://b`` as well as ``["https://a", "https://b"]``."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part for part in re.split(r"[,\s]+", text) if part]
        return value


def file_store_config(settings: Settings) -> FileStoreConfig:
    """The file store's part of the settings, for ``storage.files.build_file_store``."""
    return FileStoreConfig(
        kind=settings.file_store, root=settings.files_dir, s3_bucket=settings.s3_bucket,
        s3_endpoint_url=settings.s3_endpoint_url, s3_region=settings.s3_region,
        s3_access_key=settings.s3_access_key,
        s3_secret_key=settings.s3_secret_key.get_secret_value() if settings.s3_secret_key
        else None,
        s3_prefix=settings.s3_prefix,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
