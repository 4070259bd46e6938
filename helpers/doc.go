// Package helpers holds everything the pidfd suites share: the feature
// registry and its skip-or-fail rule, the label vocabulary, helper processes
// (re-exec roles), threads, pid namespaces, matchers and leak checks.
//
// It defines no Ginkgo containers; helpers may call Expect, Skip and
// DeferCleanup and start with GinkgoHelper().
package helpers
