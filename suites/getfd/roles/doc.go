// Package getfdroles is the helper roles of suites/getfd: processes
// that hold an fd for pidfd_getfd(2) and unprivileged callers of it. See
// internal/role for why roles live here.
package getfdroles
