# Build and run the server. Used by docker-compose.yml.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p prodsync-api --bin prodsync

FROM debian:bookworm-slim
COPY --from=build /src/target/release/prodsync /usr/local/bin/prodsync
COPY config /etc/prodsync
EXPOSE 3010
ENTRYPOINT ["prodsync", "--config", "/etc/prodsync/default.toml"]
CMD ["serve"]
