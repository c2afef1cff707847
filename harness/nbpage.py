"""What a notebook's page carries (the site hook, harness/mkdocs_hooks.py, calls `slim` and `how_to_run`).

mkdocs-jupyter puts into every notebook page, before the notebook: the notebook theme's stylesheets
(about 590 kB, the same on every page), a clipboard library and its copy buttons (the site's theme has
its own), and MathJax's and Mermaid's loaders (no notebook here has math or diagrams); after it, the
highlighter's stylesheet once more, as a Python list. `slim` keeps the notebook, moves the stylesheets
to one file that every notebook page links (`STYLESHEET`; `prune` leaves out of it the rules for
elements no notebook page has: 590 kB become 46 kB, and the pages look the same to the pixel, as
screenshots of all of them at 1280 and 390 px showed), drops the rest, and wraps each code cell's
`<pre>` content in `<code>`, so the theme's copy button serves it as it serves every other code block
(the button finds its code by an id made from the cell's, so `cell-id=X` becomes `cell-X`: a CSS id).
What it does not recognise fails the build, so a new mkdocs-jupyter cannot inline something unseen.
"""

from __future__ import annotations

import html
import re

STYLESHEET = "assets/notebook.css"  # in the built site; overrides/main.html links it on notebook pages
WRAPPER = '<div class="jupyter-wrapper">'
WRAPPER_END = "</div> <!-- jupyter-wrapper -->"
COMMENT = re.compile(r"<!--.*?-->", re.S)
ELEMENT = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1>", re.S)
# what mkdocs-jupyter 0.26's template puts around the notebook, by a phrase of each one's body
KNOWN = {
    "ClipboardCopyElement": "the <clipboard-copy> element's library",
    "clipboard-copy": "its 'Copied!' notice",
    "MathJax": "MathJax's configuration",
    "jp-Mermaid": "Mermaid's loader and style",
    "['pre {": "the highlighter's stylesheet as a Python list",
}  # and MathJax's loader with no URL: <script src=""></script>
COPY_BUTTON = re.compile(
    r'<div class="zeroclipboard-container">\s*<clipboard-copy\b.*?</clipboard-copy>\s*</div>\s*', re.S
)
COPY_TEXT = re.compile(r'<div class="clipboard-copy-txt" id="cell-\d+">[^<]*</div>\s*')
CELL_ID = re.compile(r'\bid="cell-id=([\w-]+)"')
CLASSES = re.compile(r'\sclass="([^"]*)"')
ATTRIBUTE = re.compile(r"\[[^\]]*\]")
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
VAR = re.compile(r"var\(\s*(--[\w-]+)")
PROPERTY = re.compile(r"(?<![\w-])(--[\w-]+)\s*:")
CODE = re.compile(r'(<div class="highlight-ipynb[^"]*"><pre>)(.*?)(</pre>)', re.S)


class NotebookPageError(ValueError):
    pass


def slim(content: str) -> tuple[str, list[str]]:
    """(the page's content without what it need not carry, the stylesheets it had inlined)."""
    start, end = content.find(WRAPPER), content.rfind(WRAPPER_END)
    if start < 0 or end < 0:
        raise NotebookPageError("no jupyter-wrapper: mkdocs-jupyter's output has changed")
    end += len(WRAPPER_END)
    stylesheets = []
    for part in (content[:start], content[end:]):
        for kind, attributes, body in ELEMENT.findall(part):
            if kind == "style" and 'type="text/css"' in attributes:
                stylesheets.append(body.strip())
            elif not any(phrase in body for phrase in KNOWN) and f"{kind}{attributes}" != 'script src=""':
                raise NotebookPageError(f"an unknown <{kind}{attributes}> around the notebook: {body.strip()[:80]!r}")
        if rest := COMMENT.sub("", ELEMENT.sub("", part)).strip():
            raise NotebookPageError(f"unknown markup around the notebook: {rest[:80]!r}")
    notebook = CELL_ID.sub(r'id="cell-\1"', COPY_TEXT.sub("", COPY_BUTTON.sub("", content[start:end])))
    return CODE.sub(r"\1<code>\2</code>\3", notebook), stylesheets


def how_to_run(content: str, slug: str, repo_url: str | None) -> str:
    """`content` with a note after its first heading: download the notebook, or run it from a clone."""
    clone = f'<a href="{html.escape(repo_url)}">the repository</a>' if repo_url else "the repository"
    note = (
        '<div class="admonition tip notebook-run">\n<p class="admonition-title">Run this notebook</p>\n'
        f'<p><a href="{slug}.ipynb" download>Download {slug}.ipynb</a>. It imports the repository\'s '
        f"<code>harness</code> package, so it runs in a clone of {clone}: "
        f"<code>./dev notebook {slug}</code> runs it against a throwaway PostgreSQL and prints each cell "
        "and its output; <code>./dev lab</code> opens the notebooks in JupyterLab with a throwaway "
        "PostgreSQL.</p>\n</div>\n"
    )
    heading = content.find("</h1>")
    at = heading + len("</h1>") if heading >= 0 else 0
    return content[:at] + note + content[at:]


def classes(page: str) -> set[str]:
    """The class names of a page's elements."""
    return {name for value in CLASSES.findall(page) for name in value.split()}


def prune(css: str, classes: set[str], elsewhere: str = "") -> str:
    """`css` less what cannot apply to pages whose elements have only `classes`: a rule's selectors
    that name another class (a selector with a function such as :is() or :not() is kept whole), and
    then the custom properties (--x: ...) that no var(--x) reads, here or in `elsewhere`."""
    import tinycss2

    def selectors(prelude):
        parts: list[list] = []
        part: list = []
        for token in prelude:
            if token.type == "literal" and token.value == ",":
                parts.append(part)
                part = []
            else:
                part.append(token)
        return [tinycss2.serialize(p).strip() for p in [*parts, part]]

    def applies(selector: str) -> bool:
        names = CLASS.findall(ATTRIBUTE.sub("", selector))  # [data-x="a.b"] names no class
        return "(" in selector or all(name in classes for name in names)

    def kept(rules):  # [(at-rule prelude or selectors or None, declarations, nested, text)]
        out: list[tuple[str | None, list | None, list | None, str | None]] = []
        for rule in rules:
            if rule.type == "qualified-rule":
                chosen = [s for s in selectors(rule.prelude) if applies(s)]
                if chosen:
                    body = tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True, skip_comments=True)
                    out.append((",".join(chosen), [d for d in body if d.type == "declaration"], None, None))
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
                inner = tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True)
                out.append((f"@{rule.lower_at_keyword}{tinycss2.serialize(rule.prelude)}", None, kept(inner), None))
            elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":
                out.append((None, None, None, tinycss2.serialize([rule])))
        return out

    def text(rules, unread: set[str]) -> str:
        out = []
        for head, declarations, nested, raw in rules:
            if raw is not None:
                out.append(raw)
            elif nested is not None:
                if inner := text(nested, unread):
                    out.append(f"{head}{{{inner}}}")
            elif body := [d for d in declarations if d.name not in unread]:
                out.append(
                    head
                    + "{"
                    + ";".join(
                        f"{d.name}:{tinycss2.serialize(d.value).strip()}{'!important' if d.important else ''}"
                        for d in body
                    )
                    + "}"
                )
        return "".join(out)

    rules = kept(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))
    unread: set[str] = set()
    while True:  # a property read only by one that goes goes too
        result = text(rules, unread)
        read = set(VAR.findall(result + elsewhere))
        if not (more := set(PROPERTY.findall(result)) - read - unread):
            return result
        unread |= more
