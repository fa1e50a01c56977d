"""The one model-call helper (`assistant.llm.calling`) answers and action plans share: a model that
raises, times out or says nothing comes back as a labelled reason, never an exception, and both
callers cut their findings to the same budget. Models are LangChain's fakes or written here."""

from __future__ import annotations

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from assistant.actions.draft import draft_actions, plan_evidence, planned_findings
from assistant.actions.improvement_plan import ActionPlan
from assistant.actions.model_draft import draft_with_model, model_order
from assistant.answers.writers import ExtractiveAnswerer, GenerativeAnswerer
from assistant.chain import Assistant
from assistant.check.claims import MarkerStream
from assistant.llm import calling
from assistant.llm.prompts import NumberedFinding, load_prompt, number_findings, render_findings, template_tokens
from assistant.models import NOT_IN_REPORTS
from cqc.records import SearchFilter
from cqc.text.tokens import count_tokens
from config import Settings

KINGSMERE = SearchFilter(authorities=("Kingsmere Metropolitan Borough Council",))
QUESTION = "How long were people waiting for a Care Act assessment?"
REQUEST = "Draft improvement actions for Kingsmere on safeguarding"
TIMED_OUT = "TimeoutError: no reply within 5 s"


class Failing(BaseChatModel):
    """A chat model that writes `before` piece by piece (when streamed), then raises `error`."""

    error: Exception
    before: list[str] = []
    sent: list = []

    @property
    def _llm_type(self) -> str:
        return "failing-fake"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.sent.append(messages)
        raise self.error

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.sent.append(messages)
        for text in self.before:
            yield ChatGenerationChunk(message=AIMessageChunk(content=text))
        raise self.error


class Silent(BaseChatModel):
    """A chat model that ends its reply without a word, as servers do: streamed, one empty chunk
    that says it stopped (LangChain's fakes stream no chunk at all, which LangChain itself raises on)."""

    @property
    def _llm_type(self) -> str:
        return "silent-fake"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=""))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        yield ChatGenerationChunk(message=AIMessageChunk(content="", response_metadata={"finish_reason": "stop"}))


class Recording(FakeListChatModel):
    """A fake that keeps every prompt it was sent, by invoke or stream."""

    sent: list = []

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.sent.append(messages)
        return super()._call(messages, stop=stop, run_manager=run_manager, **kwargs)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.sent.append(messages)
        yield from super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs)


def _drain(pieces):
    shown = []
    while True:
        try:
            shown.append(next(pieces))
        except StopIteration as done:
            return shown, done.value


# -- the helper on its own ---------------------------------------------------------------------------
def test_a_model_that_raises_or_times_out_gives_its_failure_as_a_value():
    model = Failing(error=TimeoutError("no reply within 5 s"), sent=[])
    reply = calling.invoke(model, load_prompt("followup").format_messages(history="- q", question="And?"))
    assert reply.failed and reply.failure == TIMED_OUT and reply.text == ""
    assert reply.seconds >= 0
    shown, reply = _drain(calling.stream(model, []))
    assert shown == [] and reply.failure == TIMED_OUT


def test_a_stream_that_breaks_off_keeps_what_arrived_and_shows_it_through_the_filter():
    model = Failing(error=ConnectionError("connection reset"), before=["Waits were 74 days [", "1] and [", "9"], sent=[])
    shown, reply = _drain(calling.stream(model, [], show=MarkerStream({1}).feed))
    assert shown == ["Waits were 74 days ", "[1] and "]  # the half-written "[9" is never shown
    assert reply.text == "Waits were 74 days [1] and [9"
    assert reply.failure == "ConnectionError: connection reset"


def test_an_empty_reply_is_a_reply_not_a_failure():
    reply = calling.invoke(Silent(), [])
    assert not reply.failed and reply.text == ""
    shown, reply = _drain(calling.stream(Silent(), []))
    assert shown == [] and not reply.failed and reply.text == ""
    shown, reply = _drain(calling.stream(FakeListChatModel(responses=["ab"]), []))
    assert shown == ["a", "b"] and reply.text == "ab" and not reply.failed


