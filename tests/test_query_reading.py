"""How questions are read: (question, expected plan) rows over assistant/question/understand.py, the one module
that holds the English patterns. No store, no model: each row runs in microseconds."""

from __future__ import annotations

import pytest

from assistant.question.names import AuthorityNames
from assistant.question.query_plan import Intent, ScoreAsk, SummaryAsk
from assistant.question.understand import parts_of, places_in, understand

AV, EH, KM, SM = ("Ashbourne Vale County Council", "Eastholm City Council",
                  "Kingsmere Metropolitan Borough Council", "Severn Marches County Council")
NAMES = AuthorityNames.from_authorities([AV, EH, KM, SM])

# question -> the fields of its plan that matter for it (anything not listed is not asserted)
ROWS: list[tuple[str, dict]] = [
    # who: the user's own council, named councils, councils across the library
    ("What was our safeguarding score?", dict(first_person=True, intent=Intent.SCORES, quality_statements=("Safeguarding",),
                                              authorities=())),
    ("What is the council's social work vacancy rate?", dict(first_person=True, intent=Intent.FINDINGS)),
    ("How do we compare with Eastholm?", dict(first_person=True, authorities=(EH,), comparative=True, intent=Intent.SCORES)),
    ("How does Severn Marches compare with Kingsmere's safeguarding?",
     dict(authorities=(SM, KM), quality_statements=("Safeguarding",), comparative=True)),
    ("Which authorities scored 1 for safeguarding?",
     dict(all_authorities=True, intent=Intent.SCORES, score_ask=ScoreAsk.AUTHORITIES_AT, score_range=(1, 1))),
    ("What was the social work vacancy rate in September 2024?", dict(first_person=False, authorities=(), all_authorities=False)),
    # councils the library does not hold
    ("How long do people wait for an assessment in Leeds?", dict(absent=("Leeds",), authorities=())),
    ("How many unpaid carers were waiting in County Durham?", dict(absent=("County Durham",))),
    ("Compare direct payments in Kingsmere and Barnsley.", dict(authorities=(KM,), absent=("Barnsley",))),
    ("How many unpaid carers were waiting for a carer's assessment in Westshire?", dict(places=("Westshire",), absent=())),
    ("What was Harrowfield's rating?", dict(places=("Harrowfield",), authorities=())),
    ("Reading the report, what did Kingsmere say about reablement?", dict(absent=(), authorities=(KM,))),
    # ... in any case, punctuation or position (issue 27 item 2)
    ("how many unpaid carers were waiting for a carer's assessment in leeds", dict(absent=("Leeds",), authorities=())),
    ("How many carers were waiting in WESTSHIRE?", dict(places=("WESTSHIRE",), authorities=())),
    ("Westshire: how many carers were waiting?", dict(places=("Westshire",), authorities=())),
    ("For Westshire, how many carers were waiting?", dict(places=("Westshire",), authorities=())),
    ("Westshire council — how many carers were waiting?", dict(places=("Westshire",), authorities=())),
    ("how many carers were waiting in westshire", dict(places=("westshire",), authorities=())),
    ("In Westshire how many carers were waiting?", dict(places=("Westshire",), authorities=())),
    ("How many carers were waiting for an assessment (Westshire)?", dict(places=("Westshire",), authorities=())),
    ("How many carers were waiting, Westshire?", dict(places=("Westshire",), authorities=())),
    ("How many carers were waiting in Hammersmith and Fulhm?", dict(absent=("Hammersmith and Fulham",), places=())),
    # ordinary capitalised words are not councils
    ("What does the Care Act say about carers in Kingsmere?", dict(places=(), absent=(), authorities=(KM,))),
    ("How many Section 42 enquiries did Eastholm complete?", dict(places=(), absent=())),
    ("What did South Asian carers say in Kingsmere?", dict(places=(), absent=())),
    ("Our council's vacancy rate?", dict(places=(), absent=(), first_person=True)),
    ("How many carers were waiting in total?", dict(places=(), absent=())),
    # scores as data
    ("Which quality statements did Severn Marches score as exceptional?",
     dict(intent=Intent.SCORES, score_ask=ScoreAsk.STATEMENTS_AT, score_range=(4, 4), authorities=(SM,))),
    ("Which quality statements did Eastholm score 1 on?", dict(score_ask=ScoreAsk.STATEMENTS_AT, score_range=(1, 1))),
    ("Which councils scored 2 or below on Assessing needs?", dict(score_ask=ScoreAsk.AUTHORITIES_AT, score_range=(0, 2))),
    ("Which councils scored above 60 overall?", dict(score_ask=ScoreAsk.AUTHORITIES_AT, score_range=(61, 100))),
    ("Rank the councils by overall score", dict(score_ask=ScoreAsk.RANK, all_authorities=True)),
    ("How many councils were rated Good?", dict(score_ask=ScoreAsk.RATING_COUNTS)),
    ("What is the average score for Safeguarding?", dict(score_ask=ScoreAsk.AVERAGE, quality_statements=("Safeguarding",))),
    ("How did Kingsmere's scores change since its last report?", dict(score_ask=ScoreAsk.CHANGE, authorities=(KM,))),
    ("Which quality statements did Ashbourne Vale score lowest on?", dict(score_ask=ScoreAsk.EXTREMES, extremes="lowest")),
    ("What overall rating and score did Kingsmere receive?", dict(score_ask=ScoreAsk.LOOKUP, wants_overall=True)),
    ("What was Eastholm's score for Learning, improvement and innovation, and what does it mean?",
     dict(score_ask=ScoreAsk.LOOKUP)),  # "mean" here is not an average
    # measures the reports do not score are never the authority's rating
    ("What was Kingsmere's score for social care-related quality of life in the Adult Social Care Outcomes Framework?",
     dict(intent=Intent.FINDINGS, unscored_measure=True)),
    ("What percentage of care homes in Kingsmere were rated good or outstanding by CQC?", dict(intent=Intent.FINDINGS)),
    ("Did Kingsmere have more care providers rated good or outstanding?", dict(intent=Intent.FINDINGS, comparative=False)),
    # summaries
    ("Summarise the Eastholm report", dict(intent=Intent.SUMMARY, summary_ask=SummaryAsk.OVERVIEW, authorities=(EH,))),
    ("What are Eastholm's main areas for improvement?", dict(summary_ask=SummaryAsk.DEVELOPMENT)),
    ("What are Kingsmere's main strengths?", dict(summary_ask=SummaryAsk.STRENGTHS)),
    ("What are the next steps for Severn Marches?", dict(summary_ask=SummaryAsk.NEXT_STEPS)),
    ("Summarise Kingsmere on safeguarding", dict(summary_ask=SummaryAsk.OVERVIEW, quality_statements=("Safeguarding",))),
    ("What did unpaid carers tell CQC about their experiences in Ashbourne Vale?",
     dict(summary_ask=SummaryAsk.VOICES, voices="carers")),
    ("What did care providers say about working with Eastholm City Council?", dict(summary_ask=SummaryAsk.VOICES, voices="providers")),
    # a subject of its own is answered from the findings on it, not the summary
    ("What did families say about young people moving from children's to adult services?", dict(intent=Intent.FINDINGS)),
    ("What did CQC find about direct payments in Kingsmere?", dict(intent=Intent.FINDINGS)),
    # what good looks like
    ("What does good look like for assessing needs?",
     dict(intent=Intent.GOOD_PRACTICE, quality_statements=("Assessing needs",), subject="assessing needs")),
    ("Which councils do well on carers' assessments and what do they do?",
     dict(intent=Intent.GOOD_PRACTICE, topic_statements=("Assessing needs",), subject="carers' assessments")),
    ("What is best practice in safeguarding?", dict(intent=Intent.GOOD_PRACTICE, extremes="")),  # "best" asks for no extreme
    ("What can we learn from other councils about hospital discharge?",
     dict(intent=Intent.GOOD_PRACTICE, subject="hospital discharge")),
    # standing asked about without a score word
    ("What's our weakest area?", dict(intent=Intent.SCORES, score_ask=ScoreAsk.EXTREMES, extremes="lowest",
                                       first_person=True)),
    ("Which council is the best?", dict(intent=Intent.SCORES, extremes="highest", all_authorities=True)),
    ("Which councils are inadequate?", dict(intent=Intent.SCORES, score_ask=ScoreAsk.LOOKUP)),
    ("Which councils are good at reablement?", dict(intent=Intent.GOOD_PRACTICE, subject="reablement")),
    ("Which councils have people waiting for home care?", dict(intent=Intent.FINDINGS, all_authorities=True)),
    ("Tell me about Eastholm", dict(intent=Intent.SUMMARY, summary_ask=SummaryAsk.OVERVIEW)),
    ("How is Severn Marches doing?", dict(intent=Intent.SUMMARY, summary_ask=SummaryAsk.OVERVIEW)),
    ("How is Severn Marches doing on direct payments?", dict(intent=Intent.FINDINGS)),
    ("What should we focus on?", dict(intent=Intent.SUMMARY, summary_ask=SummaryAsk.NEXT_STEPS, first_person=True)),
    # actions
    ("Draft improvement actions for Kingsmere's Section 42 enquiries", dict(intent=Intent.ACTIONS, authorities=(KM,))),
    # the misreadings this module used to make
    ("What feedback did people give about the complaints process?",
     dict(topic_statements=("Learning, improvement and innovation",))),  # "feedback" is not a "fee"
    ("What fees did Kingsmere pay home care providers?", dict(topic_statements=("Care provision, integration and continuity",))),
    ("Are there more people waiting for assessments in Eastholm?", dict(comparative=False)),  # "more" alone compares nothing
    ("Which council had the highest direct payment uptake?", dict(comparative=True, all_authorities=True, extremes="highest")),
    ("How many best interests assessors did Severn Marches commission?", dict(extremes="")),
]


