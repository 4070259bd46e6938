// Package helpers holds what the pidfd suites share that needs Ginkgo or
// Gomega: RunSuite, the label vocabulary, the Require* rules (require.go),
// matchers, leak checks, and helper processes (re-exec roles served by
// Serve, threads, pid namespaces). The kernel facts these build on, usable
// without Ginkgo, are in internal/kernel; the SELinux confinement machinery
// is in helpers/selinux.
//
// It defines no Ginkgo containers; helpers may call Expect, SkipFor (every
// skip carries its class, skip.go), Unstageable and DeferCleanup and start
// with GinkgoHelper().
package helpers
