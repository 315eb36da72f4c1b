"""Text that goes to a terminal is escaped: an input cannot clear the screen, retitle the window
or print a fake summary line through a file name, a JSON key or a rejection detail (issue 13).

C0 and C1 controls (newline, ESC, BEL ...), DEL and the bidirectional overrides are written as
Python-style escapes, so one message stays one line and shows what the input really held.

>>> escape("bad\\nname\\x1b[2J.txt")
'bad\\\\nname\\\\x1b[2J.txt'
"""

from __future__ import annotations

import re

__all__ = ["escape"]

# Controls, DEL, C1, bidi embeddings/overrides/isolates, line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _one(m: re.Match) -> str:
    c = m.group(0)
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def escape(text: object) -> str:
    """`text` as one printable line: every control or direction-changing character escaped."""
    return _UNSAFE.sub(_one, str(text))
