// Package cloneroles is the helper roles of suites/clone: the clone3
// flag specs' helpers: subreapers, holders of pidfds, a process without
// CAP_SYS_ADMIN, NNP and CLONE_PARENT reporters. See internal/role for
// why roles live here.
package cloneroles
