// Package openroles is the helper roles of suites/open: a socket peer for
// SO_PEERPIDFD and a clone3 caller with a read-only pidfd address. See
// internal/role for why roles live here.
package openroles
