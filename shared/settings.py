"""Configuration from the environment; the same variables drive the local stack and compose."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """What every service process needs. Each process gets DATABASE_URL for its own role."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    kafka_bootstrap_servers: str = Field(description="host:port[,host:port]")
    database_url: SecretStr = Field(description="postgresql:// URL of this service's own role")
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"
    db_pool_size: int = Field(default=4, ge=1, le=50)
    consumer_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_poll_interval_s: float = Field(default=1.0, gt=0)
    retry_attempts: int = Field(
        default=5, ge=1, description="tries before a batch is given back to Kafka"
    )
    retry_max_backoff_s: float = Field(default=5.0, gt=0)
    stalled_consumer_after_s: float = Field(
        default=60.0, gt=0, description="readiness fails when lagging this long with no progress"
    )
