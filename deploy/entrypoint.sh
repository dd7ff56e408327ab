#!/bin/sh
# The one image's entrypoint (deploy/Dockerfile): the first argument says which server this container is.
#   rasa      Rasa 3.6 with the baked-in model, our endpoints.yml / credentials.yml (the Helm chart mounts its own
#             over them), the HTTP API behind RASA_AUTH_TOKEN            (chart rasa: args: [rasa])
#   actions   the action server (bot.ops.action_server) on ACTION_PORT, default 5055  (chart rasa-action-server: args: [actions])
#   web       python -m bot.web on WEB_HOST:WEB_PORT, default 0.0.0.0:8000 (deploy/helm/web.yaml)
#   migrate   python -m bot migrate: Alembic to the latest schema        (deploy/helm/migrate-job.yaml)
#   anything else is run as given (e.g. `python -m bot staff add NAME`).
# Secrets come from the environment only: with several replicas, a secret each pod made for itself under var/
# (bot/security/kept_secrets.py, fine for `make run`) would differ between pods, so a missing one stops the container.
set -eu
cd /app

require() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    if [ -z "$value" ]; then
      echo "entrypoint: $name is not set (Kubernetes Secret qianjian-secrets, see docs/deploy.md)" >&2
      exit 64
    fi
  done
}

# The date override is for demos and tests; in production "today" is today in China Standard Time.
if [ -n "${ASSISTANT_TODAY:-}" ] && [ "${ALLOW_ASSISTANT_TODAY:-}" != "1" ]; then
  echo "entrypoint: ASSISTANT_TODAY=$ASSISTANT_TODAY is set; unset it in production (or ALLOW_ASSISTANT_TODAY=1 on a test cluster)" >&2
  exit 64
fi

role="${1:-rasa}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
  rasa)
    require DATABASE_URL REDIS_URL RASA_AUTH_TOKEN ASSISTANT_SECRET RASA_WEBHOOK_SECRET ACTION_SERVER_SECRET
    # bot.ops.rasa_server is rasa run, without TensorFlow for a model that uses none (docs/nlu.md). It passes
    # RASA_AUTH_TOKEN to Rasa itself, so the token is never on a command line.
    exec python -m bot.ops.rasa_server run --model models/qianjian.tar.gz --port "${RASA_PORT:-5005}" --enable-api \
      --credentials credentials.yml --endpoints endpoints.yml "$@"
    ;;
  actions)
    require DATABASE_URL ASSISTANT_SECRET ACTION_SERVER_SECRET
    # Answers only calls carrying ACTION_SERVER_SECRET (bot/ops/action_server.py).
    SANIC_HOST="${SANIC_HOST:-0.0.0.0}"
    export SANIC_HOST
    exec python -m bot.ops.action_server --port "${ACTION_PORT:-5055}" "$@"
    ;;
  web)
    require DATABASE_URL RASA_URL ASSISTANT_SECRET PUBLIC_BASE_URL RASA_WEBHOOK_SECRET
    WEB_HOST="${WEB_HOST:-0.0.0.0}"
    export WEB_HOST
    exec python -m bot.web "$@"
    ;;
  migrate)
    require DATABASE_URL
    exec python -m bot migrate "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
