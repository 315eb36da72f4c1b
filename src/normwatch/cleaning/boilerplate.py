"""Line-level boilerplate filter for scraped plain text (copied pages, Common Crawl WET records).

Scraped text has no tags left to tell navigation from article, so each line
is judged by its own features: length, bullets, how many of its words are
link-like (share buttons, menu words), known cue phrases, and its place
before the first or after the last long prose paragraph (the header and
footer zones, where navigation lives). Markers glued to a body line
("...time.\" EnditemFacebook Twitter") are cut from that line; the line stays.

The filter must leave already clean text (speeches, treaties) alone, so a
line in the body zone is only dropped on a strong cue.

>>> from normwatch.cleaning.lines import split_lines
>>> lines = split_lines("Off the wire\\nHome > News > World\\n\\nA long sentence of prose that is certainly the "
...                     "body of the article and goes on.\\" EnditemFacebook Twitter\\n\\nLeave a Reply\\nName * Email *")
>>> [l.text for l in filter_lines(lines)]
['A long sentence of prose that is certainly the body of the article and goes on."']
"""

from __future__ import annotations

import re

from .lines import Line

__all__ = ["filter_lines", "is_prose", "strip_markers", "first_prose", "last_prose", "SHARE_WORDS"]

SHARE_WORDS = frozenset(
    "facebook twitter linkedin e-mail email mail rss print share tweet whatsapp reddit pinterest google+ "
    "telegram weibo wechat tumblr pocket flipboard digg stumbleupon delicious vk xing sms copy link "
    "comment comments save messenger bookmark subscribe".split()
)
# Share words that could also be ordinary words at the end of a sentence; they never start a cut run.
_WEAK_SHARE = frozenset({"print", "share", "mail", "copy", "link", "comment", "comments", "save", "sms",
                         "bookmark", "subscribe", "pocket", "delicious"})

NAV_WORDS = frozenset(
    "home news world business sport sports politics opinion tech technology science culture arts "
    "entertainment lifestyle travel health video videos photos about contact login register search menu "
    "subscribe archive archives blog categories category topics more index".split()
)

_SECTION_LABELS = re.compile(
    r"^(?:off the wire|related|related (?:articles|stories|news|posts|content|coverage|topics|links)|"
    r"most (?:viewed|popular|read|shared|commented|emailed)|read more|more (?:news|stories|from [\w .]{1,30})|"
    r"see also|you (?:may|might) also like|recommended(?: for you| stories)?|trending(?: now)?|"
    r"latest(?: news| stories)?|top stories|editor'?s picks|advertisement|sponsored(?: content)?|"
    r"tags?|share this(?: article| story| page)?|follow us(?: on)?|popular posts|recent posts|"
    r"newsletter|sign up|print this page|back to top|skip to (?:main )?content)\s*:?$",
    re.I,
)

# Where a comment section starts; everything after it is readers' text, not the article.
_COMMENT_START = re.compile(
    r"^(?:leave a (?:reply|comment)|post a comment|add (?:a |new )?comment|"
    r"\d+\s+(?:comments?|responses?|replies|thoughts?)(?:\s+(?:on|to)\b.*)?)\s*:?$",
    re.I,
)
# Weaker labels ("Comments", "Discussion") are also section headings of reports: only trusted after the body.
_COMMENT_LABEL = re.compile(r"^(?:comments?\s*(?:\(\d+\))?|discussion|reader comments|join the discussion)\s*:?$", re.I)

