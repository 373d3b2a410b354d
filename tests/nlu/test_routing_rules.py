"""The front door's decision rules (bot/nlu/routing.py), with made-up signals: what each kind
of message gets, and why. The end-to-end figure is the routing evaluation (tests/routing)."""

from __future__ import annotations

from typing import List, Sequence, Tuple

import pytest

from bot.nlu import phrasing
from bot.nlu.routing import Kind, decide
from knowledge_base.documents import Chunk
from knowledge_base.search import Hit, SearchResult


def hit(doc: str, relevance: float, section: str = "") -> Hit:
    chunk = Chunk(
        id=f"{doc}#0",
        doc_id=doc,
        title=doc.replace("-", " ").title(),
        section=section,
        url=None,
        text="...",
        phrasings=("...",),
        lexical="...",
    )
    return Hit(chunk=chunk, relevance=relevance, rank_score=relevance, embedding=relevance, lexical=0.0)


def kb(*docs: Tuple[str, float]) -> SearchResult:
    return SearchResult(query="q", hits=[hit(d, r) for d, r in docs])


def route(
    text: str, ranking: Sequence[Tuple[str, float]], docs: Sequence[Tuple[str, float]] = (), entities: List[str] = ()
):
    return decide(text, list(ranking), list(entities), kb(*docs))


@pytest.mark.parametrize(
    "text, entities",
    [
        ("cancel my order", []),
        ("please cancel order 100235", ["order_number"]),
        ("kill my order", []),
        ("i don't want the order anymore, cancel it", []),
    ],
)
def test_requests_to_cancel_get_the_form(text, entities):
    decision = route(text, [("cancel_order", 0.99)], [("cancelling-an-order", 0.9)], entities)
    assert decision.kind == Kind.ACT and decision.intent == "cancel_order"


@pytest.mark.parametrize(
    "text",
    [
        "how does cancelling an order work",
        "is there a deadline to cancel something I bought",
        "can an order still be cancelled once it has shipped?",
    ],
)
def test_questions_about_cancelling_get_the_article_and_the_offer(text):
    decision = route(text, [("cancel_order", 0.99)], [("cancelling-an-order", 0.75), ("returns-policy", 0.5)])
    assert decision.kind == Kind.ANSWER and decision.doc.doc_id == "cancelling-an-order"
    assert decision.intent == "faq" and decision.offer == "cancel_order"


def test_a_question_about_their_own_order_is_asked_back():
    decision = route("can i cancel my order?", [("cancel_order", 0.99)], [("cancelling-an-order", 0.8)])
    assert decision.kind == Kind.CLARIFY and decision.offer == "cancel_order"


@pytest.mark.parametrize(
    "text", ["where is my order", "has my package shipped yet?", "I ordered a mug on Monday and nothing has arrived"]
)
def test_status_of_their_own_order_gets_the_form(text):
    decision = route(text, [("check_order", 1.0)], [("tracking-your-order", 0.7)])
    assert decision.kind == Kind.ACT and decision.intent == "check_order"


def test_a_problem_the_help_centre_answers_gets_the_article_and_the_offer():
    decision = route(
        "my account is locked after too many tries", [("open_ticket", 1.0)], [("account-and-password", 0.79)]
    )
    assert decision.kind == Kind.ANSWER and decision.offer == "open_ticket"


def test_a_problem_with_a_request_gets_the_ticket():
    decision = route(
        "my lamp arrived cracked, please sort it out", [("open_ticket", 1.0)], [("damaged-or-wrong-item", 0.7)]
    )
    assert decision.kind == Kind.ACT and decision.intent == "open_ticket"


def test_a_runner_up_action_that_is_clearly_asked_for_wins():
    decision = route(
        "delete my order", [("check_order", 0.82), ("cancel_order", 0.15)], [("privacy-and-data-deletion", 0.72)]
    )
    assert decision.kind == Kind.ACT and decision.intent == "cancel_order"


def test_frustration_always_reaches_a_person():
    decision = route(
        "this is useless, how does anything work here", [("frustrated", 0.99)], [("contact-and-business-hours", 0.9)]
    )
    assert decision.kind == Kind.ACT and decision.intent == "frustrated"


def test_asking_for_a_person_unless_it_was_a_question_the_help_centre_answers_outright():
    assert route("get me an agent", [("request_human", 1.0)], [("contact-and-business-hours", 0.5)]).kind == Kind.ACT
    shop = route("is there a shop i can visit in person", [("request_human", 0.91)], [("faq-physical-store", 0.9)])
    assert shop.kind == Kind.ANSWER and shop.doc.doc_id == "faq-physical-store"


def test_out_of_scope_is_answered_only_when_the_help_centre_clearly_answers():
    assert (
        route("remove my account please", [("out_of_scope", 0.6)], [("privacy-and-data-deletion", 0.56)]).kind
        == Kind.ANSWER
    )
    kept = route("write me a poem", [("out_of_scope", 1.0)], [("product-care", 0.2)])
    assert kept.kind == Kind.KEEP and kept.intent == "out_of_scope"
    unsure = route("blorp zog", [("greet", 0.3)], [("gift-cards", 0.1)])
    assert unsure.kind == Kind.KEEP and unsure.intent == "nlu_fallback"


