"""What `score` measured (per-kind counts, P/R/F1) and how it is printed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

@dataclass
class KindScore:
    """Counts for one kind; `gold` counts required items, `optional` the `required: false` ones."""

    gold: int = 0
    optional: int = 0
    predicted: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    duplicates: int = 0
    misses: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp_required / self.gold if self.gold else 1.0

    @property
    def tp_required(self) -> int:
        return self.gold - self.fn

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        d = {"gold": self.gold, "optional": self.optional, "predicted": self.predicted, "tp": self.tp,
             "fp": self.fp, "fn": self.fn, "duplicates": self.duplicates,
             "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
             "required_found": self.tp_required}
        if details:
            d["misses"] = self.misses
            d["false_positives"] = self.false_positives
        return d


@dataclass
class Report:
    """Everything `score` measured; `kinds` maps a kind (or a ``kind~variant``) to its counts."""

    kinds: dict[str, KindScore] = field(default_factory=dict)
    forbidden: list[dict] = field(default_factory=list)
    forbidden_claims: list[dict] = field(default_factory=list)
    checks: dict[str, list[int]] = field(default_factory=dict)   # name -> [agreeing, checked]
    documents: int = 0
    documents_predicted: int = 0
    missing_documents: list[str] = field(default_factory=list)
    unmatched_predictions: int = 0
    unlocated: list[dict] = field(default_factory=list)          # gold strings not found in doc.text

    def check(self, name: str, ok: bool) -> None:
        c = self.checks.setdefault(name, [0, 0])
        c[0] += int(ok)
        c[1] += 1

    def kind(self, name: str) -> KindScore:
        return self.kinds.setdefault(name, KindScore())

    def as_dict(self, details: bool = False) -> dict[str, Any]:
        return {
            "documents": self.documents, "documents_predicted": self.documents_predicted,
            "missing_documents": self.missing_documents, "unmatched_predictions": self.unmatched_predictions,
            "kinds": {k: v.as_dict(details) for k, v in self.kinds.items()},
            "forbidden_stances": len(self.forbidden),
            "forbidden": self.forbidden,
            "forbidden_claims": self.forbidden_claims,
            "checks": {k: {"agree": a, "checked": n} for k, (a, n) in self.checks.items()},
            "unlocated_gold_strings": self.unlocated if details else len(self.unlocated),
        }


_HEADLINE = ("actors", "statements", "stances", "subscriptions", "instrument_mentions", "attributions",
             "incidents", "events", "claims")


def format_report(report: Report, fmt: str = "text", details: bool = False) -> str:
    """The report as an aligned table (``text``) or as JSON with the same numbers (``json``)."""
    if fmt == "json":
        return json.dumps(report.as_dict(details), ensure_ascii=False, indent=2)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}: use text or json")
    lines = [f"documents: {report.documents_predicted}/{report.documents} predicted"
             + (f" (missing: {', '.join(report.missing_documents)})" if report.missing_documents else "")
             + (f"; {report.unmatched_predictions} predictions not in the gold" if report.unmatched_predictions
                else ""),
             "",
             f"{'kind':<26}{'gold':>6}{'opt':>5}{'pred':>6}{'tp':>6}{'fp':>6}{'fn':>6}"
             f"{'P':>8}{'R':>8}{'F1':>8}"]
    for name, k in report.kinds.items():
        lines.append(f"{name:<26}{k.gold:>6}{k.optional:>5}{k.predicted:>6}{k.tp:>6}{k.fp:>6}{k.fn:>6}"
                     f"{k.precision:>8.3f}{k.recall:>8.3f}{k.f1:>8.3f}")
    lines.append("")
    st = report.kinds.get("stances")
    if st is not None:
        lines.append(f"required stances found {st.tp_required}/{st.gold}")
    lines.append(f"forbidden stances predicted: {len(report.forbidden)}")
    for f in report.forbidden:
        lines.append(f"  {f['doc']}: {f['actor'] or f['affiliation']} {f['polarity']} {f['target']}"
                     + (f"  ({f['why']})" if f.get("why") else ""))
    if report.forbidden_claims:
        lines.append(f"forbidden claims predicted: {len(report.forbidden_claims)}")
        for f in report.forbidden_claims:
            lines.append(f"  {f['doc']}: accused {f['accused']}" + (f"  ({f['why']})" if f.get("why") else ""))
    for name, (agree, n) in report.checks.items():
        lines.append(f"{name.replace('_', ' ')}: {agree}/{n}")
    if report.unlocated:
        lines.append(f"gold strings not found in doc.text: {len(report.unlocated)} (cleaning dropped them?)")
    if details:
        for name in _HEADLINE:
            k = report.kinds.get(name)
            if k is None:
                continue
            for m in k.misses:
                lines.append(f"  miss {name}: {json.dumps(m, ensure_ascii=False)}")
            for p in k.false_positives:
                lines.append(f"  extra {name}: {json.dumps(p, ensure_ascii=False)}")
    return "\n".join(lines)

