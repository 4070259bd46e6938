// Package coredumproles is the helper roles of suites/coredump:
// the crasher that dumps core, and the core_pattern pipe helper (the
// sink). See internal/role for why roles live here.
package coredumproles
