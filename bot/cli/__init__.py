"""The command line: ask, chat, check, eval, and every moderator operation.

Nothing here imports discord: `run` loads the Discord front end only when it is called,
so asking from the shell starts fast. One module a group of commands:

- `app`: the top command, its global options, and where every command is registered;
- `context`: what the commands share (the settings, the service, the server scope);
- `errors`: how every error a user can fix becomes one line (the group's class);
- `asking`: ask, chat, eval;  `facts`: the facts group and unanswered questions;
- `sources`, `documents`: their groups;  `admin`: check, seed, backup, run, sync.
"""

from bot.cli.app import main

__all__ = ["main"]
