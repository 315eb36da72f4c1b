"""Person names, roles and affiliations as news writes them, without an NER model.

Why rules: the stages must run offline and fast, and news introduces the people it quotes
in a handful of fixed shapes:

    Estonia's Foreign Minister Keit Pentus-Rosimannus          STATE's ROLE NAME
    Australian Foreign Minister Julie Bishop                   STATE-adjective ROLE NAME
    Moderator Joseph S. Nye, University ... Professor          ROLE NAME, ROLE
    Julie Bishop, the Australian Minister for Foreign Affairs  NAME, (the) ROLE
    Chen Xu, Ambassador of China to the Netherlands            NAME, ROLE of STATE
    Christopher Painter, U.S. Department of State Coordinator  NAME, ORG ROLE
    Matt Thomlinson said / said Matt Thomlinson                NAME + speech verb

A name is a run of two to four capitalised tokens (initials, hyphens and particles such as
"van" or "de" allowed) that is not a role word; it is accepted only with such a context
(a role, an honorific, a speech verb) or when the KB knows the person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .speech import AFTER_SUBJECT, SPEECH_ALT

ROLE_HEADS = frozenset(
    """minister ministers ambassador ambassadors president vice-president secretary secretary-general
    under-secretary undersecretary coordinator director director-general spokesperson spokesman spokeswoman
    professor moderator chief head official adviser advisor chairman chairwoman chair chairperson
    chancellor premier king queen prince envoy representative delegate commissioner senator governor dean
    researcher analyst fellow ceo cto ciso cso founder co-founder officer manager leader general admiral
    commander diplomat counsel attorney attorney-general prosecutor judge mayor deputy lawmaker legislator
    rapporteur executive consul emir sultan sheikh president-elect premier congressman congresswoman mp
    spokesperson press-secretary head-of-state emissary negotiator czar tsar economist
    scientist engineer expert lecturer vp svp evp chargé
    lieutenant colonel brigadier captain major-general lieutenant-general gen col maj brig capt""".split()
)
ROLE_MODIFIERS = frozenset(
    """foreign deputy vice chief senior executive assistant special general state affairs defence defense
    home interior justice cyber cybersecurity cyber-security issues security information technology
    development department ministry office council national international federal prime digital public
    policy services university distinguished service former acting permanent principal associate global
    managing regional first second trade economic relations communications homeland intelligence agency
    bureau cyberspace strategic strategy research programme program high top law enforcement science
    sciences computer technical legal political military armed forces staff joint commonwealth
    european united nations un u.n. eu nato white house new director-general operations threat incident
    response cert emergency crisis innovation data privacy protection commerce finance treasury energy
    infrastructure critical industry industrial internet governance under
    lt lt. rear air marshal charge""".split()
)
CONNECTORS = frozenset({"of", "for", "and", "on", "to", "at", "in", "&"})
HONORIFICS = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "dr": None, "dr.": None,
              "prof": None, "prof.": None, "sir": "m", "dame": "f", "lord": "m", "lady": "f", "h.e.": None,
              "madam": "f", "mister": "m"}
PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "ibn", "al", "el",
                       "ter", "dos", "das", "del", "della", "st."})
# Capitalised words that start sentences or name months, days, places' parts: never a name token.
STOPWORDS = frozenset(
    """the a an in on at for with from by to of and or but if as when while after before since during
    according this that these those it its he she we they i our his her their my your you there here
    however meanwhile moreover also yet so then thus although though because despite unlike like
    january february march april may june july august september october november december monday
    tuesday wednesday thursday friday saturday sunday today yesterday tomorrow thank thanks dear
    internet cyber mr mrs ms dr prof sir madam excellency excellencies his her ladies gentlemen
    all both each every some many most other others one two three four five several such no not
    what who which why how where is are was were be been will would can could should must may might
    god allah north south east west northern southern eastern western central later earlier now still
    even only just instead indeed finally first next last recently currently previously separately
    similarly likewise asked speaking writing meanwhile nevertheless nonetheless furthermore besides
    otherwise hence therefore accordingly overall sources officials experts analysts critics""".split()
)
# "Under Secretary", "Vice Chair": words that open a title.
# Words of organisation, document and place names: a run holding one is not a person's name.
NOT_NAME = frozenset(
    """bank team framework group agency act strategy regulators priorities council committee institute
    center centre foundation association company corporation corp inc ltd llc party forum network initiative
    program programme project report summit conference convention treaty agreement declaration law court
    union alliance organization organisation systems services solutions technologies technology security labs
    research intelligence news times post journal daily media health university college school academy house
    office ministry department bureau command force forces army navy republic kingdom federation states
    nations street avenue square road city county province island islands airport station hospital
    microsoft google apple amazon facebook twitter windows linux android cloud software hardware data
    exchange server vulnerability malware ransomware botnet operation campaign attack attacks hackers
    review index policy policies plan sector industry market markets fund capital partners global world
    international national federal general public private digital cyber cybersecurity internet online
    information communications telecommunications energy grid water oil gas financial finance
    budget tax trade economic economy affairs relations defense defence justice interior foreign home
    north south east west middle asia africa europe america pacific atlantic arctic ocean sea river
    day week month year century era age times vision agenda goals goal sustainable development
    statement statements resolution communique charter protocol session assembly
    government administration authority authorities police parliament cabinet commission secretariat
    embassy delegation presidency congress senate
    order orders executive memorandum directive guidance notice advisory alert sheet readout remarks
    briefing release proclamation fact update annex appendix article section chapter paragraph amendment
    regulation regulations rule rules standard standards principles norms code conduct measures sanctions
    action actions plan business summary overview press transcript testimony hearing letter speech address""".split()
)
# Title-case words of documents and headlines ("Executive Order Targeting ...", "Strengthening
# Cybersecurity Act") are common nouns, adjectives and gerunds that no given name or surname shares:
# told apart by their endings. Lengths keep short names out ("Clement", "Marion"); an "-ing" word
# counts only with a stem of two or more syllables ("Targeting", "Countering"), since surnames end
# in "-ing" after one ("Jinping", "Manning", "Browning", "Harding").
COMMON_ENDINGS = re.compile(r"(?:tion|sion|ity|tive|sive)s?$|(?<=.{5})ness$|(?<=.{4})ments?$|(?<=..)isms?$")
_VOWELS = re.compile(r"[aeiouy]+")
TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]\.(?!\w)|[^\W\d_][\w'\u2019-]*|\d[\w.,]*|[^\w\s]")
_LOWER = re.compile(r"[a-z\u00df-\u00ff]")
POSSESSIVE = re.compile(r"['\u2019]s$")
SAID_BEFORE = re.compile(rf"\b(?:{SPEECH_ALT})\s+$")
ACCORDING_BEFORE = re.compile(r"\baccording\s+to\s+$", re.I)
APPOSITIVE = re.compile(r",\s{1,3}(?:(?:the|a|an|then|now)\s+)?((?:[^,.;:\"\u201c\u201d()\n]|\.(?=\S)|(?<=\b[A-Z])\.){2,160})")


@dataclass(slots=True)
class Tok:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class NameRun:
    """A candidate person name at [start, end) with the tokens it is made of."""

    start: int
    end: int
    tokens: list[str]
    starts: list[int] = field(default_factory=list)  # where each token starts

    def without_first(self) -> "NameRun | None":
        """The run minus its first token (an acronym that is a KB mention, "US Joe Biden")."""
        if len(self.tokens) < 3 or len(self.starts) != len(self.tokens):
            return None
        return NameRun(self.starts[1], self.end, self.tokens[1:], self.starts[1:])


@dataclass(slots=True)
class PersonFound:
    """A person introduced in the text: name, role and affiliation evidence."""

    name: str
    start: int
    end: int
    role: str | None = None
    affiliation_span: tuple[int, int] | None = None  # a state/org mention that gives the affiliation
    gender: str | None = None
    defining: list[tuple[int, int]] = field(default_factory=list)  # role phrases around the name
    affiliation_id: str | None = None  # an affiliation known without a mention ("our President": the speaker)


def tokens(text: str, a: int, b: int) -> list[Tok]:
    return [Tok(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, a, b)]


def is_role_word(word: str) -> bool:
    w = POSSESSIVE.sub("", word).lower().rstrip(".")
    if w in ROLE_HEADS or w in ROLE_MODIFIERS:
        return True
    parts = w.split("-")
    # "minister-in-charge": a title compound may hold a connector, never at its ends
    return len(parts) > 1 and parts[0] not in CONNECTORS and parts[-1] not in CONNECTORS \
        and all(p in ROLE_HEADS or p in ROLE_MODIFIERS or p in CONNECTORS for p in parts)


def is_role_head(word: str) -> bool:
    """A head noun of a title, also as the last part of a compound ("foreign-ministry spokesman")."""
    w = POSSESSIVE.sub("", word).lower().rstrip(".")
    return w in ROLE_HEADS or (w.split("-")[-1] in ROLE_HEADS and is_role_word(w))


def _name_token(text: str, t: Tok) -> str | None:
    """'name', 'initial', 'particle' or None."""
    w = t.text
    if len(w) == 2 and w[0].isupper() and w[1] == ".":
        return "initial"
    if 2 <= len(w) <= 3 and w.isalpha() and w.isupper() and w.lower() not in ROLE_HEADS:
        return "caps"  # undotted initials ("Lt General MU Nair"); a name only before a name token
    if w.lower() in PARTICLES and w[0].islower():
        return "particle"
    if not w[0].isupper() or not _LOWER.search(w):
        return None
    base = POSSESSIVE.sub("", w)
    low = base.lower()
    if low in STOPWORDS or low in NOT_NAME or is_role_word(base) or common_noun_form(low):
        return None
    return "name"


def common_noun_form(low: str) -> bool:
    """Is this lower-cased word shaped like a common noun or gerund, never a person's name?"""
    if len(low) >= 7 and COMMON_ENDINGS.search(low):
        return True
    return len(low) >= 7 and low.endswith("ing") and len(_VOWELS.findall(low[:-3])) >= 2


