"""The field-work vocabularies are data (FIELDWORK §2-§4), in both languages."""

from __future__ import annotations

from services import vocab


def test_vocabularies_are_data_with_both_languages() -> None:
    assert vocab.methods().codes == ("onsite", "document", "authority", "sampling", "online",
                                     "commissioned")
    assert vocab.results().get("6") is not None
    assert vocab.results().get("6").flag("parent") == "A"  # type: ignore[union-attr]
    assert vocab.disposals().labels(["judicial"], "en") == [
        "suspected crime; transferred to judicial organs (Art. 17)"]
    assert vocab.answers().labels(["yes", "no", "na"]) == ["符合", "不符合", "不适用"]