# Phrases that make a line boilerplate wherever it is (comment forms, allowed-HTML notices, legal footers).
_LINE_CUES = re.compile(
    r"your email address will not be published|required fields are marked|"
    r"you may use these html tags and attributes|allowed html tags|"
    r"you must be (?:logged in|registered) to post a comment|notify me of (?:follow-up comments|new posts)|"
    r"save my name,? email,? and website|^name\s*\*?\s*email\s*\*?(?:\s*website)?\s*$|"
    r"^(?:name|e-?mail|website|comment)\s*(?:\*|\(required\))\s*$|mail \(will not be published\)|"
    r"^(?:post|submit) comment$|^cancel reply$|^you are here\b|^adjust font size:?$|"
    r"^(?:text|font) size\s*:?\s*(?:[aA][-+]?\s*){0,3}$|^(?:[aA][-+]?\s+){2,}[aA][-+]?$|"
    r"all rights reserved|^copyright\b|^©|privacy policy\s*\|?\s*terms|"
    r"^this (?:article|story) (?:was|has been) (?:shared|viewed)\b",
    re.I,
)

_NUM = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|zero)"
_CAPTCHA = re.compile(rf"^{_NUM}\s*(?:[+×x*−-]|plus|minus|times)\s*{_NUM}\s*=\s*(?:{_NUM}|\?|_+)?\s*\.?$", re.I)

# Markers glued into body lines: font controls, agency end markers.
_FONT_CONTROL = re.compile(
    r"\s*(?:(?:adjust|change|select|increase|decrease)\s+(?:the\s+)?(?:font|text)\s+size\s*:?|"
    r"(?:font|text)\s+size\s*:)(?:\s*[aA][-+]?(?=\s|$)){0,3}\s*", re.I)
_END_MARKER = re.compile(r"\s*(?:Enditem|\((?:END|End)\)|\s/\s?(?:Xinhua|Reuters|AFP|AP|TASS|Sputnik))(?=[A-Z\s(]|$)")
_BREADCRUMB_SEP = re.compile(r"\s(?:>|»|›|→|/|\|)\s")
_BULLETS = re.compile(r"[•·▪◦●■|]")
_WORD = re.compile(r"[\w'’+-]+")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_INNER_STOP = re.compile(r"[a-z)][.!?][\"'”’)]?\s+[\"'“‘(]?[A-Z]")


def is_prose(text: str) -> bool:
    """A long sentence-like line: the kind of line that makes up an article's body."""
    if len(text) < 60:
        return False
    words = text.split()
    if len(words) < 10:
        return False
    if len(_BULLETS.findall(text)) >= 2:
        return False
    lower = sum(1 for w in words if w[:1].islower())
    if lower < len(words) * 0.35:
        return False
    return bool(_SENTENCE_END.search(text) or _INNER_STOP.search(text)) or len(text) >= 200


def first_prose(lines: list[Line]) -> int:
    """Index of the first prose line (len(lines) when there is none)."""
    return next((i for i, l in enumerate(lines) if is_prose(strip_markers(l.text))), len(lines))


def last_prose(lines: list[Line]) -> int:
    """Index of the last prose line (-1 when there is none)."""
    return next((i for i in range(len(lines) - 1, -1, -1) if is_prose(strip_markers(lines[i].text))), -1)


def _share_tail(text: str) -> int:
    """Where a trailing run of share-button words starts (len(text) when there is none)."""
    # Glued runs ("time.Facebook Twitter") need the boundary before the first capital.
    spaced = re.sub(r"(?<=[a-z.!?\"”’)])(?=(?:Facebook|Twitter|LinkedIn|E-?mail|RSS|WhatsApp|Reddit|Print)\b)",
                    " ", text)
    offset_fix = len(spaced) - len(text)
    tokens = list(re.finditer(r"\S+", spaced))
    run_start = None
    count = 0
    for tok in reversed(tokens):
        if tok.group(0).lower().strip(":|,") in SHARE_WORDS:
            run_start = tok.start()
            count += 1
        else:
            break
    if run_start is None or count < 2:
        return len(text)
    # Walk forward past weak words so "...to print. Share" keeps its sentence.
    run = [t for t in tokens if t.start() >= run_start]
    while run and run[0].group(0).lower().strip(":|,") in _WEAK_SHARE:
        run = run[1:]
    if len(run) < 2:
        return len(text)
    start = run[0].start()
    # Map back through the inserted spaces: each inserted space precedes a token.
    inserted_before = len(re.findall(
        r"(?<=[a-z.!?\"”’)])(?=(?:Facebook|Twitter|LinkedIn|E-?mail|RSS|WhatsApp|Reddit|Print)\b)", text[: max(0, start - offset_fix)]))
    return max(0, start - inserted_before) if offset_fix else start


