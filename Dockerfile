# syntax=docker/dockerfile:1
# SCIM bridge image: build with `docker build -t scim-bridge .`, run with
#   docker run -p 8080:8080 -v scim-data:/data -e SCIM_TOKEN=… -e AAC_API_URL=… … scim-bridge
# The image never falls back to demo mode: without AAC_API_URL / SERVER_API_URL it stops and says what is missing
# (BRIDGE_DEMO=0 below). `-e BRIDGE_DEMO=1` runs the embedded simulators for a try-out.
# Operator commands run in the same image: `docker exec <container> node dist/cli/index.js tokens create --name okta`.
# test/deploy/image.test.ts runs the same steps (build, prune, start) without Docker.

# ── build: compile TypeScript, generate the Prisma clients, then drop everything the runtime does not need ──────
FROM node:22-bookworm-slim AS build
# better-sqlite3 compiles its native addon from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Dependencies first, so this layer is cached while only sources change.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# --ignore-scripts: npm would otherwise run Prisma's own install scripts, which try to download engine binaries the
# bridge does not use (JS engine + driver adapters). Run the two scripts we need by hand instead: the better-sqlite3
# native build, and `prisma generate` (the project's postinstall; it writes the clients to src/store/generated/).
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild better-sqlite3 \
 && npm run db:generate

COPY tsconfig.json tsconfig.build.json ./
COPY scripts/prune-runtime.mjs ./scripts/prune-runtime.mjs
COPY src ./src
# tsc compiles src/, the generated clients included, into dist/. The generated clients import only
# @prisma/client/runtime/client (a production dependency) and the driver adapters. Then the dev dependencies go.
# --omit=optional as well: prisma and typescript are optional peer dependencies of @prisma/client, which npm marks
# "devOptional" and keeps with --omit=dev alone (they shipped in the runtime layer before). The only optional
# production packages are platform shims (pg-cloudflare for Cloudflare Workers, a Windows helper), unused here.
# --ignore-scripts keeps prune from re-running the postinstall, which would need the `prisma` CLI it removes.
# scripts/prune-runtime.mjs then drops the Prisma engines of other databases and better-sqlite3's build inputs
# (node_modules: about 350 MB with dev dependencies, 130 MB after prune, 42 MB after this step).
RUN npm run build \
 && npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && node scripts/prune-runtime.mjs node_modules \
 && rm -rf node_modules/.cache

# ── runtime ─────────────────────────────────────────────────────────────────────────────────────────────────────
FROM node:22-bookworm-slim AS runtime
# BRIDGE_DEMO=0: a container without upstream settings stops with the list of what is missing instead of
# provisioning into simulators nobody looks at (`npm start` outside the image keeps its demo default).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=file:/data/bridge.db \
    BRIDGE_DEMO=0
WORKDIR /app
# package.json: "type": "module" makes Node load dist/*.js as ES modules, and carries the `cli` script.
# prisma/<provider>/migrations: applied by the start-up migrator (src/store/migrator.ts finds them above dist/).
# scripts/cli.mjs: `npm run -s cli -- …` runs dist/cli/index.js here (no tsx in the image).
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/prisma ./prisma
COPY --chown=root:root scripts/cli.mjs ./scripts/cli.mjs
# The application files stay root-owned and read-only to the process; only /data (the SQLite database and its WAL)
# is writable by the unprivileged `node` user (uid 1000) of the base image.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080
# Liveness only (/healthz). Readiness (/readyz) belongs to the orchestrator: deploy/kubernetes/bridge.yaml.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
