"""Every command of `python -m bot`, given a bad path, file, id or setting, says what is
wrong in one line and exits non-zero: no traceback, and nothing written.

These run the real `python -m bot` in a process of its own, as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from bot.knowledge import default_knowledge_dir

GOOD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()


# {db}: a working database; {bin}: a file that is not a database; {dir}: a folder;
# {bad_json}: a file that is not JSON Lines; {missing}: a path whose folder does not exist;
# {latin1_facts}, {latin1_article}, {folder_lexicon}, {folder_documents}: copies of the
# knowledge folder with one file that is not UTF-8, or that is a folder.
CASES = [
    # Bad paths.
    Case("db is a folder", ("--db", "{dir}", "ask", "x")),
    Case("db is not a database", ("--db", "{bin}", "ask", "x")),
    Case("db folder cannot be made", ("--db", "/proc/factbot/x.db", "ask", "x")),
    Case("FACTBOT_DB is a folder", ("ask", "x"), (("FACTBOT_DB", "{dir}"),)),
    Case("FACTBOT_DB not a database", ("facts", "list"), (("FACTBOT_DB", "{bin}"),)),
    Case("chat on a bad db", ("--db", "{bin}", "chat")),
    # Each answering process finds the database bad: said once.
    Case("ask a stream on a bad db", ("--db", "{bin}", "ask", "--json", "--jobs", "3", "-")),
    Case("seed a bad db", ("--db", "{bin}", "seed")),
    Case("unanswered of a bad db", ("--db", "{bin}", "unanswered")),
    Case("sources of a bad db", ("--db", "{bin}", "sources", "list")),
    Case("backup of a bad db", ("--db", "{bin}", "backup", "{missing}")),
    Case("backup into no folder", ("--db", "{db}", "backup", "{missing}")),
    Case("backup over a file", ("--db", "{db}", "backup", "{db}")),
    Case("export into no folder", ("--db", "{db}", "facts", "export", "-o", "{missing}")),
    Case("knowledge not a folder", ("--knowledge", "{bin}", "ask", "x")),
    Case("knowledge folder empty", ("--db", "{db}", "--knowledge", "{dir}", "ask", "x")),
    Case("check a missing folder", ("--knowledge", "/nonexistent/knowledge", "check")),
    Case("knowledge file not UTF-8", ("--db", "{db}", "--knowledge", "{latin1_facts}", "ask", "x")),
    Case("article not UTF-8", ("--db", "{db}", "--knowledge", "{latin1_article}", "ask", "x")),
    Case("knowledge file a folder", ("--db", "{db}", "--knowledge", "{folder_lexicon}", "seed")),
    Case("documents list a folder", ("--db", "{db}", "--knowledge", "{folder_documents}", "seed")),
    # Bad files.
    Case("eval a missing file", ("--db", "{db}", "eval", "{missing}")),
    Case("eval a binary file", ("--db", "{db}", "eval", "{bin}")),
    Case("eval a folder", ("--db", "{db}", "eval", "{dir}")),
    Case("import not JSON", ("--db", "{db}", "facts", "import", "{bad_json}")),
    Case("import a binary file", ("--db", "{db}", "facts", "import", "{bin}")),
    Case("import a missing file", ("--db", "{db}", "facts", "import", "{missing}")),
    # Bad ids.
    Case("guild negative", ("--db", "{db}", "--guild", "-1", "ask", "x")),
    Case("guild too short", ("--db", "{db}", "--guild", "5", "facts", "list")),
    Case("guild not a number", ("--db", "{db}", "--guild", "abc", "ask", "x")),
    # "²" is a digit to str.isdigit(), and int() refuses it.
    Case("guild with a superscript", ("--db", "{db}", "--guild", "12345678901234567²", "ask", "x")),
    Case("show unknown fact", ("--db", "{db}", "facts", "show", "nope")),
    Case("edit unknown fact", ("--db", "{db}", "facts", "edit", "nope", "--statement", "x")),
    Case("remove unknown fact", ("--db", "{db}", "facts", "remove", "nope")),
    Case("restore unknown fact", ("--db", "{db}", "facts", "restore", "nope")),
    Case("history unknown fact", ("--db", "{db}", "facts", "history", "nope")),
    Case("attach unknown fact", ("--db", "{db}", "facts", "attach", "nope", "a question")),
    Case("attach an empty question", ("--db", "{db}", "facts", "attach", "sohr-airport", "")),
    Case("undo unknown change", ("--db", "{db}", "facts", "undo", "99999")),
    Case("undo not a number", ("--db", "{db}", "facts", "undo", "abc")),
    Case("undo the seeding", ("--db", "{db}", "facts", "undo", "1")),
    Case("add with unknown source", ("--db", "{db}", "facts", "add", "--statement", "A claim.",
                                     "--source", "nope", "--questions", "a thing|other thing")),
    Case("list unknown source", ("--db", "{db}", "facts", "list", "--source", "nope")),
    Case("add unnamed source", ("--db", "{db}", "sources", "add", " ")),
    # "\udcff": the byte 0xff on the command line, which is not UTF-8.
    Case("show an id that is not UTF-8", ("--db", "{db}", "facts", "show", "sohr\udcff")),
    Case("add a source not UTF-8", ("--db", "{db}", "sources", "add", "Zeb\udcffra")),
    Case("show a document not UTF-8", ("--db", "{db}", "documents", "show", "a\udcff")),
    Case("unknown command", ("--db", "{db}", "nope")),
    Case("unanswered bad limit", ("--db", "{db}", "unanswered", "--limit", "0")),
    # Bad settings.
    Case("run without a token", ("run", "--env-file", "{missing}"), (("DISCORD_TOKEN", ""),)),
    Case("run with a malformed token", ("run", "--env-file", "{missing}"),
         (("DISCORD_TOKEN", "abc"),)),
    Case("run with a bad log level", ("run", "--env-file", "{missing}"),
         (("DISCORD_TOKEN", GOOD_TOKEN), ("LOG_LEVEL", "loud"))),
    Case("run with a bad guild id", ("run", "--env-file", "{missing}"),
         (("DISCORD_TOKEN", GOOD_TOKEN), ("DISCORD_GUILD_ID", "5"))),
    Case("run with a superscript in the guild id", ("run", "--env-file", "{missing}"),
         (("DISCORD_TOKEN", GOOD_TOKEN), ("DISCORD_GUILD_ID", "12345678901234567²"))),
    Case("sync with a superscript in the mod role", ("sync", "--env-file", "{missing}"),
         (("DISCORD_TOKEN", GOOD_TOKEN), ("FACTBOT_MOD_ROLE", "12345678901234567²"))),
    Case("run on a bad database", ("run", "--env-file", "{missing}"),
         (("DISCORD_TOKEN", GOOD_TOKEN), ("FACTBOT_DB", "{bin}"),
          ("DISCORD_API_BASE", "http://127.0.0.1:9"), ("DISCORD_GATEWAY_URL", "ws://127.0.0.1:9"))),
]  # fmt: skip


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Ran]]:
    """Every case run once, two at a time (each is a fresh interpreter)."""
    folder = tmp_path_factory.mktemp("bad-input")
    places = {
        "db": folder / "factbot.db",
        "bin": folder / "binary.dat",
        "dir": folder / "a-folder",
        "bad_json": folder / "facts.jsonl",
        "missing": folder / "no-such-folder" / "file.jsonl",
    }
    places["bin"].write_bytes(b"\x00\x01\x02 not a database, not text \xff\xfe")
    places["dir"].mkdir()
    places["bad_json"].write_text("this is not json\n")
    broken = {
        "latin1_facts": ("facts.toml", "file"),
        "latin1_article": ("article.txt", "file"),
        "folder_lexicon": ("lexicon.toml", "folder"),
        "folder_documents": ("documents.toml", "folder"),
    }
    for name, (file, kind) in broken.items():
        copy = places[name] = folder / f"knowledge-{name}"
        shutil.copytree(default_knowledge_dir(), copy)
        target = copy / file
        if kind == "folder":
            target.unlink(missing_ok=True)
            target.mkdir()
        else:  # what an editor saving in Latin-1 leaves: "é" as one byte
            target.write_bytes(target.read_bytes() + "# café\n".encode("latin-1"))
    subprocess.run([sys.executable, "-m", "bot", "--db", str(places["db"]), "seed"], check=True)
    paths = {name: str(path) for name, path in places.items()}

    def run(case: Case) -> Ran:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FACTBOT_"))}
        env.update({k: v.format(**paths) for k, v in case.env})
        env["XDG_DATA_HOME"] = str(folder / "data")
        completed = subprocess.run(
            [sys.executable, "-m", "bot", *(a.format(**paths) for a in case.args)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            cwd=folder,
            timeout=120,
        )
        return Ran(completed.returncode, completed.stdout, completed.stderr)

    with ThreadPoolExecutor(max_workers=2) as pool:
        yield dict(zip((c.name for c in CASES), pool.map(run, CASES), strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_one_line_and_a_failing_exit(case: Case, outcomes: dict[str, Ran]) -> None:
    ran = outcomes[case.name]
    said = (ran.stdout + ran.stderr).strip()
    assert ran.returncode != 0, said
    assert "Traceback" not in said
    assert len(said.splitlines()) == 1, said
    assert said.startswith("Error: "), said
