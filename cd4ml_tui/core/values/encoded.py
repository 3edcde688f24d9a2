"""A revision whose values are still as the result cache stores them, for a writer that copies
them out (`show --json`) instead of decoding 10,000 results only to encode them again."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cd4ml_tui.core.model import Revision, RevisionValues


@dataclass(frozen=True)
class EncodedValues:
    """`payload` is `{"params":…,"metrics":…,"errors":…}` as compact JSON, exactly as
    `entries.encode_entry` wrote it and `ResultCache.payloads` checked it."""

    revision: Revision
    payload: bytes

    def decoded(self) -> RevisionValues:
        data = json.loads(self.payload)
        return RevisionValues(self.revision, data["params"], data["metrics"], data["errors"])