@pytest.mark.parametrize("question, expected", ROWS, ids=[q[:60] for q, _ in ROWS])
def test_question_reads_as_planned(question, expected):
    plan = understand(question, NAMES)
    got = {field: getattr(plan, field) for field in expected}
    assert got == expected


@pytest.mark.parametrize("question, parts", [
    ("How many formal complaints did Kingsmere receive in 2023/24, and how many Ombudsman investigations were upheld?",
     ("How many formal complaints did Kingsmere receive in 2023/24", "how many Ombudsman investigations were upheld")),
    ("How many people were waiting at 31 January 2025? What was the net budget?",
     ("How many people were waiting at 31 January 2025", "What was the net budget")),
    ("What happened when Brightwell Homecare closed, and what did it show about contingency planning?",
     ("What happened when Brightwell Homecare closed", "what did it show about contingency planning")),
    ("How many unpaid carers were waiting for a carer's assessment in Kingsmere?", ()),
    ("What is the vacancy rate and how has it changed?", ()),  # one subject, one figure: not two questions
    # never inside a council's name (issue 26)
    ("How many people did Bournemouth, Christchurch and Poole support, and how many were waiting?",
     ("How many people did Bournemouth, Christchurch and Poole support", "how many were waiting")),
    ("How many calls did Hammersmith and Fulham answer and how many were abandoned?",
     ("How many calls did Hammersmith and Fulham answer", "how many were abandoned")),
])
def test_parts_of_a_question(question, parts):
    assert parts_of(question) == parts


