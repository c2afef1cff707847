"""The built site's search, as a reader's browser runs it: lunr over search/search_index.json.

Material for MkDocs indexes every page section with lunr (no length normalization, b = 0), splits
text on the `separator` from mkdocs.yml, drops stop words and boosts titles. A query's words each
become a prefix term (`word*`, OR-ed), and a section's score is multiplied by 1 + boost², where the
boost is 1 for a page's top section plus the share of the query's words the section matched; pages
are then ranked by their best section. This module rebuilds that from the same file and settings
with lunr.py, so the tests can ask which page a pasted error line finds first.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from lunr.builder import Builder
from lunr.query import Query
from lunr.stop_word_filter import stop_word_filter

TAG = re.compile(r"<[^>]+>")


class SiteSearch:
    def __init__(self, site: Path):
        data = json.loads((site / "search" / "search_index.json").read_text())
        config = data["config"]
        self.separator = re.compile(config["separator"])
        builder = Builder()
        builder.b(0)
        builder.pipeline.add(stop_word_filter)
        builder.search_pipeline.add(stop_word_filter)
        builder.ref("location")
        for name, field in config["fields"].items():
            builder.field(name, boost=field["boost"])
        for doc in data["docs"]:
            builder.add(
                {
                    "location": doc["location"],
                    "title": self.tokens(doc["title"]),
                    "text": self.tokens(doc["text"]),
                    "tags": [t for tag in doc.get("tags", []) for t in self.tokens(tag)],
                }
            )
        self.index = builder.build()

    def tokens(self, text: str) -> list[str]:
        """Words as the search splits them: markup removed, split on the separator, lower case."""
        plain = html.unescape(TAG.sub(" ", text))
        return [token.lower() for token in self.separator.split(plain) if token and token.strip()]

    def pages(self, query: str) -> list[str]:
        """Pages in the order a reader sees them: by their best-scoring section."""
        words = [w for w in dict.fromkeys(self.tokens(query)) if stop_word_filter(w)]
        lunr_query = self.index.create_query()
        for word in words:
            lunr_query.term(word, wildcard=Query.WILDCARD_TRAILING)
        scored = []
        for result in self.index.query(lunr_query):
            matched = result["match_data"].metadata.keys()
            share = sum(any(term.startswith(w) for term in matched) for w in words) / len(words)
            boost = ("#" not in result["ref"]) + share
            scored.append((result["score"] * (1 + boost**2), result["ref"]))
        ranked = []
        for _, ref in sorted(scored, reverse=True):
            page = ref.split("#")[0]
            if page not in ranked:
                ranked.append(page)
        return ranked
