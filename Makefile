# pidfdconf — conformance suite for the Linux pidfd API.
# Entry points: see README.md. Every target installs what it needs (as root) or
# stops with the exact command to run.

GO          ?= go
GINKGO      := $(GO) tool ginkgo
SUITES      := $(sort $(dir $(wildcard suites/*/*_suite_test.go)))
OUT         ?= out
# Kernel downloads and builds are cached by content hash here.
CACHE_DIR   ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pidfdconf
export CACHE_DIR

.PHONY: test lint vet unit suites suites-unprivileged conformance conformance-check catalogue bench soak role-binary
.DEFAULT_GOAL := test

## test: the project's own checks (README's test command, called by .ci/run)
test: lint vet unit suites suites-unprivileged conformance-check vm-smoke

## vet: also for i386, the other arch the VMs boot (the suites, what they link, and /init)
vet:
	$(GO) vet ./...
	GOARCH=386 CGO_ENABLED=0 $(GO) vet ./suites/... ./helpers/... ./internal/... ./cmd/... ./vm/guest/...

## lint: the GitHub workflows checked by actionlint (pinned in go.mod); shellcheck and pyflakes are
## off so the result does not depend on what else the machine has installed
lint:
	$(GO) tool actionlint -shellcheck= -pyflakes=

## unit: unit tests of helpers/, internal/, tools/ and vm/ (no suites); vm/ boots a real kernel, so a long -timeout
unit:
	$(GO) test -timeout 30m $(shell $(GO) list ./... | grep -v /suites/)

## role-binary: the suites' helper processes without the suites (cmd/pidfdconf-role); the suites
## start their helpers from it when PIDFDCONF_ROLE_BINARY names it, and re-execute themselves otherwise
ROLE_BIN := $(abspath $(OUT))/bin/pidfdconf-role
role-binary:
	@mkdir -p $(dir $(ROLE_BIN))
	CGO_ENABLED=0 $(GO) build -o $(ROLE_BIN) ./cmd/pidfdconf-role

## suites: every suite natively against the running kernel, one go test line each
suites: role-binary
	PIDFDCONF_ROLE_BINARY=$(ROLE_BIN) $(GO) test -count=1 $(addprefix ./,$(SUITES))

## suites-unprivileged: every suite again as uid/gid 65534 without capabilities (setpriv); fails on any FAIL
suites-unprivileged:
	tools/suites-unprivileged.sh "$(GO)" $(SUITES)

## conformance: the suites natively with a human summary and reports in $(OUT)/native
conformance: role-binary
	@mkdir -p $(OUT)/native
	PIDFDCONF_ROLE_BINARY=$(ROLE_BIN) $(GINKGO) -r --keep-going --fail-on-pending --fail-on-empty --timeout=30m \
		--output-dir=$(OUT)/native --json-report=report.json --junit-report=junit.xml suites

## catalogue: regenerate conformance/ from the spec tree and the spec comments
catalogue:
	$(GO) run ./tools/catalogue -write conformance

## conformance-check: fail when conformance/ is stale
conformance-check:
	$(GO) run ./tools/catalogue -check conformance

## bench: the suites timed against the kernel's own pidfd selftests (Debian linux-source), natively and in the vm-smoke VMs (bare boot, boot+suites, initramfs size), with budgets
bench:
	$(GO) run ./tools/bench -out $(OUT)/bench

## soak: the suites SOAK_N times natively and under stress-ng, the smoke VM kernels SOAK_VM_N times, the lsm-selinux column SOAK_SELINUX_N times; fails on any flake or leak (0 leaves a stage out)
SOAK_N         ?= 100
SOAK_VM_N      ?= 10
SOAK_SELINUX_N ?= 10
soak: role-binary
	@mkdir -p $(OUT)/bin
	$(GO) build -o $(OUT)/bin/soak ./tools/soak
	@$(if $(filter-out 0,$(SOAK_VM_N) $(SOAK_SELINUX_N)),$(VM_BUILD))
	PIDFDCONF_ROLE_BINARY=$(ROLE_BIN) $(OUT)/bin/soak -n $(SOAK_N) -vm-n $(SOAK_VM_N) -selinux-n $(SOAK_SELINUX_N) -go "$(GO)" -runner $(VM_RUNNER) -out $(OUT)/soak

# vm/ owns matrix, kernels, vm-smoke and bench.
include vm/vm.mk
