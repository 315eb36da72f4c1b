"""Document text with each fact's span wrapped in `<mark>`, built on the server.

Spans of different facts overlap (a stance's evidence inside a statement, an actor name
inside both), and HTML elements must nest. So the text is cut at every span boundary and
each piece is wrapped in the marks of the facts covering it; when a fact ends while a
later-opened one is still open, the inner marks are closed and reopened around the
boundary. A fact split like that becomes several `<mark>` fragments sharing `data-fact`;
only the first carries the fact's `id` (the anchor links point at) and is focusable.

Every piece of text is escaped on its own, and attribute values are escaped too, so the
result is safe to insert as markup: nothing from the document can open a tag.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Mark:
    """One highlighted span: `key` is unique per fact ("stance-3"), `label` is the popup text."""

    key: str
    kind: str
    start: int
    end: int
    label: str


def _open_tag(m: Mark, first: bool) -> str:
    attrs = [f'class="hl hl-{escape(m.kind)}"', f'data-kind="{escape(m.kind)}"', f'data-fact="{escape(m.key)}"',
             f'data-label="{escape(m.label)}"', f'title="{escape(m.label)}"',
             f'data-start="{m.start}"', f'data-end="{m.end}"']
    if first:
        attrs.insert(0, f'id="f-{escape(m.key)}"')
        attrs.append('tabindex="0"')
    else:
        attrs.append('data-part="cont"')
    return "<mark " + " ".join(attrs) + ">"


def render(text: str, marks: list[Mark]) -> Markup:
    """The escaped text with `marks` as properly nested `<mark>` elements.

    Empty and out-of-range spans are dropped (they highlight nothing). Removing the tags
    and unescaping the result gives back `text` exactly.
    """
    n = len(text)
    spans = [m for m in marks if 0 <= m.start < m.end <= n]
    if not spans:
        return Markup(escape(text))
    cuts = sorted({0, n, *(m.start for m in spans), *(m.end for m in spans)})
    # outer spans first: longer, then earlier-starting, so nesting follows containment where it can
    spans.sort(key=lambda m: (m.start, -m.end, m.key))
    starts: dict[int, list[Mark]] = {}
    for m in spans:
        starts.setdefault(m.start, []).append(m)
    out: list[str] = []
    stack: list[Mark] = []
    opened: set[str] = set()
    active: dict[str, Mark] = {}
    for a, b in zip(cuts, cuts[1:]):
        # a sweep: marks ending here leave, marks starting here join (no rescan of every span per piece)
        for key in [k for k, m in active.items() if m.end <= a]:
            del active[key]
        for m in starts.get(a, ()):
            active[m.key] = m
        # close down to the deepest mark that is still active all the way from the bottom
        keep = 0
        while keep < len(stack) and stack[keep].key in active:
            keep += 1
        out.extend("</mark>" for _ in range(len(stack) - keep))
        stack = stack[:keep]
        on_stack = {m.key for m in stack}
        for m in sorted(active.values(), key=lambda m: (-m.end, m.start, m.key)):
            if m.key not in on_stack:
                out.append(_open_tag(m, m.key not in opened))
                opened.add(m.key)
                stack.append(m)
        out.append(str(escape(text[a:b])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))