def strip_markers(text: str) -> str:
    """Cut glued boilerplate out of one line: font controls, agency end markers, trailing share rows."""
    text = _FONT_CONTROL.sub(" ", text).strip() if re.search(r"(?:font|text)\s+size", text, re.I) else text
    m = _END_MARKER.search(text)
    if m:
        rest = text[m.end():].strip()
        # After an end marker only buttons and the next item follow; keep the text if a sentence goes on.
        if not rest or len(rest) < 80 or all(w.lower().strip(":|,") in SHARE_WORDS for w in rest.split()):
            text = text[: m.start()].rstrip()
    cut = _share_tail(text)
    if cut < len(text):
        text = text[:cut].rstrip()
    return text


def _all_share(text: str) -> bool:
    words = [w.lower().strip(":|,") for w in text.split()]
    return bool(words) and len(text) <= 80 and all(w in SHARE_WORDS for w in words)


def _is_ticker(text: str) -> bool:
    """Several headlines joined by bullets on one line."""
    inner = text.lstrip("•·▪◦●■- ")
    marks = re.findall(r"\s[•·▪◦●■]\s|\s\|\s", " " + inner + " ")
    if len(marks) < 2:
        return False
    items = [p.strip() for p in re.split(r"[•·▪◦●■|]", inner) if p.strip()]
    return len(items) >= 3 and sum(len(i) for i in items) / len(items) < 140


_TAG_ITEM = re.compile(r"\[\[[^\[\]]{1,60}\]\]|#\w[\w-]{0,40}")


def _is_tag_cloud(text: str) -> bool:
    """A line made only of tag links ("[[Microsoft]] [[UK]]", "#cyber #ddos"): site navigation, not prose."""
    items = _TAG_ITEM.findall(text)
    return len(items) >= 2 and not _TAG_ITEM.sub("", text).strip(" ,;|")


def _is_breadcrumb(text: str) -> bool:
    segs = _BREADCRUMB_SEP.split(text)
    if len(segs) >= 3 and all(len(s) <= 60 for s in segs[:-1]):
        return True
    return bool(re.match(r"^(?:home|start|startseite|accueil)\s*(?:>|»|›|/|\|)", text, re.I))


def _is_menu(text: str) -> bool:
    """A run of capitalised menu words with at least one typical navigation word."""
    words = _WORD.findall(text)
    if len(words) < 5 or re.search(r"[.!?,;]", text):
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in ("and", "&", "of") for w in words):
        return False
    nav = sum(1 for w in words if w.lower() in NAV_WORDS)
    return nav >= 2 and all(len(w) <= 14 for w in words)


def _nav_prefix(prefix: str) -> bool:
    """Short words without sentence punctuation, starting with a navigation word (breadcrumb before a title)."""
    words = prefix.split()
    if not words or len(words) > 12 or re.search(r"[.!?;:]\s", prefix + " "):
        return False
    return words[0].lower() in NAV_WORDS and all(len(w) <= 16 for w in words)


def _line_cue(text: str) -> bool:
    return bool(_LINE_CUES.search(text) or _CAPTCHA.match(text) or _SECTION_LABELS.match(text)
                or _COMMENT_START.match(text) or _all_share(text))


def breadcrumb_title(lines: list[Line], head_end: int) -> tuple[int, str] | None:
    """A header line that is nav words ending with a title repeated later as its own line: (index, title)."""
    standalone = {l.text.strip(" .") for l in lines[:head_end + 1]}
    for i, line in enumerate(lines[:head_end]):
        for t in standalone:
            if t and t != line.text and len(t.split()) >= 2 and line.text.endswith(t):
                prefix = line.text[: -len(t)]
                if _nav_prefix(prefix):
                    return i, t
    return None


