# The Node.js release line: the one in .node-version, which CI runs the test suite on besides the
# machine's own Node and `npm run image:check` requires inside the image (a test keeps the two equal;
# docs/deploy.md says why this line).
ARG NODE_LINE=26

# Build, with dev dependencies: `tsc -b` builds the workspace packages (packages/*: the DMS simulator
# that --demo starts, and the YAML file toolkit), then scripts/bundle.ts bundles the exporter, those
# packages and its npm dependencies into dist/.
FROM node:${NODE_LINE}-bookworm-slim AS build
WORKDIR /app
# npm ci needs every workspace's package.json to match the lock file.
COPY package.json package-lock.json ./
COPY packages/yaml-files/package.json ./packages/yaml-files/
COPY packages/dms-simulator/package.json ./packages/dms-simulator/
RUN npm ci --ignore-scripts
COPY tsconfig.base.json tsconfig.build.json ./
COPY packages/yaml-files/tsconfig.build.json ./packages/yaml-files/
COPY packages/yaml-files/src ./packages/yaml-files/src
COPY packages/dms-simulator/tsconfig.build.json ./packages/dms-simulator/
COPY packages/dms-simulator/src ./packages/dms-simulator/src
COPY src ./src
COPY scripts/bundle.ts ./scripts/
RUN npm run build

# Run: the bundle and the production dependencies only, as the unprivileged node user.
FROM node:${NODE_LINE}-bookworm-slim
# VERSION follows package.json (test/deploy checks it); pass REVISION=$(git rev-parse --short HEAD) and
# SOURCE=<the URL of your copy of the repository> (the project has no canonical published home).
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="dms-datatrack-exporter" \
      org.opencontainers.image.description="Prometheus exporter for Alibaba Cloud DMS data-tracking tickets" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production DMS_EXPORTER_REVISION=${REVISION}
WORKDIR /app
# Production dependencies (npm ci needs every workspace's package.json), then the bundle. The bundle
# holds the workspace packages and all but one dependency: @alicloud/credentials, required from
# node_modules/ when a profile uses the default credential chain (src/dms/default-chain.ts).
COPY package.json package-lock.json ./
COPY packages/yaml-files/package.json ./packages/yaml-files/
COPY packages/dms-simulator/package.json ./packages/dms-simulator/
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config.yaml /etc/dms-datatrack-exporter/config.yaml
# Arguments given to `run` replace CMD, so `run IMAGE --log.level=debug` drops --config.file and the
# exporter falls back to its default, config.yaml in the working directory: point that at the same file.
RUN ln -s /etc/dms-datatrack-exporter/config.yaml /app/config.yaml
USER node
EXPOSE 10036
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:10036/-/healthy').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Absolute path: still starts when the runtime overrides the working directory (run -w, workingDir).
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["--config.file=/etc/dms-datatrack-exporter/config.yaml"]
