# crosschat: multi-stage image. Build with `docker build -t crosschat .`, run with /data mounted
# (config.yaml, registration.yaml and the SQLite database live there); see README.md.

# ---- build: compile TypeScript and the native SQLite addon --------------------------------
FROM node:22-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The lock file and the local stand-in package first, so dependency layers are cached.
COPY package.json package-lock.json ./
COPY packages ./packages
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# ---- runtime ----------------------------------------------------------------------------
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    # Inside a container the homeserver reaches the bridge over the container network.
    CROSSCHAT_APPSERVICE_BIND_ADDRESS=0.0.0.0 \
    CROSSCHAT_DATABASE_PATH=/data/crosschat.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/packages ./packages
COPY package.json config.sample.yaml ./
RUN mkdir -p /data && chown node:node /data
# The image's unprivileged `node` user (uid 1000) runs the daemon.
USER node
VOLUME /data
EXPOSE 29340
# /health answers 200 while the daemon accepts transactions, 503 while it shuts down.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.CROSSCHAT_APPSERVICE_PORT || 29340) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["start", "-c", "/data/config.yaml", "-f", "/data/registration.yaml"]
