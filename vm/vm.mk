# vm/: kernels → image → boot → judge → report → gate (see vm/doc.go).
# Included by the top Makefile, which sets GO, OUT and exports CACHE_DIR.
#
#   make matrix                          host + Debian's newest 6.1, 6.12 and 7.x (trixie-backports) cloud kernels
#   make matrix KERNELS="file:bzImage"   any kernel specs: host file:PATH apt:[ARCHIVE/]PACKAGE build:X.Y|latest:CONFIG
#   make matrix KERNELS="apt:sid/linux-image-*-cloud-amd64 build:7.3:minimal"   other Debian archives
#   make matrix CONFIGS=all              the default matrix + the config matrix built from the newest linux-source
#   make matrix KERNELS=none CONFIGS=minimal,no-proc   only some configs (names: vm/configs/configs.go)
#   make matrix KERNELS=file:bzImage APPEND=rdinit=/nonexistent   a broken boot: MISS + console tail, exit 2
#   make kernels [KERNELS=…] [CONFIGS=…] fetch/build into $(CACHE_DIR) only
#   make matrix BASELINE=out/<run>/matrix.json [BASELINE_MAP=old=new,...]   regressions against an earlier run
#                                        first; exit 1 only on a regression (regressions.{txt,json} in the run dir)
#   make matrix VM_FLAGS="-shard 2/4"    every 4th kernel column from the 2nd (one machine of four)
#   make merge SHARDS="a/matrix.json b/matrix.json" [MERGED=$(OUT)/merged] [BASELINE=…]   one matrix from shards
#   make matrix KERNELS=tree:$HOME/linux[:CONFIG]   a kernel source tree (git checkout or tarball), built out of tree
#   make bisect-run KERNEL_TREE=$HOME/linux SPEC='open: pidfd_open(2) *' [GOOD=v6.11 BAD=v6.12] [TREE_CONFIG=minimal]
#                                        git bisect run over the tree, judging the specs matching SPEC on each commit
#   make vm-smoke                        Debian's 6.1 and newest 7.x kernels only (part of make test)
#   make kselftest-vm [KERNELS=…] [ARCH=arm64|i386|x86_64]   the suites, and again under the kernel's
#                                        run_kselftest.sh in a busybox guest (default: newest arm64 and +compat)
#   make matrix VM_FLAGS="-strict -timeout=20m -jobs=1"   more runner flags (out/bin/pidfdconf-vm matrix -h)
#   PIDFDCONF_ALLOW_MISSING=… / PIDFDCONF_TIME_SCALE=…   passed through to the guests
#
# Exit codes: 0 all PASS/SKIP/XFAIL, 1 FAIL/TIMEOUT, 2 MISS, 3 usage/setup error.

.PHONY: matrix kernels vm-smoke merge bisect-run kselftest-vm

# The user's variables reach recipes only through the environment, quoted
# ("$$KERNELS"), never pasted into a shell line: a value holding quotes,
# $(…), backticks or ';' arrives at the runner as the text it is. Lists of
# more arguments (VM_FLAGS, SHARDS, MUTANT_FLAGS) go in PIDFDCONF_VM_ARGS,
# which the runner splits into words as a shell would, expanding nothing.
KERNELS   ?=
CONFIGS   ?=
APPEND    ?=
VM_FLAGS  ?=
# SELFTESTS=0: no cross-check with the kernel's own pidfd selftests.
SELFTESTS ?= 1
# BASELINE: matrix.json of an earlier run; BASELINE_MAP=old=new pairs differently named columns.
BASELINE     ?=
BASELINE_MAP ?=
export KERNELS CONFIGS APPEND SELFTESTS BASELINE BASELINE_MAP

# Built (not `go run`) so the runner's exit code reaches the shell intact.
# VM_RUNNER is a shell word for recipes ($OUT is in their environment).
VM_RUNNER  = "$$OUT/bin/pidfdconf-vm"
VM_BUILD   = $(GO) build -o $(VM_RUNNER) ./vm/cmd/pidfdconf-vm
VM_ARGS    = -kernels "$$KERNELS" -configs "$$CONFIGS" -selftests=$(if $(filter 0,$(SELFTESTS)),false,true)
MATRIX_ARGS = $(if $(BASELINE),-baseline "$$BASELINE" -baseline-map "$$BASELINE_MAP")

## matrix: the suites in VMs across kernels/configs; reports in $(OUT)/<run>/
matrix: export PIDFDCONF_VM_ARGS = $(VM_FLAGS)
matrix:
	@$(VM_BUILD)
	$(VM_RUNNER) matrix $(VM_ARGS) -out "$$OUT" -append "$$APPEND" $(MATRIX_ARGS)

