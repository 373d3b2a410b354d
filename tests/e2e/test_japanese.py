"""Japanese end to end: the real servers and model, over REST, the widget's socket and Telegram,
with the desk. The conversation's language comes from what the customer writes (or asks for, or
the client's language hint) and everything the assistant says follows it; English conversations
are unchanged."""

from __future__ import annotations

import re

import pytest

from bot.desk import auth
from bot.i18n.detect import has_japanese
from tests.channels.support import tracker, wait_until
from tests.channels.test_telegram_e2e import SECRET, PrivateChat
from tests.channels.webchat_client import WidgetClient
from tests.conftest import Chat
from tests.handoff.desk_client import Desk
from tests.mocks.telegram_api import user
from tests.stack import running_assistant

pytestmark = [pytest.mark.e2e, pytest.mark.model]

PASSWORD = "correct horse battery staple"
JA_DATE = re.compile(r"\d{1,2}月\d{1,2}日\([月火水木金土日]\)")


@pytest.fixture(scope="module")
def assistant(telegram_api, tmp_path_factory, model_path):
    env = {
        "TELEGRAM_BOT_TOKEN": telegram_api.token,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_URL": telegram_api.url,
    }
    with running_assistant(tmp_path_factory.mktemp("japanese"), model_path, env) as stack:
        yield stack


def language_slot(stack, sender_id: str):
    return tracker(stack.rasa_url, sender_id)["slots"].get("language")


def test_nobody_online_a_japanese_visitor_is_asked_for_an_email_in_japanese(assistant):
    # (first in the module: no agent has signed in yet, so nobody can answer)
    chat = Chat(assistant.rasa_url)
    question = chat.text("担当者と話したいです")
    assert "メールアドレス" in question and "[メール不要（このチャットで回答）]" in question
    opened = chat.text("hanako@example.jp にお願いします")
    assert re.search(r"チケット T-\d{6}", opened), opened
    assert "hanako@example.jp" in opened


def test_a_japanese_customer_is_answered_in_japanese_over_rest(assistant):
    chat = Chat(assistant.rasa_url)
    assert "Demo Shop のアシスタントです" in chat.text("こんにちは")
    assert language_slot(assistant, chat.sender_id) == "ja"

    # A help-centre question, answered from the Japanese article with its link.
    shipping = chat.text("送料っていくらかかりますか？")
    assert "https://shop.example.com/ja/help/shipping-times-and-costs" in shipping
    assert "参考記事" in shipping and "送料" in shipping

    # The order, with a full-width number; the answer in Japanese with a Japanese date.
    assert "ご注文番号" in chat.text("注文した商品の配送状況を知りたいです")
    assert "メールアドレス" in chat.text("１００２３４です")
    order = chat.text("alice@example.com")
    assert "発送済み" in order and "1Z999AA10123456784" in order
    assert JA_DATE.search(order), order

    # A ticket, every question and the confirmation in Japanese.
    assert "チケットを作成いたします" in chat.text("サポートチケットを作成してください")
    assert "詳しく" in chat.text("ファスナーが壊れました")
    # The order lookup verified alice@example.com: the ticket uses it instead of asking again.
    confirmation = chat.text("届いたジャケットのファスナーが二日で壊れてしまいました")
    assert re.search(r"チケット T-\d{6}「ファスナーが壊れました」を作成しました", confirmation), confirmation
    assert "alice@example.com" in confirmation


def test_english_in_a_new_conversation_is_unchanged(assistant):
    chat = Chat(assistant.rasa_url)
    assert "I'm the Demo Shop assistant" in chat.text("hi")
    assert "order number" in chat.text("where is my order?").lower()
    assert "email" in chat.text("100234").lower()
    answer = chat.text("alice@example.com")
    assert "shipped" in answer and re.search(r"Estimated delivery: \w+day \d+ \w+", answer)
    assert not has_japanese(answer)
    assert language_slot(assistant, chat.sender_id) == "en"