def test_a_figure_part_is_never_cut_inside_a_name():
    """"How many ... and ..." asks for two things, unless the "and" is inside a council's name: one
    on the national list, or one of the library's own (fictional) names."""
    from assistant.answers.parts import PartAnswerer
    from assistant.evidence.sentences import SentenceSelector

    parts = PartAnswerer(SentenceSelector(lambda texts: [], lambda word: 1.0), retrieve=None, embed_query=None)
    one = "How many calls did Hammersmith and Fulham answer?"
    assert parts.coordinated(one) == [one]
    assert parts.coordinated("How many complaints and compliments did Kingsmere receive?") == [
        "How many complaints", "How many compliments did Kingsmere receive?"]
    names = AuthorityNames.from_authorities(["Eastholm and Westholm Council", KM])
    fictional = "How many carers did Eastholm and Westholm support?"
    assert len(parts.coordinated(fictional)) == 2  # the national list does not know the name
    assert parts.coordinated(fictional, names.spans(fictional)) == [fictional]
    assert understand("How many carers were waiting in Eastholm & Westholm?", names).authorities == (
        "Eastholm and Westholm Council",)


def test_library_names_come_before_the_national_list():
    """A library name a letter from a real council stays the library's (Bramley, not Bromley); a real
    council's whole name written out wins over a library name inside it."""
    names = AuthorityNames.from_authorities(["Bramley Borough Council", "Fulham Council", KM])
    assert understand("How many carers were waiting in Bramley?", names).authorities == ("Bramley Borough Council",)
    assert understand("How many carers were waiting in Bramley?", names).absent == ()
    assert understand("How many carers were waiting in Bromley?", names).absent == ("Bromley",)
    plan = understand("How many carers were waiting in Hammersmith and Fulham?", names)
    assert plan.authorities == () and plan.absent == ("Hammersmith and Fulham",)
    assert understand("How many carers were waiting in Fulham?", names).authorities == ("Fulham Council",)
    # Everyday words stay words for a library council on the national list too.
    reading = AuthorityNames.from_authorities(["Reading Borough Council", KM])
    assert understand("Reading the report, what did Kingsmere say?", reading).authorities == (KM,)
    assert understand("What was the vacancy rate in Reading?", reading).authorities == ("Reading Borough Council",)


def test_places_are_capitalised_names_where_a_council_would_stand():
    assert places_in("What is the wait in Westshire?") == ["Westshire"]
    assert places_in("Northbridge Council and its carers") == ["Northbridge"]
    assert places_in("What support is there for Black Caribbean people?") == []  # followed by a noun: not a place
    assert places_in("What happened in September?") == []
    assert places_in("Westshire is where?") == []  # the first word is capitalised whatever it is
    # An opening verb or question word is capitalised too, and is not part of the name it stands before.
    assert places_in("Summarise Harrowfield's report") == ["Harrowfield"]
    assert places_in("Summarise the Harrowfield report") == ["Harrowfield"]
    assert places_in("Compare Severn Marches's carers with ours") == ["Severn Marches"]
    assert places_in("Summarise the report") == []


def test_library_names_answer_to_the_national_list_of_names():
    names = AuthorityNames.from_authorities(["Durham County Council", "Kingston upon Hull City Council"])
    assert understand("What did carers say in County Durham?", names).authorities == ("Durham County Council",)
    assert understand("What is the vacancy rate in Hull?", names).authorities == ("Kingston upon Hull City Council",)
    assert understand("What is the vacancy rate in Hull?", names).absent == ()
