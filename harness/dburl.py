"""PostgreSQL URLs: parse, build, vary one part, and show with the password masked."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote, unquote, urlsplit


class BadDatabaseURL(ValueError):
    pass


@dataclass(frozen=True)
class DatabaseURL:
    user: str
    password: str
    host: str
    port: int
    database: str

    @classmethod
    def build(cls, user, password, host, port, database) -> DatabaseURL:
        return cls(user, password, host, int(port), database)

    @classmethod
    def parse(cls, url: str) -> DatabaseURL:
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres"):
            raise BadDatabaseURL(f"not a postgresql:// URL: {mask(url)}")
        try:
            port = parts.port or 5432
        except ValueError:
            raise BadDatabaseURL(f"bad port in {mask(url)}") from None
        database = unquote(parts.path.lstrip("/"))
        if not parts.hostname or not database or not parts.username:
            raise BadDatabaseURL(f"need user, host and database in {mask(url)}")
        return cls(unquote(parts.username), unquote(parts.password or ""), parts.hostname,
                   port, database)

    def with_(self, **changes) -> DatabaseURL:
        return replace(self, **changes)

    def __str__(self) -> str:
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        return f"postgresql://{auth}@{self.host}:{self.port}/{quote(self.database, safe='')}"

    @property
    def masked(self) -> str:
        return mask(str(self))


def mask(url: str) -> str:
    """The URL with its password replaced by ***."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
