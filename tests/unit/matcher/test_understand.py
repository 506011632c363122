"""The first stage: a Discord message becomes the questions it asks."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.knowledge import Chatter, Knowledge
from bot.matcher.understand import Ask, Reader


@pytest.fixture(scope="module")
def reader(knowledge: Knowledge) -> Reader:
    lexicon = knowledge.lexicon
    return Reader(lexicon.chatter, lexicon.stopwords | lexicon.light_words)


def texts(reader: Reader, message: str) -> list[str]:
    return [ask.text for ask in reader.read(message)]


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("did the rebels take the airport lol", "did the rebels take the airport"),
        ("@everyone how many civilians were killed?", "how many civilians were killed"),
        ("yo bot wat happend in aleppo", "what happend in aleppo"),
        ("hey guys 👋 did the rebels take the airport??? thx", "did the rebels take the airport"),
        ("ngl i'm lost, wat even is HTS", "what is hts"),
        ("sorry if dumb q but how big is aleppo", "how big is aleppo"),
        ("**did** the rebels take the ||airport||", "did the rebels take the airport"),
        ("why attack aleppo in the first place", "why attack aleppo"),
        ("what are the actual rebels saying", "what are the rebels saying"),
        ("she wants to know: did the airport fall", "did the airport fall"),
    ],
)
def test_chatter_and_internet_spelling_go(reader: Reader, message: str, question: str) -> None:
    assert texts(reader, message) == [question]


def test_the_asking_sentence_is_kept_and_chatter_sentences_dropped(reader: Reader) -> None:
    message = "is anything open in the city? my aunt needs paperwork done 😩"
    assert texts(reader, message) == ["is anything open in the city"]


def test_two_questions_in_one_message_are_both_read(reader: Reader) -> None:
    message = "did the rebels take the airport? and how many civilians were killed?"
    assert texts(reader, message) == [
        "did the rebels take the airport",
        "how many civilians were killed",
    ]


def test_two_questions_joined_by_and_are_read_apart(reader: Reader) -> None:
    message = "who is rami abdel rahman and why does everyone quote him"
    assert texts(reader, message) == ["who is rami abdel rahman", "why does everyone quote him"]
    # A question word after "and" inside one question is not a second question.
    assert texts(reader, "rebels and who else took part") == ["rebels and who else took part"]
    assert texts(reader, "how many killed and how") == ["how many killed and how"]


def test_a_short_follow_up_takes_its_subject_from_the_sentence_before(reader: Reader) -> None:
    message = "mohamed hammadi — who is he? his quote is going viral"
    assert texts(reader, message) == ["mohamed hammadi who is he"]


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("my friend says 100 civilians got killed, is that right", "100 civilians got killed"),
        ("saw on tiktok that 500 soldiers are dead. legit?", "500 soldiers are dead"),
        ("a guy on twitter said only 50 rebels died", "only 50 rebels died"),
        ("rebels lost 300 fighters true?", "rebels lost 300 fighters"),
        ("16 or 60 civilians dead?", "16 or 60 civilians dead"),
        ("ppl r saying the govt left b4 the fight?", "the government left before the fight"),
        # A tag question or a bare "yeah?" after a claim asks to confirm it.
        ("the truce dates from 2018 hasnt it", "the truce dates from 2018"),
        ("the army lost hundreds of soldiers yeah?", "the army lost hundreds of soldiers"),
    ],
)
def test_claims_to_check_are_marked(reader: Reader, message: str, question: str) -> None:
    (ask,) = reader.read(message)
    assert ask.text == question
    assert ask.checking


def test_a_question_about_a_claim_is_not_hearsay(reader: Reader) -> None:
    (ask,) = reader.read("what did the rebel guy say about the airport")
    assert not ask.checking
    assert ask.text == "what did the rebel guy say about the airport"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("how many civilians were killed", "count"),
        ("body count on the regime side?", "count"),
        ("what date did the airport fall", "date"),
        ("when did the siege end", "time"),
        ("how long is the front line", "duration"),
        ("who took the airport", "agent"),
        ("who is rami abdel rahman", "identity"),
        ("who said the battles stretch over 100km", "claimant"),
        ("what does hts stand for", "expansion"),
        ("whats the turkish fm called", "name"),
        ("why did the soldiers abandon the airport", "reason"),
        ("how come nobody stopped them", "reason"),
        ("who called for an end to the bombing", "agent"),
        ("were diplomats hurt when the consulate was attacked", "other"),
        ("did the rebels take the airport", "other"),
    ],
)
def test_what_a_question_asks_for(reader: Reader, message: str, kind: str) -> None:
    (ask,) = reader.read(message)
    assert ask.kind == kind


def test_a_sentence_that_does_not_ask_can_say_what_is_wanted(reader: Reader) -> None:
    (ask,) = reader.read("which 5 districts did they take? need the names")
    assert ask.kind == "name"


@pytest.mark.parametrize(
    "message", ["hi", "gm everyone ☀️", "help", "what can i ask you?", "hey bot how are you today"]
)
def test_greetings_and_questions_about_the_bot_ask_for_help(reader: Reader, message: str) -> None:
    assert reader.read(message) == (Ask("", "help"),)


@pytest.mark.parametrize("message", ["", "   ", "😭😭", "<@123456789012345678>", "lol lmao"])
def test_a_message_with_nothing_in_it_asks_nothing(reader: Reader, message: str) -> None:
    assert reader.read(message) == ()


def test_chatter_is_data_not_code() -> None:
    """With no chat language loaded, a message is read word for word."""
    plain = Reader(Chatter())
    assert [a.text for a in plain.read("yo bot wat happend lol")] == ["yo bot wat happend lol"]


def test_a_chatter_word_never_eats_part_of_a_word(reader: Reader) -> None:
    assert texts(reader, "what did france say") == ["what did france say"]
    assert texts(reader, "did the rebels hold it for years") == ["did the rebels hold it for years"]


def test_small_talk_before_a_bare_topic_leaves_the_topic_readable(reader: Reader) -> None:
    asks = texts(reader, "long time lurker, first post. rebel losses")
    assert asks[-1] == "rebel losses"
    assert len(asks) == 2


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        ("this channel is dead today xD wait the consulate got hit??", ["the consulate got hit"]),
        (
            "how many injured in the new strikes cheers mate <3",
            ["how many injured in the new strikes"],
        ),
        ("where is the front lmao no clue", ["where is the front"]),
        ("rebels at the citadel pues, asking for a friend", ["rebels at the citadel"]),
    ],
)
def test_interjections_end_a_thought(reader: Reader, message: str, questions: list[str]) -> None:
    assert texts(reader, message) == questions


def test_a_short_question_after_small_talk_marks_the_small_talk_as_a_lead_in(
    reader: Reader,
) -> None:
    (ask,) = reader.read("one for whoever knows 🙏 how wide is the offensive?")
    assert ask.text == "one for whoever knows how wide is the offensive"
    assert ask.text.split()[ask.lead :] == ["how", "wide", "is", "the", "offensive"]
    assert ask.kind == "duration"


def test_help_beside_a_question_comes_after_it(reader: Reader) -> None:
    asks = reader.read("pro government radio report aleppo\nhelp pls 😅")
    assert [a.kind for a in asks] == ["other", "help"]
    assert asks[0].text == "pro government radio report aleppo"


def test_a_sentence_the_base_knows_nothing_of_is_chatter(reader: Reader) -> None:
    def knows(words: Sequence[str]) -> bool:
        return bool({"observatory", "director", "airport"} & set(words))

    message = "tap tap, is this thing on? ok cool. observatory director name"
    assert [a.text for a in reader.read(message, knows)] == ["observatory director name"]
    # Without the base's judgement, the sentence that asks wins.
    assert texts(reader, message) == ["tap tap is this thing on"]


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("*sips tea* *checks notes* who took the airport", "who took the airport"),
        ("who took the airport? anyone? anyone?", "who took the airport"),
        ("who took the airport jfkdlsjf my brain is soup", "who took the airport"),
        ("was the airport taken question mark end message", "was the airport taken"),
        ("what does the video show, i cant open twitter at work", "what does the video show"),
    ],
)
def test_asides_around_a_question_go(reader: Reader, message: str, question: str) -> None:
    assert texts(reader, message)[0] == question


@pytest.mark.parametrize(
    ("message", "checking"),
    [
        ("rebels took 3 districts?", True),
        ("did 500 civilians die", True),
        # A figure inside a question that asks something else is the asker's premise.
        ("of the 100 dead how many were militiamen", False),
    ],
)
def test_a_figure_put_forward_is_checked(reader: Reader, message: str, checking: bool) -> None:
    (ask,) = reader.read(message)
    assert ask.checking is checking
