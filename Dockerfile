# syntax=docker/dockerfile:1
# Pulse in one image: the API and the built dashboard served by one Node.js process.
#   docker build -t pulse .
#   docker run --init -p 3000:3000 -e SESSION_SECRET=... -e DATABASE_URL=postgres://pulse_app:...@... \
#     -e DATABASE_OWNER_URL=postgres://owner:...@... pulse      (docs/SECURITY.md, "The database login role")
# compose.yaml runs it next to PostgreSQL.

FROM node:20-slim AS base
RUN npm install -g pnpm@12.4.2
WORKDIR /app

# Build stage: install every workspace dependency from the lockfile, then build.
FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm build

# Runtime stage. The server runs its TypeScript through tsx (`pnpm start`), so the
# installed workspace is copied whole; files stay owned by root and read-only for the app.
# The dependencies were installed at build time: pnpm must not re-check or re-install them
# before running the script (it could not write to /app as the app user anyway).
FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PULSE_DATA_DIR=/data \
    pnpm_config_verify_deps_before_run=false
COPY --from=build /app /app
# Only the data folder is writable by the app user (the embedded database when no
# DATABASE_URL is set; with PostgreSQL it stays empty).
RUN mkdir -p -m 700 /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
CMD ["pnpm", "start"]
