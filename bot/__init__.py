"""factbot: attributed answers about the rebel offensive on Aleppo (AFP, 30 November 2024)."""
