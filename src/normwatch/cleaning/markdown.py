"""Markdown to plain text, line by line so every line keeps its raw offset.

Heading marks, emphasis, link syntax and images go; the words stay. Front
matter (YAML between `---` lines) and a "Key: value" metadata list at the top
(as scraped-article archives write them) give title, date, author and URL.

>>> md = MarkdownText.parse("---\\ntitle: A Title\\ndate: 2024-12-11 12:00\\n---\\n# Head\\n\\nSee [the report](http://x.org/a) and **this**.")
>>> (md.meta["title"], md.meta["published"], [l.text for l in md.lines])
('A Title', '2024-12-11', ['Head', 'See the report and this.'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dates import iso_date
from .lines import Line, normalise_inline

__all__ = ["MarkdownText", "strip_inline"]

_FRONT_END = re.compile(r"^(?:---|\.\.\.)\s*$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|(?:=\s*){3,})$")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Bounded, bracket-free repeats keep every pattern linear on hostile lines (issue 13: 50 kB of
# "[" took 20 s): a link text cannot hold "[" and is at most 500 characters, a URL 2,000.
_LINK_DEF = re.compile(r"^\s{0,3}\[[^\[\]\n]{1,500}\]:\s*\S+")
_URL = r"(?:[^()\s]|\([^()\s]{0,200}\)){0,2000}+(?:\s+\"[^\"\n]{0,300}\")?"
_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\]\(" + _URL + r"\)|!\[[^\[\]\n]{0,500}\]\[[^\[\]\n]{0,500}\]")
_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\(" + _URL + r"\)")
_REF_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\[[^\[\]\n]{0,500}\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]{1,2000})>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]{0,30}(?:\s[^<>\n]{0,300})?/?>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.{1,300}?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.{1,300}?)(?<=[^\s*\\])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w\\])_(?=[^\s_])(.{1,300}?)(?<=[^\s_\\])_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.{1,300}?)(?<=\S)~~")
_CODE = re.compile(r"`([^`\n]{1,500})`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_BULLET = re.compile(r"^(\s*)[*+]\s+")
_META_ITEM = re.compile(r"^\s*[-+*]?\s*(source|link|url|date|published|author|publisher|title)\s*:\s*(.+)$", re.I)
_LABEL_HEADING = re.compile(r"^[\w ]{1,30}:$")

_FRONT_KEYS = {
    "title": ("title", "headline"),
    "published": ("date", "published", "published_time", "pubdate", "published_at", "created"),
    "author": ("author", "authors", "byline"),
    "url": ("url", "source_url", "canonical_url", "link", "permalink", "original_url"),
    "publisher": ("publisher", "source", "site", "site_name", "sitename"),
}


def strip_inline(text: str) -> str:
    """Drop images, link syntax, emphasis and inline HTML from one line; keep its words."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis ("***x***") needs a second pass
        text = _STRONG.sub(r"\2", text)
        text = _EM_STAR.sub(r"\1", text)
        text = _EM_UNDER.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    return normalise_inline(_ESCAPE.sub(r"\1", text))


def _first_value(data: dict, keys: tuple[str, ...]) -> str | None:
    for k in keys:
        v = data.get(k)
        if isinstance(v, list) and v:
            v = ", ".join(str(x) for x in v)
        if v not in (None, ""):
            return normalise_inline(str(v))
    return None


@dataclass
class MarkdownText:
    lines: list[Line]
    meta: dict[str, str | None] = field(default_factory=dict)
    h1: str | None = None

    @classmethod
    def parse(cls, raw: str) -> "MarkdownText":
        """Plain-text lines of a Markdown document, its front-matter metadata and its first H1."""
        meta: dict[str, str | None] = {}
        raw_lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]*\n?", raw) if m.group(0)]
        start = 0
        if raw_lines and raw_lines[0][1].strip() == "---":
            for j in range(1, min(len(raw_lines), 200)):
                if _FRONT_END.match(raw_lines[j][1]):
                    meta = _front_matter("".join(t for _, t in raw_lines[1:j]))
                    start = j + 1
                    break
        out: list[Line] = []
        h1 = None
        blank = False
        in_fence = False
        seen_prose = False
        for offset, chunk in raw_lines[start:]:
            body = chunk.rstrip("\r\n")
            if _FENCE.match(body):
                in_fence = not in_fence
                blank = True
                continue
            if not body.strip() or (not in_fence and (_RULE.match(body) or _TABLE_SEP.match(body)
                                                      or _LINK_DEF.match(body))):
                blank = True
                continue
            text = body if in_fence else body
            if not in_fence:
                if not seen_prose:
                    item = _META_ITEM.match(body)
                    if item and out:  # a metadata list under the headline, not a body sentence
                        key = item.group(1).lower()
                        key = {"link": "url", "date": "published", "source": "publisher"}.get(key, key)
                        meta.setdefault(key, normalise_inline(item.group(2)))
                        blank = True
                        continue
                text = _QUOTE.sub("", text)
                heading = _HEADING.match(text)
                if heading:
                    text = heading.group(2)
                    if heading.group(1) == "#" and h1 is None:
                        h1 = strip_inline(text)
                    if not seen_prose and _LABEL_HEADING.match(strip_inline(text)):
                        blank = True  # "Information:" / "Article:" section labels of scraped archives
                        continue
                text = _BULLET.sub(r"\1- ", text)
                text = strip_inline(text)
            else:
                text = normalise_inline(text)
            if not text:
                blank = True
                continue
            if len(text) > 80 and not _HEADING.match(_QUOTE.sub("", body)):
                seen_prose = True
            lead = len(body) - len(body.lstrip())
            out.append(Line(text, offset + lead, blank and bool(out)))
            blank = bool(heading) if not in_fence and (heading := _HEADING.match(_QUOTE.sub("", body))) else False
        if meta.get("published"):
            meta["published"] = iso_date(meta["published"])
        return cls(out, meta, h1)


# Budgets of front matter (issue 13): a real block is a few hundred bytes of flat keys.
FRONT_MATTER_MAX_BYTES = 16_384
FRONT_MATTER_MAX_DEPTH = 8


def _loader():
    """A safe YAML loader that refuses aliases (no "billion laughs") and nesting past the depth budget."""
    import yaml  # a dependency already (knowledge-base files); imported here as only Markdown needs it

    class FrontMatterLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("aliases are not read in front matter")
            self.depth += 1
            if self.depth > FRONT_MATTER_MAX_DEPTH:
                raise yaml.YAMLError(f"front matter nested deeper than {FRONT_MATTER_MAX_DEPTH}")
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return FrontMatterLoader


def _front_matter(block: str) -> dict[str, str | None]:
    """Metadata from a YAML front-matter block; a block over a budget or unreadable gives none (the text stays)."""
    import yaml

    if len(block) > FRONT_MATTER_MAX_BYTES or block.count("[") + block.count("{") > 200:
        return {}
    try:
        data = yaml.load(block, Loader=_loader())  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        data = None
    if not isinstance(data, dict):
        return {}
    data = {str(k).strip().lower(): v for k, v in data.items()}
    return {name: _first_value(data, keys) for name, keys in _FRONT_KEYS.items()}
