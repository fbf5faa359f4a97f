# Build stage: compile TypeScript and the native SQLite binding.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY domain domain
COPY handlers handlers
COPY projections projections
COPY infra infra
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and compiled code only, as a non-root user.
FROM node:20-bookworm-slim
# A 64 MB young generation: the engine keeps every user's folded training in memory (about 1 GB at 100,000 users),
# and with V8's default young generation the frequent scavenges over that heap set the query p99 (BENCHMARKS.md).
ENV NODE_ENV=production LMS_DATA=/data NODE_OPTIONS=--max-semi-space-size=64
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The web console's stylesheet and script, served from beside the sources (lms web, lms serve --http).
COPY --from=build /app/infra/web/assets infra/web/assets
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
ENTRYPOINT ["node", "dist/infra/cli/main.js"]
CMD ["serve"]
