# Build and run the server (and its demo page). Used by docker-compose.yml.
FROM node:20-bookworm AS web
WORKDIR /web
COPY clients/js/package.json clients/js/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY clients/js ./
RUN npm run build

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p prodsync-api --bin prodsync

FROM debian:bookworm-slim
COPY --from=build /src/target/release/prodsync /usr/local/bin/prodsync
COPY --from=web /web/dist /usr/share/prodsync/web
COPY config /etc/prodsync
ENV PRODSYNC_WEB_ROOT=/usr/share/prodsync/web
EXPOSE 3010
# SIGTERM closes sockets with 1012 and finishes requests in flight (shutdown_timeout_secs).
STOPSIGNAL SIGTERM
ENTRYPOINT ["prodsync", "--config", "/etc/prodsync/default.toml"]
CMD ["serve"]
