# syntax=docker/dockerfile:1
# Production image: compiled JavaScript, trimmed production dependencies, non-root user, data volume at /data.
# With MONGODB_URI (recommended; see docker-compose.yml) smx uses that server. Without it, smx runs the embedded
# FerretDB (SQLite) built in the first stage, with its files in the /data volume.

FROM golang:1.22-bookworm AS ferretdb
WORKDIR /src
COPY scripts/ferretdb/ ./
# build.sh vendors FerretDB and makes its `_id` lookups use its `_id` index (see the script).
RUN bash build.sh /out/smx-ferretdb

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script may download anything (mongodb-memory-server's would fetch a mongod).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY listeners ./listeners
COPY jobs ./jobs
COPY models ./models
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, without mongodb-memory-server (the image runs FerretDB or MONGODB_URI, never a
# downloaded mongod) and without type declarations, source maps and docs.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
  && npm rm mongodb-memory-server --omit=dev --no-audit --no-fund --ignore-scripts \
  && find node_modules \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' \) \
       -type f -delete

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 SMX_DATA_DIR=/data SMX_EMBEDDED_DB=ferretdb \
    SMX_FERRETDB_BIN=/usr/local/bin/smx-ferretdb
WORKDIR /app
COPY --from=ferretdb /out/smx-ferretdb /usr/local/bin/smx-ferretdb
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The data volume must be writable by the non-root user (a named volume copies this ownership on first use).
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
