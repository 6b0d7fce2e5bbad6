"""Configuration from the environment; the same variables drive the local stack and compose."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ProcessSettings(BaseSettings):
    """What every process serving HTTP next to the broker needs, with or without a database."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = Field(description="host:port[,host:port]")
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"


class ServiceSettings(ProcessSettings):
    """What every service owning a schema needs. Each gets DATABASE_URL for its own role."""

    database_url: SecretStr = Field(description="postgresql:// URL of this service's own role")
    db_pool_size: int = Field(default=4, ge=1, le=50)
    consumer_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_poll_interval_s: float = Field(default=1.0, gt=0)
    relay_linger_s: float = Field(
        default=0.005, ge=0, le=1, description="wait after a wake-up, so that passes batch"
    )
    retry_attempts: int = Field(
        default=5, ge=1, description="tries before a batch is given back to Kafka"
    )
    retry_max_backoff_s: float = Field(default=5.0, gt=0)
    stalled_consumer_after_s: float = Field(
        default=60.0, gt=0, description="readiness fails when lagging this long with no progress"
    )
