"""PostgreSQL URLs: parse, build, vary one part, and show with the password masked."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote, unquote, urlsplit

from harness.guards import masked as mask


class BadDatabaseURL(ValueError):
    pass


MUST_ENCODE = "@#/?"


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
        """The URL's parts, or BadDatabaseURL with one line that never shows the password."""
        shown = mask(url)
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres"):
            raise BadDatabaseURL(f"not a postgresql:// URL: {shown}")
        userinfo = url.rpartition("@")[0].partition("//")[2]  # as mask() reads it: to the last "@"
        # Unencoded, these end the user info early for one parser and not for another: asyncpg or
        # DataFlow would read another host, port or password than this URL seems to say.
        if any(c in userinfo for c in MUST_ENCODE):
            raise BadDatabaseURL(
                "the user name or password has a character that must be percent-encoded"
                f" (@ as %40, # as %23, / as %2F, ? as %3F): {shown}"
            )
        try:
            port = parts.port or 5432
        except ValueError:
            raise BadDatabaseURL(f"the port is not a number from 1 to 65535: {shown}") from None
        database = unquote(parts.path.lstrip("/"))
        if not parts.hostname or not database or not parts.username:
            raise BadDatabaseURL(f"need user, host and database in {shown}")
        return cls(unquote(parts.username), unquote(parts.password or ""), parts.hostname, port, database)

    def with_(self, **changes) -> DatabaseURL:
        return replace(self, **changes)

    def __str__(self) -> str:
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        host = f"[{self.host}]" if ":" in self.host else self.host  # IPv6
        return f"postgresql://{auth}@{host}:{self.port}/{quote(self.database, safe='')}"

    @property
    def masked(self) -> str:
        return mask(str(self))