def name_runs(text: str, a: int, b: int) -> list[NameRun]:
    """Runs of 2-4 name tokens (plus initials and particles) separated by one space or one
    newline (hard-wrapped text cuts names too)."""
    toks = tokens(text, a, b)
    out: list[NameRun] = []
    i = 0
    while i < len(toks):
        kind = _name_token(text, toks[i])
        if kind not in ("name", "initial", "caps"):
            i += 1
            continue
        j = i
        parts = [toks[i]]
        kinds = [kind]
        while j + 1 < len(toks):
            nxt = toks[j + 1]
            gap = text[toks[j].end : nxt.start]
            if gap not in (" ", "", "\n", "\u00a0") or POSSESSIVE.search(toks[j].text):
                break
            k = _name_token(text, nxt)
            if k is None or (k == "caps" and kinds[-1] == "name"):
                break  # an acronym after a name ends it ("Donald Trump UK visit")
            parts.append(nxt)
            kinds.append(k)
            j += 1
        while kinds and kinds[-1] != "name":
            parts.pop()
            kinds.pop()
        n_names = sum(1 for k in kinds if k == "name")
        n_caps = sum(1 for k in kinds if k == "caps")
        # Undotted initials count only before a single name ("MU Nair"), where a surname alone
        # would not make a name; all-caps runs elsewhere are acronyms ("NSA", "UK").
        if (2 <= n_names <= 4 or (n_names == 1 and n_caps == 1 and kinds[0] == "caps")) and len(parts) <= 6:
            end = parts[-1].end
            if POSSESSIVE.search(parts[-1].text):
                end -= 2
            words = [p.text for p in parts]
            words[-1] = POSSESSIVE.sub("", words[-1])
            out.append(NameRun(parts[0].start, end, words, [p.start for p in parts]))
        i = max(j + 1, i + 1)
    return out


