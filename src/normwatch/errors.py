"""Errors and their numbered messages.

Exception tree::

    NormwatchError                 any error of ours; .code like "NW101"
    ├── InputError                 an input could not be read as a document (NW1xx)
    │   ├── FetchError             a URL could not be fetched or was refused (NW12x)
    │   └── FormatError            WARC / gzip / JSONL structure broken (NW13x)
    ├── CleanError                 no usable text after cleaning (NW2xx)
    ├── StageError                 an extraction stage failed on a document (NW4xx)
    ├── PipelineError              stages ordered wrongly, unknown stage (NW5xx)
    ├── StoreError                 the database refused or is at a wrong version (NW6xx)
    └── KBError                    the knowledge base fails its schema (NW7xx)

A message says what failed, on which document, and what to try next. A batch
turns these into `Rejection` rows and goes on; a single document raises.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "NW100": "cannot read input",
    "NW101": "binary content, not text",
    "NW102": "cannot decode text",
    "NW103": "empty input",
    "NW104": "input too large",
    "NW105": "unsupported input kind",
    "NW106": "no such file",
    "NW107": "unreadable directory",
    "NW108": "over a per-document budget",
    "NW109": "unexpected failure on this document",
    "NW110": "document id too long for the store",
    "NW120": "cannot fetch URL",
    "NW121": "URL resolves to a private, loopback or link-local address",
    "NW122": "unsupported content type",
    "NW123": "too many redirects",
    "NW124": "URL not allowed",
    "NW130": "truncated or corrupt gzip stream",
    "NW131": "truncated or corrupt WARC record",
    "NW132": "malformed JSONL line",
    # PDF input (issue 15)
    "NW140": "malformed PDF",
    "NW141": "encrypted PDF",
    "NW142": "PDF without a text layer (OCR is not supported)",
    "NW143": "PDF support not installed",
    "NW144": "PDF took too long to read",
    # watching sources (issue 15)
    "NW150": "invalid watch config",
    "NW151": "disallowed by robots.txt",
    "NW152": "watched source is not a feed, sitemap or page",
    "NW160": "invalid alert",
    "NW161": "alert exists already",
    "NW200": "no main text found",
    "NW201": "text too short after cleaning",
    "NW202": "does not read as text",
    "NW205": "dropped by the prefilter",
    "NW400": "stage failed",
    "NW401": "extraction over its time budget",
    "NW500": "bad pipeline",
    "NW600": "store error",
    "NW700": "knowledge base invalid",
    "NW800": "not found",
    "NW801": "invalid request parameter",
    "NW802": "method not allowed",
    "NW803": "internal server error",
    "NW804": "authentication required",
    "NW805": "not allowed",
    "NW806": "too many attempts",
    "NW900": "invalid gold annotation file",
}


class NormwatchError(Exception):
    code = "NW000"

    def __init__(self, detail: str = "", *, code: str | None = None, source: str | None = None,
                 hint: str | None = None) -> None:
        self.code = code or self.code
        self.detail = detail
        self.source = source
        self.hint = hint
        super().__init__(self.message())

    def message(self) -> str:
        base = MESSAGES.get(self.code, "error")
        parts = [f"{self.code} {base}"]
        if self.detail:
            parts[0] += f": {self.detail}"
        if self.hint:
            parts.append(f"({self.hint})")
        msg = " ".join(parts)
        return f"{self.source}: {msg}" if self.source else msg


class InputError(NormwatchError):
    code = "NW100"


class FetchError(InputError):
    code = "NW120"


class FormatError(InputError):
    code = "NW130"


class CleanError(NormwatchError):
    code = "NW200"


class StageError(NormwatchError):
    code = "NW400"


class PipelineError(NormwatchError):
    code = "NW500"


class StoreError(NormwatchError):
    code = "NW600"


class KBError(NormwatchError):
    code = "NW700"
