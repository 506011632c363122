"""Documents: the source texts facts quote, stored whole, each server's own beside the
curated ones.

- `records`: a document's fields and the checks on what a moderator supplies;
- `curated`: the documents of the knowledge folder, the article first;
- `table`: their rows in the database, their audit, and seeding the curated ones;
- `library`: what the front ends call: add, list, show, and verify a quote.
"""