def role_before(text: str, lo: int, start: int, mention_at) -> tuple[str | None, tuple[int, int] | None, str | None, int]:
    """The role phrase right before a name: (role, affiliation mention span, gender, phrase start).

    `mention_at(pos)` returns the (start, end) of a state/org mention covering pos, or None.
    """
    toks = tokens(text, max(lo, start - 200), start)
    role_toks: list[Tok] = []
    aff: tuple[int, int] | None = None
    gender: str | None = None
    k = len(toks) - 1
    phrase_start = start
    if toks and POSSESSIVE.search(toks[-1].text):
        return None, None, None, start  # "the President's Intelligence Priorities": owned, not titled
    if len(toks) >= 2 and toks[-1].text == "," and text[toks[-1].end : start] == " " \
            and is_role_word(POSSESSIVE.sub("", toks[-2].text)):
        k -= 1  # a title set off by a comma: "Singapore's Minister for ... Cybersecurity, Josephine Teo"
    while k >= 0:
        t = toks[k]
        w = POSSESSIVE.sub("", t.text).lower()
        m = mention_at(t.start)
        if m is not None and text[m[0] : m[1]].lower() in ROLE_MODIFIERS:
            m = None  # a one-word "mention" that is really part of a title ("Foreign Minister")
        if m is not None:
            head_left = _head_left_of(text, toks, k, m) if not any(is_role_head(x.text) for x in role_toks) \
                and not any(w.lower() in ROLE_HEADS for w in text[m[0] : m[1]].split()) else None
            if head_left is not None:
                # "Spokesperson for the Chinese Foreign Ministry Lijian Zhao": the title's head
                # stands left of its employer, joined by "for"/"of"/"at" (and "the")
                aff = aff or m
                role_toks.extend(t2 for t2 in reversed(toks[head_left + 1 : k + 1]) if t2.start >= m[0])
                role_toks.append(toks[head_left])
                k = head_left - 1
                continue
            if role_toks:
                aff = aff or m
                phrase_start = m[0]
            elif any(w.lower() in ROLE_HEADS for w in re.split(r"[\s]+", text[m[0] : m[1]])):
                # a title that is itself a KB entity: "UN Secretary-General Ban Ki-moon"; an
                # employer named right before it wins ("ASEAN Secretary-General Lim Jock Hoi")
                owner = _owner_before(text, toks, m[0], mention_at)
                if owner is not None and owner != m:
                    return text[m[0] : m[1]], owner, None, owner[0]
                return text[m[0] : m[1]], m, None, m[0]
            break
        if w in HONORIFICS or (w + "." in HONORIFICS and text[t.end : t.end + 1] == "."):
            # "" marks an honorific of unknown gender ("Dr."): context enough for a name
            gender = HONORIFICS.get(w, HONORIFICS.get(w + ".")) or ""
            phrase_start = t.start
            if not role_toks:
                return None, None, gender, phrase_start
            break
        if t.text == "." and k > 0 and toks[k - 1].text.lower() + "." in HONORIFICS:
            k -= 1
            continue
        if w in CONNECTORS and role_toks and k >= 2 and _name_token(text, toks[k - 1]) == "name" \
                and _name_token(text, toks[k - 2]) == "name" \
                and not (k >= 3 and toks[k - 3].text.lower() in CONNECTORS):
            # "Anne Neuberger and Under Secretary ... Victoria Nuland": another person's name
            # (but "Minister-in-charge of Smart Nation and Cybersecurity" is one title)
            break
        if is_role_word(w) or (w in CONNECTORS and role_toks):
            role_toks.append(t)
            phrase_start = t.start
            k -= 1
            continue
        if role_toks and t.text[:1].isupper() and w not in STOPWORDS and len(role_toks) < 12:
            # a capitalised word inside a long title ("... for Cyber and Emerging Technology");
            # kept only if a title word comes further left (trimmed below otherwise)
            role_toks.append(t)
            k -= 1
            continue
        break
    # the far (left) end of the phrase must be a title word or connector, not a stray capital
    while role_toks and not is_role_word(role_toks[-1].text) :
        role_toks.pop()
    while role_toks and role_toks[-1].text.lower() in CONNECTORS:
        role_toks.pop()
    if role_toks:
        phrase_start = min(phrase_start, role_toks[-1].start) if aff is None else phrase_start
    if not any(is_role_head(t.text) for t in role_toks):
        return None, None, gender, start
    role_toks.reverse()
    role = text[role_toks[0].start : role_toks[-1].end]
    return role, aff, gender, min(phrase_start, role_toks[0].start)


