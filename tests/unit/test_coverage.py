"""What a server's facts come from: the outlets and the latest date of the documents
they cite, as /about, help and the answers' footer give them."""

from __future__ import annotations

from bot import compose
from bot.discordbot.replies import answer_embed
from bot.service import FactService
from tests.unit.test_checking import ONE, TWO, add_bridge, bridge_fact


def test_the_article_alone_is_what_a_new_server_knows(service: FactService) -> None:
    about = service.about(ONE)
    article = service.knowledge.article
    assert [d.id for d in about.documents] == [article.id]
    assert about.reach is not None
    assert about.reach.outlets == (article.outlet,) and about.reach.as_of == article.date


def test_a_later_document_from_another_outlet_moves_the_as_of(service: FactService) -> None:
    article = service.knowledge.article
    bridge = add_bridge(service, outlet="Wire Service", date="2031-01-05")
    # A document no fact cites is not yet what the server's answers come from.
    assert service.reach(ONE).outlets == (article.outlet,)
    service.add_fact(bridge_fact(bridge.id, "around two million dollars"), guild_id=ONE, actor="t")
    reach = service.reach(ONE)
    assert reach.outlets == (article.outlet, "Wire Service") and reach.as_of == "2031-01-05"
    line = f"From {article.outlet} and Wire Service reports, as of 5 January 2031"
    assert compose.reach_line(reach) == line
    result = service.ask("Did the bridge reopen?", ONE, log=False)
    assert result.reach == reach
    footer = answer_embed(result, article).footer.text
    assert footer == f"{line}. Events have moved on since. /about"
    help_reply = service.ask("hello", ONE, log=False)
    assert help_reply.outcome == "help" and "as of 5 January 2031" in help_reply.message
    # Another server still knows the article alone.
    assert service.reach(TWO).outlets == (article.outlet,)
    assert service.about(TWO).reach == service.reach(TWO)
