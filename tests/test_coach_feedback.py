"""The coach reads the partner's view: a large gap between a partner's feedback and the
leader's own trust check, and a partner not asked for feedback in two quarters, each
become the day's prompt on real journals built through the CLI."""

from __future__ import annotations

from test_coach import FUTURE, ok, partner, prompt_json, shift

LATER = "2099-02-17"  # 'today' for the runs that look at FUTURE with --date (nothing kept)


def test_a_large_gap_on_one_term_quotes_both_numbers(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "Planned the quarter with Ana", "--partner", "Ana", "--step", "2"))
    ok(pj("trust", "Ana", "--credibility", "7", "--reliability", "8", "--intimacy", "6",
          "--self-orientation", "3", "--date", shift(-5)))
    ok(pj("feedback", "add", "Ana", "--credibility", "6", "--reliability", "4",
          "--intimacy", "6", "--self-orientation", "4", "--satisfaction", "6",
          "--date", shift(-2)))
    chosen = prompt_json(pj)
    assert chosen["kind"] == "context" and chosen["rule"] == "feedback-gap", chosen
    assert f"On {shift(-2)} Ana gave you 4/10 on reliability; your own check said 8" \
        in chosen["text"]
    assert chosen["steps"] == [13] and chosen["record"].startswith("feedback:")
    assert "Maister" in chosen["source"]["author"]
    assert [w["step"] for w in chosen["why"]] == [13]


def test_a_small_or_favourable_gap_is_not_raised(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "Planned the quarter with Ana", "--partner", "Ana", "--step", "2"))
    ok(pj("trust", "Ana", "--credibility", "5", "--reliability", "6", "--intimacy", "6",
          "--self-orientation", "3", "--date", shift(-5)))
    # reliability 2 points lower (below the threshold), credibility 4 points *higher*
    ok(pj("feedback", "add", "Ana", "--credibility", "9", "--reliability", "4",
          "--date", shift(-2)))
    assert prompt_json(pj)["rule"] != "feedback-gap"


def test_feedback_without_an_earlier_check_of_yours_has_no_gap(pj):
    partner(pj, "Ana")
    ok(pj("reflect", "Planned the quarter with Ana", "--partner", "Ana", "--step", "2"))
    ok(pj("feedback", "add", "Ana", "--reliability", "2", "--date", shift(-2)))
    ok(pj("trust", "Ana", "--credibility", "7", "--reliability", "9", "--intimacy", "6",
          "--self-orientation", "3", "--date", shift(-1)))  # written after the feedback
    assert prompt_json(pj)["rule"] != "feedback-gap"


def _quiet_otherwise(pj, name: str = "Ana") -> None:
    """A partner met this quarter and named recently, so only the feedback rule applies."""
    partner(pj, name)
    ok(pj("session", "add", name, "--date", "2099-01-20", "--successes", "s",
          "--objectives", "o", "--feedback", "f", "--minutes", "90",
          env={"PARTNERJOURNAL_TODAY": FUTURE}))
    ok(pj("reflect", "Worked on the plan", "--partner", name, "--date", "2099-02-10",
          env={"PARTNERJOURNAL_TODAY": FUTURE}))


def test_a_partner_never_asked_in_two_quarters_is_raised(pj):
    _quiet_otherwise(pj)
    chosen = prompt_json(pj, "--date", FUTURE, day=LATER)
    assert chosen["rule"] == "feedback-due", chosen
    assert "You have not asked Ana for their view of the partnership yet" in chosen["text"]
    assert "pj survey" in chosen["text"] and chosen["steps"] == [11]


def test_feedback_within_two_quarters_silences_the_rule_and_older_does_not(pj):
    _quiet_otherwise(pj)
    ok(pj("feedback", "add", "Ana", "--satisfaction", "8", "--date", "2098-06-01",
          env={"PARTNERJOURNAL_TODAY": FUTURE}))
    chosen = prompt_json(pj, "--date", FUTURE, day=LATER)
    assert chosen["rule"] == "feedback-due"
    assert "since 2098-06-01" in chosen["text"]
    ok(pj("feedback", "add", "Ana", "--satisfaction", "8", "--date", "2098-12-01",
          env={"PARTNERJOURNAL_TODAY": FUTURE}))
    assert prompt_json(pj, "--date", FUTURE, day=LATER)["kind"] == "catalog"