def test_two_articles_within_the_margin_answer_with_a_see_also():
    decision = route(
        "do you ship to canada?", [("faq", 1.0)], [("shipping-times-and-costs", 0.72), ("international-shipping", 0.70)]
    )
    assert decision.kind == Kind.ANSWER and decision.see_also.doc_id == "international-shipping"


def test_faq_with_nothing_in_the_help_centre_says_so():
    assert route("do you sell bicycles", [("faq", 0.98)], [("faq-where-made", 0.2)]).kind == Kind.NO_ANSWER


def test_payloads_and_greetings_are_left_alone():
    assert route("/check_order", [("check_order", 1.0)], [("tracking-your-order", 0.9)]).kind == Kind.KEEP
    assert route("hi there", [("greet", 0.99)], [("contact-and-business-hours", 0.4)]).kind == Kind.KEEP


def test_phrasing_cues():
    assert phrasing.asks_how("my hoodie's seam came apart, does the guarantee cover it")
    assert phrasing.asks_how("how long is the return window") and not phrasing.asks_how("cancel my order")
    assert phrasing.asks_us("could you cancel my order please") and not phrasing.asks_us(
        "is normal wear and tear covered"
    )
    assert phrasing.evidence("check_order", "where is my order") and not phrasing.evidence(
        "check_order", "where is the shop"
    )
    assert phrasing.evidence("ticket_status", "is my support request still open")


def test_cancel_it_said_with_a_hesitant_stop_stays_stop():
    """Inside the ticket form "cancel it" means "stop": only an unmistakable request overrides it."""
    assert route("cancel it", [("stop", 0.66), ("cancel_order", 0.23)]).intent == "stop"
    inform = route(
        "cancel order 100235 my email is bob@example.com",
        [("inform", 0.56), ("cancel_order", 0.4)],
        entities=["order_number", "email"],
    )
    assert inform.kind == Kind.ACT and inform.intent == "cancel_order"


@pytest.mark.parametrize("text", ["مرحبا، أين طلبي؟", "주문은 어디에 있나요?"])
def test_a_script_the_model_was_not_trained_on_is_not_guessed(text):
    decision = route(text, [("affirm", 0.87)], [("tracking-your-order", 0.2)])
    assert decision.kind == Kind.KEEP and decision.intent == "nlu_fallback"
    assert route("👍", [("affirm", 0.9)]).intent == "affirm"  # an emoji is not a language


def test_japanese_is_read_not_refused():
    """Japanese is a language the model knows: its reading stands, and its cues count."""
    assert route("注文はどこですか？", [("check_order", 0.97)], [("tracking-your-order", 0.3)]).intent == "check_order"
    asked = route("注文をキャンセルしたいです", [("cancel_order", 0.95)], [("cancelling-an-order", 0.7)])
    assert asked.kind == Kind.ACT and asked.intent == "cancel_order"
    how = route("注文のキャンセル方法を教えてもらえますか", [("cancel_order", 0.9)], [("cancelling-an-order", 0.7)])
    assert how.kind in (Kind.ANSWER, Kind.CLARIFY)
    broken = route("届いたTシャツが破れていたので交換してください", [("open_ticket", 0.8), ("check_order", 0.15)])
    assert broken.kind == Kind.ACT and broken.intent == "open_ticket"  # "arrived" is not "where is it"


def test_a_social_reading_of_a_clear_help_centre_question_is_overruled():
    """However sure the model is that "can you gift wrap it" means stop, it is a question the help
    centre answers well; a real "stop" or a question it answers poorly keeps the model's reading."""
    wrap = route("can you gift wrap it", [("stop", 0.98)], [("faq-gift-wrapping", 0.75)])
    assert wrap.kind == Kind.ANSWER and wrap.doc.doc_id == "faq-gift-wrapping"
    assert route("stop", [("stop", 0.98)], [("faq-gift-wrapping", 0.75)]).intent == "stop"  # not a question
    assert route("what can you do?", [("capabilities", 0.99)], [("contact-and-business-hours", 0.4)]).intent == (
        "capabilities"
    )
    warranty = route("ランプの保証は何年？", [("capabilities", 0.99)], [("warranty-and-repairs", 0.8)])
    assert warranty.kind == Kind.ANSWER


def test_details_given_with_the_actions_words_start_that_action():
    both = route(
        "cancel order 100235 my email is bob@example.com", [("inform", 0.99)], entities=["order_number", "email"]
    )
    assert both.kind == Kind.ACT and both.intent == "cancel_order"
    assert route("100234", [("inform", 0.99)], entities=["order_number"]).intent == "inform"  # a form's answer
    assert route("my email is bob@example.com", [("inform", 0.99)], entities=["email"]).intent == "inform"