def test_the_customer_can_switch_language_both_ways(assistant):
    chat = Chat(assistant.rasa_url)
    assert has_japanese(chat.text("返品について教えてください"))
    assert "continue in English" in chat.text("English please")
    assert "order number" in chat.text("where is my order?").lower()
    assert language_slot(assistant, chat.sender_id) == "en"
    switched = chat.text("日本語でお願いします")
    assert "日本語でご案内します" in switched
    # Digits say nothing about the language: the form goes on in Japanese.
    assert "メールアドレス" in chat.text("100234")


def test_a_clients_language_hint_sets_a_new_conversation_only(assistant):
    chat = Chat(assistant.rasa_url)
    assert has_japanese(chat.text("/greet", metadata={"language": "ja-JP"}))
    english = Chat(assistant.rasa_url)
    assert "I'm the Demo Shop assistant" in english.text("hello there", metadata={"language": "ja-JP"})


def test_a_japanese_handoff_reaches_the_desk_and_the_agents_reply_goes_out_as_written(assistant):
    auth.add_agent("kenji@example.com", "Kenji", PASSWORD)
    desk = Desk(assistant.rasa_url)
    assert desk.login("kenji@example.com", PASSWORD).status_code == 200
    chat = Chat(assistant.rasa_url)
    chat.text("注文番号100234の荷物が届きません")
    handed = chat.text("担当者と話したいです")
    assert "サポート担当者におつなぎします" in handed, handed
    handoff = desk.handoff_for(chat.sender_id)
    detail = desk.get(f"/handoffs/{handoff['id']}").json()
    assert detail["context"]["customer"]["language"] == "ja"
    said = [e["text"] for e in detail["transcript"] if e["who"] == "customer"]
    assert "担当者と話したいです" in said
    assert desk.post(f"/handoffs/{handoff['id']}/claim").status_code == 200
    assert "サポート担当のKenjiが会話に参加しました" in chat.text("よろしくお願いします")
    reply = "お待たせいたしました。Kenjiです。配送状況を確認いたします。"
    assert desk.post(f"/handoffs/{handoff['id']}/messages", {"text": reply}).status_code == 201
    assert reply in chat.text("ありがとうございます")

    def listed_language():
        rows = [r for r in desk.get("/conversations").json()["conversations"] if r["sender_id"] == chat.sender_id]
        return rows[0]["language"] if rows else None

    assert wait_until(listed_language, timeout=30, what="the conversation in the desk's list") == "ja"


async def test_the_widget_in_japanese(assistant):
    client = WidgetClient(assistant.rasa_url)
    try:
        await client.connect()
        hint = {"metadata": {"webchat": {"language": "ja-JP"}}}
        greeting = await client.say("/greet", **hint)
        assert "Demo Shop のアシスタントです" in greeting.text
        assert "ご注文番号" in (await client.say("注文状況を確認したい", **hint)).text
        assert "メールアドレス" in (await client.say("１００２３４", **hint)).text
        answer = await client.say("alice@example.com", **hint)
        assert "発送済み" in answer.text and "1Z999AA10123456784" in answer.text
        (card,) = [meta["order_card"] for _, meta in answer.replies if "order_card" in meta]
        assert card["lang"] == "ja" and card["number"] == "100234"
        kb = await client.say("返品は何日以内ならできますか", **hint)
        assert "https://shop.example.com/ja/help/returns-policy" in kb.text
    finally:
        await client.close()


def test_telegram_in_japanese(assistant, telegram_api):
    chat = PrivateChat(assistant, telegram_api)
    chat.sender = {**user(chat.chat_id, first_name="花子", last_name="山田"), "language_code": "ja"}
    assert "Demo Shop のアシスタントです" in chat.text("こんにちは")
    assert "ご注文番号" in chat.text("注文した荷物はどこですか")
    assert "メールアドレス" in chat.text("１００２３４")
    answer = chat.text("alice@example.com")
    assert "発送済み" in answer and "1Z999AA10123456784" in answer
    assert language_slot(assistant, chat.sender_id) == "ja"
