# The site as a container image: built in a Rust image, run in a small Debian one as an
# unprivileged user. Settings come from the environment (README, "Configuration"), e.g.
#   docker run --stop-timeout 45 -e DATABASE_URL=postgres://… -e BASE_URL=https://www.defus.org \
#       -e CLIENT_IP_HEADER=X-Forwarded-For -e TRUSTED_PROXIES=172.17.0.1 -p 3000:3000 defus
# (45 s to stop: an email being sent may take MAIL_SEND_TIMEOUT, 30 s; Docker's default is 10.)
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# .cargo/config.toml has the queries checked against the committed .sqlx data: no database needed.
RUN cargo build --release --locked && cp target/release/defus /usr/local/bin/defus

FROM debian:bookworm-slim
# curl for the health check; CA certificates for SMTP over TLS.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/defus --create-home defus
COPY --from=build /usr/local/bin/defus /usr/local/bin/defus
USER defus
WORKDIR /var/lib/defus
ENV BIND=0.0.0.0:3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
    CMD curl --fail --silent --output /dev/null http://127.0.0.1:3000/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/defus"]
