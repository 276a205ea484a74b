# appkeys-operator — developer entry points. `make help` lists them.
SHELL := /usr/bin/env bash
DOTNET ?= dotnet
CONFIGURATION ?= Release
SLN := Operator.sln
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

.PHONY: help
help: ## List targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-14s %s\n", $$1, $$2}'

.PHONY: restore
restore: ## Restore NuGet packages (locked: lock files must match)
	$(DOTNET) restore $(SLN) --locked-mode

.PHONY: build
build: restore ## Build everything (warnings are errors)
	$(DOTNET) build $(SLN) -c $(CONFIGURATION) --no-restore

.PHONY: test
test: build ## Run every test suite (unit, local API server, kubectl, operator scenarios)
	$(DOTNET) test $(SLN) -c $(CONFIGURATION) --no-build --logger "console;verbosity=normal" --results-directory TestResults --logger trx
	@bash hack/test-summary.sh TestResults

.PHONY: fmt
fmt: ## Format the code
	$(DOTNET) format $(SLN)

.PHONY: fmt-check
fmt-check: ## Fail when the code is not `dotnet format` clean
	$(DOTNET) format $(SLN) --verify-no-changes

.PHONY: manifests
manifests: ## Generate config/crd/bases/*.yaml from the C# API types
	$(DOTNET) run --project src/AppKeys.Operator -c $(CONFIGURATION) -- manifests --output config/crd/bases

.PHONY: run
run: ## Run the operator against an in-process local API server (samples applied; kubeconfig in .local/kubeconfig)
	$(DOTNET) run --project src/AppKeys.Operator -c $(CONFIGURATION) -- --local
