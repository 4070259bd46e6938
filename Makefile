# pidfdconf — conformance suite for the Linux pidfd API.
# Entry points: see README.md. Every target installs what it needs (as root) or
# stops with the exact command to run.

GO          ?= go
GINKGO      := $(GO) tool ginkgo
GOFMT       := $(shell $(GO) env GOROOT)/bin/gofmt
SUITES      := $(sort $(dir $(wildcard suites/*/*_suite_test.go)))
OUT         ?= out
# Kernel downloads and builds are cached by content hash here.
CACHE_DIR   ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pidfdconf
export CACHE_DIR
# OUT and the other variables a user sets reach recipes through the
# environment, quoted ("$$OUT"), never pasted into a shell line, so that
# quotes, $(…), backticks or ';' in a value stay text (vm/vm.mk does the
# same for its own). GO is the command to run go with, as CC is for cc.
export OUT

.PHONY: help test quick lint vet unit suites suites-unprivileged conformance conformance-check catalogue bench soak role-binary kselftest-install
.DEFAULT_GOAL := test

## help: every target with what it does (fails when a target has no "## target:" line)
help:
	@awk '/^## [a-z-]+:/ { line = substr($$0, 4); name = substr(line, 1, index(line, ":") - 1); \
		said[name] = 1; printf "  %-20s %s\n", name, substr(line, length(name) + 3) } \
		/^[a-z][a-z-]*:/ && !/:=/ { t = substr($$0, 1, index($$0, ":") - 1); if (!(t in said)) bad = bad " " t } \
		END { if (bad != "") { print "targets without a \"## target:\" line:" bad > "/dev/stderr"; exit 1 } }' $(MAKEFILE_LIST)

## test: the project's own checks (README's test command, called by .ci/run)
test: lint vet unit suites suites-unprivileged conformance-check vm-smoke

## quick: the inner loop, under a minute: vet, the unit tests that boot no VM, every suite natively
quick: vet role-binary
	$(GO) test -short $(UNIT_PKGS)
	$(ROLE_ENV) $(GO) test -count=1 $(addprefix ./,$(SUITES))

# What the VMs run is vetted for every arch they boot.
GUEST_PKGS := ./suites/... ./helpers/... ./internal/... ./cmd/... ./vm/guest/...

## vet: go vet, also for i386 and arm64, the other arches the VMs boot (the suites, what they link, and /init)
vet:
	$(GO) vet ./...
	GOARCH=386 CGO_ENABLED=0 $(GO) vet $(GUEST_PKGS)
	GOARCH=arm64 CGO_ENABLED=0 $(GO) vet $(GUEST_PKGS)

# staticcheck runs for i386 and arm64 from a host binary: `go tool` would build the tool itself for i386.
STATICCHECK = "$$OUT/bin/staticcheck"

## lint: gofmt, staticcheck (pinned in go.mod; also for i386 and arm64), actionlint on the workflows, every target in make help
lint:
	@$(MAKE) --no-print-directory help >/dev/null
	@unformatted=$$($(GOFMT) -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$unformatted" ]; then echo "gofmt: run gofmt -w on $$unformatted" >&2; exit 1; fi
	@mkdir -p "$$OUT/bin"
	$(GO) build -o $(STATICCHECK) honnef.co/go/tools/cmd/staticcheck
	$(STATICCHECK) ./...
	GOARCH=386 CGO_ENABLED=0 $(STATICCHECK) $(GUEST_PKGS)
	GOARCH=arm64 CGO_ENABLED=0 $(STATICCHECK) $(GUEST_PKGS)
	$(GO) tool actionlint -shellcheck= -pyflakes=

# Every package but the suites; -short (make quick) skips the tests that boot a VM or build the runner.
UNIT_PKGS = $(shell $(GO) list ./... | grep -v /suites/)

## unit: unit tests of helpers/, internal/, tools/ and vm/ (no suites); vm/ boots a real kernel, so a long -timeout
unit:
	$(GO) test -timeout 30m $(UNIT_PKGS)

## role-binary: cmd/pidfdconf-role and cmd/pidfdconf-role-c, the helper processes without the suites
# The suites start their helpers from them when PIDFDCONF_ROLE_BINARY and PIDFDCONF_ROLE_C_BINARY
# name them, and re-execute themselves otherwise. cmd/pidfdconf-role-c, the most started roles in C
# (role.CRoles), is built as in the VM images, with gcc and a static libc (installed when missing).
ROLE_BIN = "$$(realpath -m -- "$$OUT")/bin/pidfdconf-role"
ROLE_C_BIN = "$$(realpath -m -- "$$OUT")/bin/pidfdconf-role-c"
ROLE_ENV = PIDFDCONF_ROLE_BINARY=$(ROLE_BIN) PIDFDCONF_ROLE_C_BINARY=$(ROLE_C_BIN)
role-binary:
	$(GO) run ./tools/rolebin -out "$$OUT/bin"

## suites: every suite natively against the running kernel, one go test line each
suites: role-binary
	$(ROLE_ENV) $(GO) test -count=1 $(addprefix ./,$(SUITES))

## suites-unprivileged: every suite again as uid/gid 65534 without capabilities (setpriv); fails on any FAIL
suites-unprivileged: role-binary
	$(ROLE_ENV) tools/suites-unprivileged.sh "$(GO)" $(SUITES)

## conformance: the suites natively with a human summary and reports in $(OUT)/native
conformance: role-binary
	@mkdir -p "$$OUT/native"
	$(ROLE_ENV) $(GINKGO) -r --keep-going --fail-on-pending --fail-on-empty --timeout=30m \
		--output-dir="$$OUT/native" --json-report=report.json --junit-report=junit.xml suites

## catalogue: regenerate conformance/ from the spec tree and the spec comments
catalogue:
	$(GO) run ./tools/catalogue -write conformance

## conformance-check: fail when conformance/ is stale
conformance-check:
	$(GO) run ./tools/catalogue -check conformance

## bench: the suites timed against the kernel's own pidfd selftests (Debian linux-source), natively and in the vm-smoke VMs (bare boot, boot+suites, initramfs size), with budgets
bench:
	$(GO) run ./tools/bench -out "$$OUT/bench"

## soak: the suites SOAK_N times natively and under stress-ng, the smoke VM kernels SOAK_VM_N times, the lsm-selinux column SOAK_SELINUX_N times; fails on any flake or leak (0 leaves a stage out)
SOAK_N         ?= 100
SOAK_VM_N      ?= 10
SOAK_SELINUX_N ?= 10
export SOAK_N SOAK_VM_N SOAK_SELINUX_N
soak: role-binary
	@mkdir -p "$$OUT/bin"
	$(GO) build -o "$$OUT/bin/soak" ./tools/soak
	@$(if $(filter-out 0,$(SOAK_VM_N) $(SOAK_SELINUX_N)),$(VM_BUILD))
	$(ROLE_ENV) "$$OUT/bin/soak" -n "$$SOAK_N" -vm-n "$$SOAK_VM_N" -selinux-n "$$SOAK_SELINUX_N" -go "$(GO)" -runner $(VM_RUNNER) -out "$$OUT/soak"

## kselftest-install: the suites as the kselftest collection pidfdconf in INSTALL_PATH (ARCH=x86_64|i386|arm64), with the kernel's run_kselftest.sh unless INSTALL_PATH has one or KSELFTEST_RUNNER=0
# ARCH is the kernel's name for the target, as kselftest's own install takes it;
# empty builds for this machine. The check is tools/kselftest's test (make unit).
kselftest-install: export PIDFDCONF_INSTALL_PATH = $(INSTALL_PATH)
kselftest-install: export PIDFDCONF_KSELFTEST_ARCH = $(ARCH)
kselftest-install:
	@test -n "$$PIDFDCONF_INSTALL_PATH" || { echo "usage: make kselftest-install INSTALL_PATH=DIR [ARCH=x86_64|i386|arm64] [KSELFTEST_RUNNER=0]" >&2; exit 2; }
	$(GO) run ./tools/kselftest -install "$$PIDFDCONF_INSTALL_PATH" -arch "$$PIDFDCONF_KSELFTEST_ARCH" -runner=$(if $(filter 0,$(KSELFTEST_RUNNER)),false,true)

# vm/ owns matrix, kernels, vm-smoke and bench.
include vm/vm.mk
