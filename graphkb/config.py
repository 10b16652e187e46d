"""Settings from the environment (GRAPHKB_*), as listed in the README."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRAPHKB_", extra="ignore")

    home: Path = Field(default=Path("~/.graphkb"), description="all local state")
    neo4j_uri: str | None = Field(default=None, description="external Bolt server; no embedded server when set")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str | None = None
    llm: str = "offline"
    # Chat-model calls: attempts on transient errors (429, 5xx, timeouts, connection errors), the first
    # backoff in seconds (doubling, with jitter), and the timeout of one request in seconds.
    llm_attempts: int = Field(default=4, ge=1)
    llm_backoff: float = Field(default=1.0, ge=0)
    llm_timeout: float = Field(default=120.0, gt=0)

    # Embedded server knobs (not needed by most users).
    server_heap: str = "2g"
    server_java: Path | None = Field(default=None, description="java binary; default: the one bundled with arcadedb-jvm")
    server_bolt_port: int | None = None
    server_http_port: int | None = None
    server_start_timeout: float = 120.0
    # Hard cap on any one statement in the embedded server, in seconds: ArcadeDB ignores Bolt
    # transaction timeouts, so this is what finally stops a runaway query there.
    server_command_timeout: float = 600.0
    query_timeout: float = 30.0
    ingest_max_bytes: int = Field(default=100_000_000, description="refuse spec files larger than this")
    verbose_warnings: bool = False

    @field_validator("home", mode="after")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser().resolve()

    @field_validator("neo4j_uri", "neo4j_database", mode="before")
    @classmethod
    def _empty_is_unset(cls, v):
        return v or None

    @property
    def external(self) -> bool:
        return self.neo4j_uri is not None


def load_settings() -> Settings:
    return Settings()
