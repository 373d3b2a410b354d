# The support assistant: one image for every role in the cluster (docker-compose.yml, docs/DEPLOY.md).
#   python -m bot db upgrade                      create / migrate the app database (one-shot)
#   python -m bot actions                         the action server (ACTIONS_PORT, 5055)
#   python -m bot run --servers 1 --no-actions    one Rasa server (PORT, 5005) -- the default command
# The image carries the trained model, so no container trains at start-up.
#
# Build: docker build -t support-assistant .
# torch is pinned in requirements.lock as the CPU build; PyPI's Linux wheel is the CUDA one, so the
# PyTorch CPU index is searched too. Override with --build-arg PIP_EXTRA_INDEX_URL=<your mirror>.

# --- build: packages (some need a compiler) and the model ---------------------------------------
FROM python:3.11-slim AS build

ARG PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_EXTRA_INDEX_URL=${PIP_EXTRA_INDEX_URL} \
    PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
WORKDIR /app

# The lock first, so a code change does not reinstall the packages. Same flags as `make install`
# (rasa 3.6 declares Python < 3.11; its dependencies are pinned in the lock).
COPY requirements.lock ./
RUN pip install --no-deps --ignore-requires-python -r requirements.lock \
 && python -c "import rasa, rasa_sdk, sentence_transformers, slack_bolt, telegram, bm25s, alembic, psycopg2, redis"

COPY . .

# Train at build time: the model's name is a hash of config.yml, domain.yml and data/, so at start
# `python -m bot run` finds it and does not train. The CLI sets umask 077: make the model readable
# by the runtime user. Drop what training leaves behind (Rasa's cache, var/).
RUN python -m bot train \
 && chmod -R a+rX models \
 && rm -rf var .rasa \
 && python -m compileall -q bot actions channels knowledge_base

# --- runtime ------------------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HOST=0.0.0.0 \
    ACTIONS_HOST=0.0.0.0 \
    PORT=5005 \
    ACTIONS_PORT=5055 \
    VAR_DIR=/app/var \
    HOME=/home/app \
    PATH=/opt/venv/bin:$PATH

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

# Code and model belong to root (read-only for the service); only var/ is the service's.
RUN mkdir -p /app/var && chown app:app /app/var && chmod 0700 /app/var

WORKDIR /app
USER app

# Knowledge-base index and anything else the processes write. Share one volume between the
# containers of a host so `kb ingest` once updates all of them.
VOLUME ["/app/var"]
EXPOSE 5005 5055

CMD ["python", "-m", "bot", "run", "--servers", "1", "--no-actions"]
