"""One settings object, read once at the entry point and passed down. Sources, first wins: the
environment (LITWATCH_*), the settings file (TOML; see `settings_file`), the defaults; the two
secrets may also come from Prefect Secret blocks. No `.env` file is read: a file anyone can drop
into a shared working folder must not decide where a stored password goes.

Secrets (the NCBI API key, the SMTP password) are `SecretStr`: they print as '**********'
and are only unwrapped at the edge that sends them.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, PrivateAttr, SecretStr, ValidationInfo, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from litwatch.addresses import one_address
from litwatch.core.errors import ConfigError
from litwatch.small_files import SETTINGS_FILE_LIMIT, read_toml

NCBI_EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "litwatch"


def settings_file() -> Path:
    """The settings file: LITWATCH_SETTINGS_FILE, else $XDG_CONFIG_HOME/litwatch/settings.toml."""
    named = os.environ.get("LITWATCH_SETTINGS_FILE")
    if named:
        return Path(named).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config_home) / "litwatch" / "settings.toml"


def _default_corpus() -> Path:
    # The checkout's sibling ../shared/corpus: where the offline demo's stand-in reads.
    return Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _settings_file_values() -> tuple[Path, dict]:
    """The settings file and what it holds. Only the default file may be missing: one the user
    named (LITWATCH_SETTINGS_FILE) that cannot be read is an error, not "no settings"."""
    path = settings_file()
    if "LITWATCH_SETTINGS_FILE" in os.environ and not os.environ["LITWATCH_SETTINGS_FILE"]:
        raise ConfigError("LITWATCH_SETTINGS_FILE is empty: name a settings file, or unset it")
    if "LITWATCH_SETTINGS_FILE" not in os.environ and not os.path.lexists(path):
        return path, {}
    return path, read_toml(path, "settings file", SETTINGS_FILE_LIMIT)


def _refuse_unknown_variables(fields: Iterable[str]) -> None:
    """ConfigError naming every LITWATCH_* variable that is no setting: a misspelt one would
    otherwise leave its setting silently at the default, as a misspelt key in the file would."""
    known = {f"LITWATCH_{name.upper()}" for name in fields} | {"LITWATCH_SETTINGS_FILE"}
    unknown = sorted(
        name
        for name in os.environ
        if name.upper().startswith("LITWATCH_") and name.upper() not in known
    )
    if not unknown:
        return
    described = []
    for name in unknown:
        close = difflib.get_close_matches(name.upper(), sorted(known), n=1)
        described.append(f"{name} (did you mean {close[0]}?)" if close else name)
    raise ConfigError(
        f"unknown environment variable{'s' if len(unknown) > 1 else ''}: " + ", ".join(described)
    )


# The settings file's keys, from the source that read it to the Settings being built.
_file_keys: ContextVar[frozenset[str]] = ContextVar("_file_keys", default=frozenset())


class Settings(BaseSettings):
    """Everything a deployment configures; LITWATCH_* environment variables override."""

    model_config = SettingsConfigDict(env_prefix="LITWATCH_", env_file=None, extra="ignore")

    # NCBI E-utilities
    eutils_url: str = NCBI_EUTILS
    ncbi_email: str = "litwatch@example.org"
    ncbi_tool: str = "litwatch"
    ncbi_api_key: SecretStr | None = None
    ncbi_api_key_block: str = ""  # name of a Prefect Secret block holding the key, if any
    entrez_timeout: float = Field(default=30.0, gt=0)
    entrez_max_attempts: int = Field(default=6, ge=1, le=20)
    entrez_backoff_base: float = Field(default=1.0, gt=0)  # seconds before the first retry
    entrez_max_response_mb: int = Field(default=64, ge=1)  # a larger answer is refused unread

    # Where things live
    data_dir: Path = Field(default_factory=_default_data_dir)  # the store, out/ and outbox/
    output_dir: Path | None = None  # digest and summary files; None: <data_dir>/out
    watches_file: Path | None = None  # None: the watch file shipped with litwatch
    corpus_dir: Path = Field(default_factory=_default_corpus)
    design_model: Path | None = None  # None: the study-design model shipped with litwatch
    findings_model: Path | None = None  # None: the findings model shipped with litwatch

    # Mail: without smtp_host, digests go to the outbox folder as .eml files
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr | None = None
    smtp_password_block: str = ""
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    mail_from: str = "litwatch <litwatch@localhost>"

    @field_validator("mail_from")
    @classmethod
    def _one_sender(cls, value: str) -> str:
        # Checked here, at load, like the watch file's recipients: a line break would end the
        # message's headers, and only after the digest was recorded.
        return one_address(value)

    @field_validator("*", mode="before")
    @classmethod
    def _path_not_empty(cls, value: object, info: ValidationInfo) -> object:
        # Path("") is the current folder: an empty variable must not put the store there.
        # Every path setting, by its type, so that a new one is covered too.
        annotation = cls.model_fields[str(info.field_name)].annotation
        is_path = annotation is Path or Path in get_args(annotation)
        if is_path and isinstance(value, str) and not value.strip():
            raise ValueError("is empty: name a path, or unset it for the default")
        return value

    # Prefect's temporary API sends usage analytics to Prefect unless told not to: off unless
    # the user turns it on (litwatch/embedded_api.py).
    prefect_analytics: bool = False

    _sources: dict[str, str] = PrivateAttr(default_factory=dict)

    # Test hook for the crash-recovery tests: "<point>[:stop]" (litwatch/crash.py); empty in use
    crash_at: str = ""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        _refuse_unknown_variables(settings_cls.model_fields)
        path, values = _settings_file_values()
        from_file = InitSettingsSource(settings_cls, init_kwargs=values)
        # A misspelt key would otherwise be ignored and its setting silently left at the default.
        unknown = sorted(set(values) - set(settings_cls.model_fields))
        if unknown:
            raise ConfigError(f"{path}: {unknown[0]}: unknown key")
        _file_keys.set(frozenset(values))
        # No dotenv_settings: see the module docstring.
        return init_settings, env_settings, from_file, file_secret_settings

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        file_keys = _file_keys.get()
        environment = {
            name.lower().removeprefix("litwatch_")
            for name in os.environ
            if name.lower().startswith("litwatch_")
        }
        # Where each setting came from, as the sources' order decides it.
        self._sources = {
            name: "arguments"
            if name in values
            else "environment"
            if name in environment
            else "settings file"
            if name in file_keys
            else "default"
            for name in type(self).model_fields
        }

    def source_of(self, name: str) -> str:
        """Where a setting came from: arguments, environment, settings file or default."""
        return self._sources.get(name, "default")

    def plain_login_allowed(self) -> bool:
        """Whether the SMTP password may be sent without TLS: only when `smtp_security = "none"`
        was set in the same place as the password (or the name of its Prefect Secret block), so
        that no other source (an environment a wrapper script sets, say) can point a stored
        password at a server that reads it in clear."""
        if self.smtp_security != "none" or not self.smtp_user:
            return True
        if self.smtp_password is None and not self.smtp_password_block:
            return True  # no password to send
        password = "smtp_password" if self.smtp_password is not None else "smtp_password_block"
        return self.source_of("smtp_security") == self.source_of(password)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "litwatch.sqlite"

    @property
    def out_dir(self) -> Path:
        return self.output_dir or self.data_dir / "out"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    def resolved_api_key(self) -> str | None:
        """The NCBI API key from the environment, else from the named Prefect Secret block."""
        if self.ncbi_api_key is not None:
            return self.ncbi_api_key.get_secret_value() or None
        if self.ncbi_api_key_block:
            return _secret_block(self.ncbi_api_key_block)
        return None

    def resolved_smtp_password(self) -> str | None:
        """The SMTP password from the environment, else from the named Prefect Secret block."""
        if self.smtp_password is not None:
            return self.smtp_password.get_secret_value() or None
        if self.smtp_password_block:
            return _secret_block(self.smtp_password_block)
        return None


def read_settings() -> Settings:
    """Settings as the entry point reads them; invalid ones are one ConfigError naming the
    variable and the problem, never the value (it may be a secret)."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        name = ".".join(str(part) for part in problem["loc"])
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise ConfigError(
            f"setting {name} (LITWATCH_{name.upper()}): {problem['msg']}{more}"
        ) from None


def _secret_block(name: str) -> str:
    import httpx
    from prefect.blocks.system import Secret
    from prefect.exceptions import PrefectException

    try:
        # Secret.load is typed "a block, or a coroutine when called from async code"; settings
        # are read in sync code only.
        return Secret.load(name).get()  # type: ignore[union-attr]
    except (ValueError, RuntimeError, OSError, httpx.HTTPError, PrefectException) as error:
        # Prefect says ValueError for a missing block, an HTTP or OS error for an API out of
        # reach; the message names the block, never its value.
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise ConfigError(f"Prefect Secret block {name!r} cannot be read: {reason}") from None
