# factbot: the Discord bot, installed as a package (the knowledge ships inside the wheel).
#
#   docker build -t factbot .
#   docker run -d --name factbot --env-file .env -v factbot-data:/data factbot
#
# `docker stop` sends SIGTERM: the bot closes its gateway connection and the database, exit 0.

# -- build: a wheel of the project; pyproject maps knowledge/ to bot.knowledge_data -------
FROM python:3.11-slim AS build

# A C compiler, so that the wheel carries the matcher compiled (setup.py); the image that
# runs it needs none. Without one the wheel would still build, with the matcher as Python.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# README.md* so a checkout without the README (pyproject only warns) still builds.
COPY pyproject.toml setup.py README.md* ./
COPY bot/ bot/
COPY knowledge/ knowledge/
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# -- run: the installed wheel only, as an unprivileged user ------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FACTBOT_DB=/data/factbot.db

COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && groupadd --system --gid 10001 factbot \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /nonexistent \
       --shell /usr/sbin/nologin factbot \
    && mkdir -p /data \
    && chown 10001:10001 /data

# The database (with its WAL files and saved index) lives on a volume so it outlives the
# container.
VOLUME ["/data"]
# An empty, unwritable working directory: nothing is imported or read from it.
WORKDIR /app
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001

# Exec form, so Python is PID 1 and receives docker stop's SIGTERM itself.
CMD ["python", "-m", "bot", "run"]
