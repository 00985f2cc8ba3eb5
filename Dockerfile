# syntax=docker/dockerfile:1

# ---- build ----------------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /src
# The whole workspace: cargo reads every member's manifest even to build one package.
COPY . .
# Cache the registry and the target directory between builds (BuildKit). The binary is copied
# out in the same step, because cache mounts are not part of the image.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release -p usul-api --locked \
    && cp target/release/usul /usr/local/bin/usul

# ---- run ------------------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 usul \
    && useradd --system --uid 10001 --gid usul --home-dir /var/lib/usul --create-home --shell /usr/sbin/nologin usul
COPY --from=builder /usr/local/bin/usul /usr/local/bin/usul
# The working directory holds the SQLite file when USUL_DATABASE_URL is left at its default.
WORKDIR /var/lib/usul
USER usul:usul
ENV USUL_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://localhost:8080/readyz || exit 1
ENTRYPOINT ["usul"]
CMD ["serve"]
