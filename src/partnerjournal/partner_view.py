"""The partner's view beside the leader's own: the four terms of the trust equation as
a partner answered them on a feedback survey, and the gap to the leader's self-rating.

Pure and light: ``pj trust``, ``pj partner show``, ``pj feedback`` and the
quarterly report all compare the same way.

- A gap is the partner's number minus the leader's, per term: ``-3`` on reliability
  means the partner relies on the leader three points less than the leader thinks.
  For self-orientation a low number is good, so a positive gap there is the bad one.
- A term the partner skipped (NULL) has no gap.
- The trust score of a feedback is computed only when all four terms were answered,
  with the same equation as the leader's checks.
- Which self-rating a feedback is compared with: in ``pj partner show`` and the
  quarterly report, the leader's trust check on or before the day of the feedback
  (the latest such one), so that the leader's number was written before they knew the
  partner's; in ``pj trust``, the check just recorded beside the latest feedback.
"""

from __future__ import annotations

from typing import Mapping

TERMS = ("credibility", "reliability", "intimacy", "self_orientation")
SCORES = (*TERMS, "satisfaction")  # every 1-10 answer of the form
ANSWERS = ("keep", "change")  # the two open questions
LOWER_IS_BETTER = frozenset({"self_orientation"})


def label(term: str) -> str:
    """``self_orientation`` -> ``self-orientation``."""
    return term.replace("_", "-")


def trust_score(scores: Mapping[str, int | None]) -> float | None:
    """Maister's trust equation, unrounded; ``None`` unless all four terms are given.

    >>> trust_score({"credibility": 7, "reliability": 8, "intimacy": 6, "self_orientation": 3})
    7.0
    """
    if any(scores.get(t) is None for t in TERMS):
        return None
    return (scores["credibility"] + scores["reliability"] + scores["intimacy"]) / scores[
        "self_orientation"
    ]


Scores = Mapping[str, int | None]


def gaps(mine: Scores | None, theirs: Scores) -> dict[str, int | None]:
    """Per term, the partner's number minus the leader's (``None`` where either is missing)."""
    out: dict[str, int | None] = {}
    for term in TERMS:
        a = None if mine is None else mine.get(term)
        b = theirs.get(term)
        out[term] = None if a is None or b is None else b - a
    return out


def largest_gap(by_term: Mapping[str, int | None]) -> str | None:
    """The term the two views differ most on (the first in equation order on a tie);
    ``None`` when no term has a gap or every gap is zero."""
    best, size = None, 0
    for term in TERMS:
        value = by_term.get(term)
        if value is not None and abs(value) > size:
            best, size = term, abs(value)
    return best


def is_worse(term: str, gap: int) -> bool:
    """Whether the partner sees the leader less favourably than the leader does."""
    return gap > 0 if term in LOWER_IS_BETTER else gap < 0


def gap_sentence(partner: str, term: str, mine: int, theirs: int) -> str:
    """One sentence naming the largest gap, e.g. for the report.

    >>> gap_sentence("Mia", "reliability", 8, 5)[-55:]
    'you rated yourself 8, Mia 5 (3 points less favourable).'
    """
    gap = theirs - mine
    how = "less" if is_worse(term, gap) else "more"
    points = "point" if abs(gap) == 1 else "points"
    return (
        f"The largest gap with {partner} is {label(term)}: you rated yourself {mine},"
        f" {partner} {theirs} ({abs(gap)} {points} {how} favourable)."
    )
