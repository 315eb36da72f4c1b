"""Stage registry and build-time order checks."""

from __future__ import annotations

import pytest

from normwatch import pipeline
from normwatch.errors import PipelineError, StageError
from normwatch.model import Document
from normwatch.settings import Settings


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(pipeline, "REGISTRY", {})
    monkeypatch.setattr(pipeline, "_load_builtin", lambda: None)
    return pipeline.REGISTRY


def test_order_is_checked_at_build_time(registry):
    pipeline.stage("a.v1", requires=("text",), assigns=("sentences",))(lambda d, s: d)
    pipeline.stage("b.v1", requires=("sentences",), assigns=("mentions",))(lambda d, s: d)
    assert [s.name for s in pipeline.build(["a.v1", "b.v1"])] == ["a.v1", "b.v1"]
    with pytest.raises(PipelineError, match="b.v1 requires sentences"):
        pipeline.build(["b.v1", "a.v1"])
    with pytest.raises(PipelineError, match="unknown stage"):
        pipeline.build(["nope.v1"])


def test_stage_failure_names_stage_and_document(registry):
    def bad(doc, settings):
        raise KeyError("boom")

    pipeline.stage("bad.v1", requires=("text",))(bad)
    doc = Document("text", source="doc.txt")
    with pytest.raises(StageError) as e:
        pipeline.run(doc, pipeline.build(["bad.v1"]), Settings())
    assert "doc.txt" in str(e.value) and "bad.v1" in str(e.value) and e.value.code == "NW400"


def test_default_pipeline_builds():
    stages = pipeline.build()
    names = [s.name for s in stages]
    assert names == [n for n in pipeline.DEFAULT_STAGES if n in names]