def test_a_longer_question_leaves_fewer_tokens_for_findings_and_never_fewer_than_none():
    settings = Settings(llm_context_tokens=4096, llm_max_tokens=600)
    prompt = load_prompt("actions")
    short, long = "Safeguarding?", "Safeguarding of adults at risk of abuse and neglect in the borough?"
    assert calling.findings_budget(prompt, settings, short) - calling.findings_budget(prompt, settings, long) == (
        count_tokens(long) - count_tokens(short)
    )
    assert calling.findings_budget(prompt, settings, long) == (
        4096 - 600 - template_tokens(prompt) - count_tokens(long) - 409  # a tenth kept spare
    )
    assert calling.findings_budget(prompt, Settings(llm_context_tokens=900, llm_max_tokens=600), long) == 0


def test_model_name_is_the_models_own_name_else_its_class():
    from assistant.llm.backends import openai_compatible

    served = openai_compatible(Settings(answerer="openai", llm_model="test-model", llm_base_url="http://127.0.0.1:9/v1",
                                        llm_api_key="sk-test"))
    assert calling.model_name(served) == "test-model"
    assert calling.model_name(FakeListChatModel(responses=["x"])) == "FakeListChatModel"


# -- both callers -------------------------------------------------------------------------------------
def _answerer(store, model, settings=None) -> Assistant:
    generative = GenerativeAnswerer(model, settings or store.settings, "fake",
                                    fallback=ExtractiveAnswerer(Assistant(store).selector), reports=store.reports)
    return Assistant(store, answerer=generative)


@pytest.fixture(scope="module")
def no_model_plan(corpus_assistant):
    return draft_actions(corpus_assistant, question=REQUEST)


def test_a_timed_out_model_gives_the_quoted_answer_and_the_no_model_plan_each_labelled(corpus_store, corpus_assistant,
                                                                                        no_model_plan):
    quoted = Assistant(corpus_store).ask(QUESTION, scope=KINGSMERE)
    answer = _answerer(corpus_store, Failing(error=TimeoutError("no reply within 5 s"), sent=[])).ask(QUESTION, scope=KINGSMERE)
    assert answer.backend == f"extractive (the fake backend failed: {TIMED_OUT})"
    assert answer.answer == quoted.answer and [c.chunk_id for c in answer.citations] == [c.chunk_id for c in quoted.citations]

    plan = draft_actions(corpus_assistant, question=REQUEST, chat_model=Failing(error=TimeoutError("no reply within 5 s"), sent=[]),
                         backend_name="fake")
    assert plan.notes[-2:] == [f"The model could not be reached: {TIMED_OUT}",
                               "The fake model gave no usable actions; these are drafted without a model."]
    assert plan.backend == no_model_plan.backend and [i.action for i in plan.items] == [i.action for i in no_model_plan.items]


def test_an_empty_reply_gives_the_quoted_answer_and_the_no_model_plan_each_labelled(corpus_store, corpus_assistant,
                                                                                    no_model_plan):
    quoted = Assistant(corpus_store).ask(QUESTION, scope=KINGSMERE)
    assert not quoted.abstained
    answer = _answerer(corpus_store, Silent()).ask(QUESTION, scope=KINGSMERE)
    assert answer.backend == "quoted from the reports (the fake answer was empty)" and answer.answer == quoted.answer

    plan = draft_actions(corpus_assistant, question=REQUEST, chat_model=Silent())
    assert plan.notes[-2:] == ["The model's reply held no actions as JSON: ''",
                               "The Silent model gave no usable actions; these are drafted without a model."]
    assert [i.action for i in plan.items] == [i.action for i in no_model_plan.items]


def _fitting(findings, budget):
    """What `number_findings` keeps of `findings` within `budget`, worked out here independently:
    findings in order, each costing its rendering and two newlines, until one would overflow."""
    used, kept = 0, 0
    for n, (finding, excerpt) in enumerate(findings, 1):
        cost = count_tokens(NumberedFinding(n, finding, excerpt).render()) + 2
        if used + cost > budget:
            break
        used, kept = used + cost, kept + 1
    return kept


