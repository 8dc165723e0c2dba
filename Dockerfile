# syntax=docker/dockerfile:1
# Pulse in one image: the API and the built dashboard served by one Node.js process.
#   docker build -t pulse .
#   docker run --init -p 3000:3000 -e SESSION_SECRET=... -e DATABASE_URL=postgres://pulse_app:...@... \
#     -e DATABASE_OWNER_URL=postgres://owner:...@... pulse      (docs/SECURITY.md, "The database login role")
# compose.yaml runs it next to PostgreSQL; docs/DEPLOY.md has the image's size and cold start.

# Build stage: every workspace dependency from the lockfile, the dashboard (vite) and the
# server compiled to JavaScript (apps/server/build.ts), then the server's production
# dependencies alone deployed to /prod/server.
FROM node:20-slim AS build
RUN npm install -g pnpm@12.4.2
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm build
RUN pnpm --filter @pulse/server deploy --prod /prod/server

# Runtime stage: Node.js, the compiled server, its production dependencies and the built
# dashboard; no pnpm, no TypeScript loader, no devDependencies. The layout keeps the
# repository's folders (/app/apps/server, /app/apps/web/dist), where the server looks for
# the dashboard. Files stay owned by root and read-only for the app.
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PULSE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /prod/server/package.json /app/apps/server/package.json
COPY --from=build /prod/server/node_modules /app/apps/server/node_modules
COPY --from=build /src/apps/server/dist /app/apps/server/dist
COPY --from=build /src/apps/web/dist /app/apps/web/dist
# Only the data folder is writable by the app user (the embedded database when no
# DATABASE_URL is set; with PostgreSQL it stays empty).
RUN mkdir -p -m 700 /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
# Migrations run at start; `node apps/server/dist/migrate.js` runs them alone.
CMD ["node", "--enable-source-maps", "apps/server/dist/main.js"]
