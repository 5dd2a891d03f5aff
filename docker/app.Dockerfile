# syntax=docker/dockerfile:1
# Any app's image, bundled into one ES module that plain `node` runs. Build context: the repository
# root; APP: the app's directory under apps/ (`docker compose build auth`, or
# `docker build -f docker/app.Dockerfile --build-arg APP=auth .`). The image sets no host or port:
# the app reads <APP>_HOST and <APP>_PORT at run time (docker-compose.yml sets them; with plain
# `docker run`, pass `-e AUTH_HOST=0.0.0.0`, or the app listens on 127.0.0.1 only).

FROM node:20-bookworm-slim AS build
RUN npm install --global pnpm@12.4.2
WORKDIR /repo
# The lockfile alone decides what is downloaded: this layer stays cached until dependencies change,
# and is shared by every app's image because APP is declared only below it.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
ARG APP
RUN test -f "apps/${APP}/package.json" || { echo "Set --build-arg APP to a directory of apps/ (got '${APP}')" >&2; exit 1; }
# This app (named by its package.json), the workspace packages it uses, and the bundler (esbuild, in
# @revoke/stack).
RUN pnpm install --offline --frozen-lockfile \
      --filter "$(node -p "require('./apps/${APP}/package.json').name")..." --filter @revoke/stack
WORKDIR /repo/apps/${APP}
RUN pnpm run build --no-link
# What the bundle leaves out (native addons, WebAssembly), at the versions it was built against.
WORKDIR /repo/apps/${APP}/dist
RUN npm install --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ARG APP
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=build /repo/apps/${APP}/dist ./dist
# Without DATABASE_URL the app keeps an embedded PGlite database under .data/, writable by `node`.
RUN mkdir .data && chown node:node .data
USER node
CMD ["node", "dist/index.js"]
