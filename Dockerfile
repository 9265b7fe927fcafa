# chainsim in a container: Debian 12, built by the repo's own script, run as a non-root user.
#   docker build -t chainsim .        (or podman build; `make docker`)
#   docker run -p 5000:5000 chainsim  (a node with demo wallets; dashboard at :5000/)
#   docker compose up                 (three nodes on 5000-5002 peering with each other)

FROM debian:12 AS build
WORKDIR /src
COPY . .
# Installs the build packages (apt) and builds the chainsim binary into build/, tests off.
RUN CHAINSIM_BUILD_ONLY=1 scripts/bootstrap

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 libsecp256k1-1 libyaml-cpp0.7 libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/chainsim chainsim
COPY --from=build /src/build/chainsim /usr/local/bin/chainsim
USER chainsim
WORKDIR /home/chainsim
EXPOSE 5000
ENTRYPOINT ["chainsim"]
CMD ["node", "--host", "0.0.0.0", "--port", "5000", "--demo-wallets", "3"]