## merge: combine the matrix.json of shards (SHARDS=…) into one matrix in $(MERGED)
SHARDS ?=
MERGED ?= $(OUT)/merged
export MERGED
merge: export PIDFDCONF_VM_ARGS = $(SHARDS)
merge:
	@$(VM_BUILD)
	$(VM_RUNNER) merge -out "$$MERGED" $(MATRIX_ARGS)

## bisect-run: `git bisect run` over KERNEL_TREE, one runner step per commit (exit 0 good, 1 bad, 125 skip)
# make exits 2 on any failed recipe, so it cannot be the step itself: it
# drives git bisect with the runner, whose exit code git sees unchanged.
# GOOD and BAD start the bisection; without them it must be started already.
# git runs through the runner's tree-git: the tree's hooks, fsmonitor and
# filters would otherwise run on every checkout, as whoever runs make. The
# step is `env RUNNER …`: git bisect run hands a first word with shell
# characters to sh, and $OUT may hold them.
KERNEL_TREE ?=
SPEC        ?=
TREE_CONFIG ?= minimal
GOOD        ?=
BAD         ?=
export KERNEL_TREE SPEC TREE_CONFIG GOOD BAD
bisect-run:
	@test -n "$$KERNEL_TREE" -a -n "$$SPEC" || { echo "usage: make bisect-run KERNEL_TREE=DIR SPEC='suite: spec text glob' [GOOD=rev BAD=rev] [TREE_CONFIG=minimal]" >&2; exit 2; }
	@$(VM_BUILD)
	$(if $(GOOD)$(BAD),$(VM_RUNNER) tree-git "$$KERNEL_TREE" bisect start $(if $(BAD),"$$BAD") $(if $(GOOD),"$$GOOD"))
	runner=$$(realpath -- $(VM_RUNNER)) && tree=$$(realpath -- "$$KERNEL_TREE") && out=$$(realpath -m -- "$$OUT/bisect") && \
		"$$runner" tree-git "$$tree" bisect run env "$$runner" bisect-run -root "$$PWD" \
		-kernel "tree:$$tree:$$TREE_CONFIG" -focus "$$SPEC" -out "$$out"

## kselftest-vm: the suites in VMs of KERNELS (default: Debian's newest arm64 and compat columns), and again as a lab runs them: make kselftest-install's collection under the kernel's run_kselftest.sh in a busybox guest, compared spec by spec (ARCH=x86_64|i386|arm64: every column's userspace)
# The kselftest row of each column is PASS only when run_kselftest.sh exits 0
# and kunit_parser.py reads every spec with the column's own verdict.
KSELFTEST_KERNELS = apt:trixie-backports/linux-image-*-cloud-arm64 apt:trixie-backports/linux-image-*-cloud-amd64+compat
kselftest-vm: export PIDFDCONF_VM_ARGS = $(VM_FLAGS)
kselftest-vm: export PIDFDCONF_KSELFTEST_KERNELS = $(or $(KERNELS),$(KSELFTEST_KERNELS))
kselftest-vm: export PIDFDCONF_KSELFTEST_ARCH = $(ARCH)
kselftest-vm:
	@$(VM_BUILD)
	$(VM_RUNNER) matrix -kernels "$$PIDFDCONF_KSELFTEST_KERNELS" -configs "$$CONFIGS" -selftests=$(if $(filter 0,$(SELFTESTS)),false,true) \
		-kselftest -kselftest-arch "$$PIDFDCONF_KSELFTEST_ARCH" -out "$$OUT" -append "$$APPEND"

## kernels: fetch/build the kernels of the matrix into the cache
kernels:
	@$(VM_BUILD)
	$(VM_RUNNER) kernels $(VM_ARGS)

## vm-smoke: the suites in VMs on Debian's 6.1 and newest kernels (fails on FAIL or MISS)
vm-smoke: export PIDFDCONF_VM_ARGS = $(VM_FLAGS)
vm-smoke:
	@$(VM_BUILD)
	$(VM_RUNNER) matrix -smoke -out "$$OUT/vm-smoke"

## mutants: kernel mutations (vm/mutants/mutations.txt) built from Debian linux-source and booted; prints the mutation score
# MUTANT_SOURCE: linux-source X.Y to mutate (or latest); MUTANTS=name,... runs a subset.
MUTANT_SOURCE ?= 6.12
MUTANTS       ?=
MUTANT_FLAGS  ?=
export MUTANT_SOURCE MUTANTS
.PHONY: mutants
mutants: export PIDFDCONF_VM_ARGS = $(MUTANT_FLAGS)
mutants:
	@$(VM_BUILD)
	$(VM_RUNNER) mutants -source "$$MUTANT_SOURCE" -mutants "$$MUTANTS" -out "$$OUT/mutants"
