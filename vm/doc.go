// Package vm runs the pidfdconf suites inside QEMU across kernels and kernel
// configs and reports one verdict matrix. Read it as a pipeline, one stage per
// file; run.go's Run calls the stages in this order:
//
//	run.go           Run: resolve kernels → prepare out/<run> → build images → run kernels → write reports
//	kernel_spec.go   "host", "file:PATH", "apt:[SUITE/]PACKAGE", "build:X.Y|latest:CONFIG", "tree:PATH[:CONFIG]"
//	kernel*.go       resolve a spec to a bzImage (+config), cached by content hash (cache.go)
//	kernel_pvh.go    the bzImage's vmlinux, booted through its PVH entry (no decompressor under TCG)
//	apt_private.go   one private apt configuration per Debian suite, under the cache
//	debian_layout.go where a Debian kernel package keeps its image and config
//	linux_source.go  which Debian linux-source a build: spec builds from
//	kernel_tree.go   a tree: spec's identity (commit and changes, or content), built like build: (kernel_build.go)
//	configs.go       the config matrix: fragments and boot arguments in configs/
//	setup.go         system packages (apt-get when root, else the command to run; + setup_selinux.go)
//	suites.go        build every suites/<area> into a static test binary, and /init
//	image.go         the initramfs: /init (vm/guest) + the suite binaries (+ image_selinux.go)
//	boot.go          a VM column: its command line and memory, boot, decode the stream
//	bare.go          a boot with /init alone: the fixed cost of a VM (make bench)
//	qemu.go          boot one VM, console to a log, results from ttyS1
//	silence.go       a silent guest is stuck: output on console or ttyS1 keeps a VM alive
//	native.go        the "host" column: the same binaries run directly
//	suiterun/        run one suite binary and collect its result (guest and native)
//	frame/           the framed result protocol shared with the guest
//	results.go       Ginkgo reports → PASS/FAIL/SKIP/TIMEOUT/MISS (+ expectations.go: globs, version ranges, until)
//	catalogue.go     Mirrors and Since of each row, from conformance/catalogue.json
//	matrix.go        spec × kernel aggregation, LSM independence, the exit code
//	report_*.go      terminal, markdown, JSON, JUnit, HTML, KTAP (nested, stable names: report_ktap.go)
//
// After a run (or without one, from matrix.json files):
//
//	baseline*.go     regressions against a baseline run's matrix.json (-baseline, compare)
//	shard.go         -shard I/N: a deterministic slice of the kernel columns
//	merge.go         shards' matrix.json → one matrix with every report (merge)
//	bisect.go        one git bisect step's verdict on the focused specs (bisect-run)
//
// Verdicts and reports stay in this package: they are keyed on Kernel
// (column name, spec kind, LSM group), so a subpackage would need Kernel
// moved out or mirrored and would add import edges instead of removing them.
//
// The command is vm/cmd/pidfdconf-vm; vm/vm.mk wires it into make.
package vm
