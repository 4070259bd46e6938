// Package selftests builds, runs and reads the kernel's own pidfd selftests
// (tools/testing/selftests/pidfd) and compares their verdicts with ours. It
// has no Ginkgo and no VM code: the VM runner and the guest wire it in.
//
// # Build (on the host)
//
// BuildPidfd(source, cacheDir, log) takes a linux-source tarball (Debian's
// linux-source-X.Y package installs /usr/src/linux-source-X.Y.tar.xz) or an
// unpacked tree (used in place) and
//
//   - extracts only what the build needs (treeParts: the top Makefile,
//     scripts, include/uapi, arch/x86, usr, tools/include, tools/arch/x86,
//     tools/scripts, tools/testing/selftests); decompressing the tarball is
//     most of that cost;
//   - runs the tree's own `make headers`, which installs that version's
//     sanitised uapi headers in usr/include (generated asm/unistd_64.h
//     included), where the selftests' lib.mk looks for them;
//   - asks the pidfd Makefile for its TEST_GEN_PROGS and
//     TEST_GEN_PROGS_EXTENDED and builds each with the tree's own lib.mk
//     rules and LDFLAGS=-static, one make per program, so a program that
//     does not compile is listed in Build.Failures with the compiler's first
//     error line and the rest still build.
//
// Needs gcc, make, xz-utils and libc6-dev (libc.a); MissingPackages names
// the ones this host lacks, for the caller's setup path to install (apt-get
// when root, else the command), and BuildPidfd refuses with that command.
// The pidfd tests of 6.1 to 7.3 use no other library (no libcap, no
// liburing). The result is cached in
// cacheDir/<key>, key = sha256(tarball bytes, or a tree's hashedParts,
// `gcc --version`, build format); the entry holds the programs and build.json (the Build record).
// A cached entry is returned without work.
//
// # Run (in the guest, or natively)
//
// Ship a build's directory as is (programs plus build.json), e.g. as a
// second cpio appended to the initrd, one per kernel version. In the guest:
//
//	b, err := selftests.Load(dir)
//	results := selftests.RunAll(ctx, b, timeScale)
//
// RunAll runs each program from its directory (pidfd_info_test executes
// pidfd_exec_helper from there) with Build.Timeout(program) times
// timeScale: kselftest's per-program 45 s (DefaultTimeout; the pidfd
// directory has no settings file up to 7.3), but 300 s for pidfd_test,
// whose recycled-pid case needs minutes on a loaded host. On timeout the
// program's process group is killed; what it printed is kept (a killed
// program's unflushed stdout is lost, as under kselftest's runner). Each Result
// carries the raw output (Log) and its parse (Output). A guest can stream
// Log per program as a frame and let the host call ParseKTAP, or send the
// Results as JSON; both give the same Output.
//
// # Case names (what Mirrors lines cite)
//
// ParseKTAP reads the output of plain kselftest.h programs and of
// kselftest_harness.h programs in every format from 6.1 to 7.x (the 6.1
// harness prints a skipped case as "ok N # SKIP reason", without its name;
// it is taken from the preceding "#  RUN  name ..." line). Each case gets a
// CaseID "<program>.c <name>":
//
//	pidfd_getfd_test.c child.no_strange_EBADF      TEST_F(child, no_strange_EBADF)
//	pidfd_wait.c global.wait_states                TEST(wait_states)
//	pidfd_xattr_test.c fixture.variant.test        with FIXTURE_VARIANT
//	pidfd_test.c pidfd_send_signal check for support
//	                                               free text: up to the first ':', no trailing " test"
//
// A "Bail out! <case> test: <why>" (ksft_exit_fail_msg in the middle of a
// plain program's case) becomes a FAIL of that case. A result number seen
// before is skipped: with stdout a pipe, children forked with unflushed
// stdio write the parent's buffer again (6.1's pidfd_test does so from each
// of the ~32k children of its recycled-pid case, ~1 MB of log; a guest that
// streams Log should allow for that or parse in the guest). Names need not
// be unique: pidfd_test reports each premature-notification case twice
// (waitpid and not); each is its own row.
//
// ParseMirrors turns a spec's Mirrors line into CaseIDs: it reads
// "file.c TEST_F(fixture, test)", "file.c TEST(test)" and
// `file.c "free text"` entries, separated by ';', and ignores notes in
// parentheses and non-selftest entries (LTP, man, none). A cited
// "fixture.test" also names every variant's "fixture.variant.test" (Cites).
//
// # Cross-check (on the host)
//
//	rows := selftests.CrossCheck(outputs, specs) // specs: text, verdict, ParseMirrors(line)
//	selftests.WriteReport(os.Stdout, release, rows)
//
// Each selftest case is compared with the specs that cite it. DISAGREE:
// the selftest passed (PASS, XPASS) and a citing spec failed, or the
// reverse. SKIP and XFAIL on either side compare nothing (SKIPPED, listed).
// NOT RUN: a spec cites a case no selftest reported on that kernel (the
// program did not build or the version lacks the case). UNMIRRORED: a case
// no spec cites (counted, not listed). Rows come disagreements first.
package selftests