def _head_left_of(text: str, toks: list[Tok], k: int, m: tuple[int, int]) -> int | None:
    """Index of the connector ("for", "of", "at") joining a title word to the employer mention `m`."""
    j = max((i for i in range(k, -1, -1) if toks[i].end <= m[0]), default=-1)
    if j >= 0 and toks[j].text.lower() == "the":
        j -= 1
    if j >= 1 and toks[j].text.lower() in ("for", "of", "at") and is_role_head(toks[j - 1].text):
        return j
    return None


def _owner_before(text: str, toks: list[Tok], pos: int, mention_at) -> tuple[int, int] | None:
    """The state/org mention written right before `pos` ("ASEAN" or "Australia's" before a title)."""
    prev = next((t for t in reversed(toks) if t.end <= pos), None)
    if prev is None or text[prev.end : pos].strip():
        return None
    return mention_at(prev.start)


OF_AFTER = re.compile(r"\s{1,3}of\s+(?:the\s+)?")


def of_after(text: str, end: int, limit: int, mention_at) -> tuple[tuple[int, int] | None, int]:
    """An employer named right after the name: "Keiichi Ichikawa of Japan", "Hamish Hansford of
    Australia's Department of Home Affairs". Returns (mention span, end of the phrase)."""
    m = OF_AFTER.match(text, end, min(limit, end + 12))
    if m is None:
        return None, end
    aff = mention_at(m.end())
    if aff is None or aff[0] != m.end():
        return None, end
    return aff, aff[1]


