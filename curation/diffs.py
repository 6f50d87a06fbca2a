"""What changed between two versions of a claim, from the snapshots ReviewEvents keep.

Plain functions over the snapshot dicts (Claim.snapshot()), so the history and
the stale-edit message need no queries beyond reading the events.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

FIELDS = [
    ("section", "section"),
    ("evidence_type", "evidence type"),
    ("organism", "organism"),
    ("mentioned_genes", "mentioned genes"),
]


def text_diff(old, new):
    """A word-level diff: a list of (op, text) with op "same", "del" or "ins"."""
    a = re.split(r"(\s+)", old or "")
    b = re.split(r"(\s+)", new or "")
    parts = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("ins", "".join(b[j1:j2])))
    return parts


def citation_label(citation):
    if citation.get("pmid"):
        return f"PMID {citation['pmid']}"
    if citation.get("doi"):
        return f"doi:{citation['doi']}"
    return (citation.get("title") or "")[:80] or f"reference #{citation['reference']}"


@dataclass
class SnapshotDiff:
    text: list = field(default_factory=list)  # (op, text) pairs; empty when the text is the same
    fields: list = field(default_factory=list)  # (label, old, new)
    added: list = field(default_factory=list)  # citation labels
    removed: list = field(default_factory=list)
    reordered: bool = False

    def __bool__(self):
        return bool(self.text or self.fields or self.added or self.removed or self.reordered)


def snapshot_diff(old, new):
    """The changes from snapshot `old` to snapshot `new` (either may be None)."""
    old, new = old or {}, new or {}
    diff = SnapshotDiff()
    if old.get("text", "") != new.get("text", ""):
        diff.text = text_diff(old.get("text", ""), new.get("text", ""))
    for name, label in FIELDS:
        before, after = old.get(name), new.get(name)
        if isinstance(before, list) or isinstance(after, list):
            before, after = ", ".join(before or []), ", ".join(after or [])
        if (before or "") != (after or ""):
            diff.fields.append((label, before or "—", after or "—"))
    old_refs = [c["reference"] for c in old.get("citations", [])]
    new_refs = [c["reference"] for c in new.get("citations", [])]
    diff.added = [
        citation_label(c) for c in new.get("citations", []) if c["reference"] not in old_refs
    ]
    diff.removed = [
        citation_label(c) for c in old.get("citations", []) if c["reference"] not in new_refs
    ]
    kept_old = [r for r in old_refs if r in new_refs]
    kept_new = [r for r in new_refs if r in old_refs]
    diff.reordered = kept_old != kept_new
    return diff


def history(events):
    """(event, diff from the version before it) for each event, oldest first."""
    rows = []
    previous = None
    for event in events:
        rows.append((event, snapshot_diff(previous, event.snapshot) if previous else None))
        previous = event.snapshot
    return rows


def snapshot_at(events, version):
    """The snapshot of the claim as it was at `version`, or None if no event recorded it."""
    for event in reversed(list(events)):
        if event.snapshot.get("version") == version:
            return event.snapshot
    return None
