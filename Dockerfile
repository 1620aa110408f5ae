# syntax=docker/dockerfile:1
# SCIM bridge image: build with `docker build -t scim-bridge .`, run with
#   docker run -p 8080:8080 -v scim-data:/data -e SCIM_TOKEN=… -e AAC_API_URL=… … scim-bridge
# Without AAC_API_URL / SERVER_API_URL the bridge runs its embedded simulators (demo mode, see BRIDGE-INTERFACE.md).

# ── build: compile TypeScript, generate the Prisma clients, then drop the dev dependencies ───────────────────────
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native addon from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Dependencies first, so this layer is cached while only sources change.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# --ignore-scripts: the image's npm 10 ignores package.json "allowScripts", so Prisma's own install scripts would try
# to download engine binaries the bridge does not use (JS engine + driver adapters). Run the two scripts we need by
# hand instead: the better-sqlite3 native build, and `prisma generate` (the project's postinstall, which needs the
# `prisma` dev dependency and writes the clients to src/store/generated/).
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild better-sqlite3 \
 && npm run db:generate

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# tsc compiles src/ including the generated clients into dist/ (their runtime lives in @prisma/client, a production
# dependency). After that the dev dependencies (prisma CLI, typescript, vitest, …) can go; --ignore-scripts keeps
# prune from re-running the postinstall, which would need the `prisma` CLI it is removing.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ── runtime ─────────────────────────────────────────────────────────────────────────────────────────────────────
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=file:/data/bridge.db
WORKDIR /app
# package.json: "type": "module" makes Node load dist/*.js as ES modules.
# prisma/<provider>/migrations: applied by the start-up migrator (src/store/migrator.ts finds them above dist/).
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/prisma ./prisma
# The application files stay root-owned and read-only to the process; only /data (the SQLite database and its WAL)
# is writable by the unprivileged `node` user (uid 1000) of the base image.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Operator commands run in the same image, e.g. `docker exec <container> node dist/cli/index.js --help`.
CMD ["node", "dist/main.js"]