def role_after(text: str, end: int, limit: int, mention_spans) -> tuple[str | None, tuple[int, int] | None, int]:
    """An appositive role after a name (", the Australian Minister for Foreign Affairs").

    `mention_spans(a, b)` lists (start, end) of state/org mentions inside [a, b).
    Returns (role, affiliation mention span, phrase end).
    """
    m = APPOSITIVE.match(text, end, min(limit, end + 200))
    if not m:
        return None, None, end
    phrase = m.group(1)
    words = [POSSESSIVE.sub("", w).lower() for w in re.findall(r"[\w'\u2019.-]+", phrase)]
    if not any(w.rstrip(".") in ROLE_HEADS for w in words[:8]):
        return None, None, end
    if re.match(rf"\s*(?:{SPEECH_ALT})\b", phrase) or re.match(r"\s*(?:who|which|that|and|but)\b", phrase, re.I):
        return None, None, end
    a, b = m.start(1), m.end(1)
    aff = None
    for s, e in mention_spans(a, b):
        if re.search(r"\bto\s+(?:the\s+)?$", text[max(a, s - 8) : s]):
            continue  # "Ambassador of China to the Netherlands": the destination is not the employer
        aff = (s, e)
        break
    role = phrase.strip()
    return role, aff, b


# What may stand between a name and its speech verb: where the person is from, or a relative clause.
SPEAKER_MODIFIER = re.compile(r"\s+(?:from|of|at)\s+(?:the\s+)?[A-Z][\w&'\u2019-]*(?:\s+[A-Z][\w&'\u2019-]*){0,4}"
                              r"|,\s+who\s+[^,.;:\"\u201c\u201d\n]{2,160},")


def speaks(text: str, lo: int, start: int, end: int, hi: int) -> bool:
    """Is the name at [start, end) the subject or the inverted subject of a speech verb?"""
    if AFTER_SUBJECT.match(text, end, min(hi, end + 80)):
        return True
    if text[end : end + 1] == "," and AFTER_SUBJECT.match(text, end + 1, min(hi, end + 80)):
        return True  # "..., Rachel Noble, said"
    m = SPEAKER_MODIFIER.match(text, end, min(hi, end + 200))
    if m and AFTER_SUBJECT.match(text, m.end(), min(hi, m.end() + 80)):
        return True  # "Dirk Schrader from New Net Technologies said", "Austin Berglas, who served as ..., said"
    before = text[max(lo, start - 40) : start]
    return bool(SAID_BEFORE.search(before) or ACCORDING_BEFORE.search(before))