def test_both_callers_cut_their_findings_to_the_shared_budget(corpus_store, corpus_assistant, monkeypatch):
    """With the same settings each caller is given `findings_budget` of its own prompt and its
    question, and shows exactly the findings that fit it; at this context both are cut."""
    import assistant.actions.model_draft as action_model
    import assistant.answers.writers as answerers

    settings = Settings(store_dir=corpus_store.settings.store.dir, llm_context_tokens=1350, llm_max_tokens=600)
    cuts: dict[str, tuple] = {}

    def spying(caller):
        def number(findings, budget_tokens, excerpt=None):
            kept = number_findings(findings, budget_tokens, excerpt)
            cuts[caller] = ([(f, (excerpt or {}).get(f.chunk.chunk_id, ())) for f in findings], budget_tokens, kept)
            return kept
        return number

    monkeypatch.setattr(answerers, "number_findings", spying("answer"))
    monkeypatch.setattr(action_model, "number_findings", spying("actions"))

    _answerer(corpus_store, Recording(responses=["x"], sent=[]), settings).ask(QUESTION, scope=KINGSMERE)
    request, planned, shortfalls, retrieved = plan_evidence(corpus_assistant, question=REQUEST)
    plan = ActionPlan(authority=request.authority, quality_statement="", topic=request.topic, report_date="",
                      question=request.question)
    invoked = Recording(responses=['{"actions": []}'], sent=[])
    draft_with_model(invoked, plan, planned_findings(planned), shortfalls, retrieved, settings, 8)

    for caller, question in (("answer", QUESTION), ("actions", REQUEST)):
        offered, budget, kept = cuts[caller]
        assert budget == calling.findings_budget(load_prompt(caller), settings, question), caller
        assert 0 < len(kept) < len(offered), caller  # the budget does cut
        assert len(kept) == _fitting(offered, budget), caller
    assert render_findings(cuts["actions"][2]) in invoked.sent[0][-1].content
    assert model_order(planned_findings(planned), shortfalls, retrieved) == [f for f, _ in cuts["actions"][0]]


def test_a_context_too_small_for_any_finding_calls_neither_model(corpus_store, corpus_assistant):
    settings = Settings(store_dir=corpus_store.settings.store.dir, llm_context_tokens=900, llm_max_tokens=600)
    streamed = Recording(responses=["x"], sent=[])
    answer = _answerer(corpus_store, streamed, settings).ask(QUESTION, scope=KINGSMERE)
    assert answer.abstained and answer.answer == NOT_IN_REPORTS and streamed.sent == []

    request, planned, shortfalls, retrieved = plan_evidence(corpus_assistant, question=REQUEST)
    plan = ActionPlan(authority=request.authority, quality_statement="", topic=request.topic, report_date="",
                      question=request.question)
    invoked = Recording(responses=["x"], sent=[])
    items, notes = draft_with_model(invoked, plan, planned_findings(planned), shortfalls, retrieved, settings, 8)
    assert items == [] and notes == [calling.NOTHING_FITTED] and invoked.sent == []


def test_the_sentence_model_text_rests_on_is_the_closest_and_a_preferred_one_counts_one_word_more():
    """Both callers pick a cited finding's sentence this way: answers for the quote the app
    highlights, plans for an action's basis (preferring a shortfall sentence)."""
    from assistant.check.grounds import closest_sentence

    published, grew = "Waiting lists were published every month.", "Waiting lists grew and were not reduced."
    short = lambda s: "not" in s  # noqa: E731
    assert closest_sentence([published, grew], "waiting lists") == published  # the first of equals
    assert closest_sentence([published, grew], "waiting lists", prefer=short) == grew
    assert closest_sentence([published, grew], "Publish the waiting lists", prefer=short) == grew  # 3 against 2 + 1
    assert closest_sentence([published, grew], "Publish waiting lists every month", prefer=short) == published


def test_a_follow_up_rewrite_goes_through_the_same_call_and_a_failed_model_leaves_the_rule_based_rewrite():
    from assistant.question.followup import rewrite, rewrite_with_model
    from assistant.question.names import AuthorityNames

    names = AuthorityNames.from_authorities(["Eastholm City Council", "Kingsmere Metropolitan Borough Council"])
    history = ["How many people were waiting for a Care Act assessment in Kingsmere?"]
    down = Failing(error=TimeoutError("no reply within 5 s"), sent=[])
    assert rewrite_with_model(down, "What about carers?", history, names) == rewrite("What about carers?", history, names)
    assert down.sent  # the model was asked, through calling.invoke, and its failure did not escape
