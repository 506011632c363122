"""factbot: attributed answers about one news article, the one knowledge/article.toml names."""
