// Package helpers holds what the pidfd suites share that needs Ginkgo or
// Gomega: RunSuite, the label vocabulary, the Require* rules (require.go),
// matchers, leak checks, and the test's side of helper processes
// (StartChild, threads, pid namespaces). The kernel facts these build on,
// usable without Ginkgo, are in internal/kernel; the roles the helpers run
// are in internal/role and suites/<area>/roles (never here: see
// internal/role); the SELinux confinement machinery is in helpers/selinux.
//
// It defines no Ginkgo containers; helpers may call Expect, SkipFor (every
// skip carries its class, skip.go), Unstageable and DeferCleanup and start
// with GinkgoHelper().
package helpers
