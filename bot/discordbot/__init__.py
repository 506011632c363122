"""The discord.py side of the bot: the only package that imports discord."""