# Running heads and feet of paginated documents: a UN document symbol with a page number
# ("08-51839 8", "9 08-51839", "A/63/PV.5"), "Page 3 of 12", "- 12 -" or a bare number.
_PAGE_FURNITURE = re.compile(
    r"(?:\d{1,4}\s+)?\d{2}-\d{5}(?:\s*\(E\))?(?:\s+\d{1,4})?"
    r"|(?:\d{1,4}\s+)?[A-Z]{1,2}/(?:[A-Z0-9.]+/)*[A-Z0-9.]+(?:\s+\d{1,4})?"
    r"|(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]",
    re.I)


def is_page_furniture(text: str) -> bool:
    """A line that only numbers a page or names the document it belongs to."""
    return len(text) <= 40 and _PAGE_FURNITURE.fullmatch(text) is not None


def filter_lines(lines: list[Line]) -> list[Line]:
    """The lines worth keeping, with glued markers cut; paragraph breaks follow dropped lines.

    A page foot dropped in the middle of a sentence ("... an efficient mode of / 08-51839 8 /
    transferring ...") does not leave a paragraph break behind: the sentence goes on.
    """
    lines = mark_indented_paragraphs(lines)
    head_end = first_prose(lines)
    tail_start = last_prose(lines)
    crumb = breadcrumb_title(lines, head_end)
    kept: list[Line] = []
    pending_break = False
    for i, line in enumerate(lines):
        text = line.text
        in_head = i < head_end
        in_tail = i > tail_start
        drop = False
        if i > head_end and (_COMMENT_START.match(text) or (in_tail and _COMMENT_LABEL.match(text))):
            break  # a comment section runs to the end of the page
        if is_page_furniture(text):
            if kept and _SENTENCE_END.search(kept[-1].text) is None and i + 1 < len(lines) \
                    and lines[i + 1].text[:1].islower():
                continue  # mid-sentence page break: no paragraph break either
            drop = True
        elif _line_cue(text) or _is_ticker(text) or _is_tag_cloud(text):
            drop = True
        elif crumb and i == crumb[0]:
            drop = True
        elif (in_head or in_tail) and (_is_breadcrumb(text) or _is_menu(text)):
            drop = True
        if not drop:
            text = strip_markers(text)
            drop = not text or (text != line.text and _line_cue(text))
        if drop:
            pending_break = pending_break or bool(kept)
            continue
        blank = line.blank_before or pending_break
        if blank and i and is_page_furniture(lines[i - 1].text) and kept \
                and _SENTENCE_END.search(kept[-1].text) is None and text[:1].islower():
            blank = False
        kept.append(Line(text, line.raw_start, bool(kept) and blank))
        pending_break = False
    return kept


def mark_indented_paragraphs(lines: list[Line]) -> list[Line]:
    """In hard-wrapped text with no blank lines between paragraphs, an indented line starts one.

    UN verbatim records and many plain-text transcripts are laid out this way; without it a
    whole speech would be one paragraph. Only applies when most lines are flush left, so
    indented blocks (quotations, code) in ordinary text are left alone.
    """
    if len(lines) < 8:
        return lines
    # blank lines around page feet do not count: they are pagination, not paragraphs
    breaks = sum(l.blank_before and not is_page_furniture(l.text) and not is_page_furniture(p.text)
                 for p, l in zip(lines, lines[1:]))
    if breaks > len(lines) // 50:
        return lines
    indented = [l.indent for l in lines]
    share = sum(indented) / len(lines)
    if not 0 < share <= 0.3:
        return lines
    return [Line(l.text, l.raw_start, l.blank_before or (l.indent and i > 0), l.indent)
            for i, l in enumerate(lines)]
