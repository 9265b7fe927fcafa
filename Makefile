# PyChain's make targets, for chainsim. Every target calls the repo's scripts; they install
# what is missing (Debian packages, npm packages) and build on first use.
#   make run        one node on :5000 with demo wallets (dashboard at http://127.0.0.1:5000/)
#   make node1      a node on :5001 that peers with :5002   } run both, in two terminals:
#   make node2      a node on :5002 that peers with :5001   } a two-node network
#   make test       every test (scripts/test)
#   make dashboard  rebuild the dashboard bundle with npm, then the binary that embeds it
#   make clean      remove build/ and runs/
#   make docker     build the container image (docker, else podman)
CHAINSIM := scripts/chainsim
DEMO ?= 3
POW_BITS ?= 16
NODE_FLAGS = --pow-bits $(POW_BITS) --demo-wallets $(DEMO)
IMAGE ?= chainsim
CONTAINER := $(shell command -v docker 2>/dev/null || command -v podman 2>/dev/null)

.PHONY: run node1 node2 test dashboard clean docker build

build:
	scripts/bootstrap

run:
	$(CHAINSIM) node --port 5000 $(NODE_FLAGS)

node1:
	$(CHAINSIM) node --port 5001 $(NODE_FLAGS) --peer 127.0.0.1:5002

node2:
	$(CHAINSIM) node --port 5002 $(NODE_FLAGS) --peer 127.0.0.1:5001

test:
	scripts/test

dashboard:
	scripts/build-dashboard
	scripts/bootstrap

clean:
	rm -rf build runs

docker:
	@test -n "$(CONTAINER)" || { echo "make docker: neither docker nor podman is installed" >&2; exit 2; }
	$(CONTAINER) build -t $(IMAGE) .
