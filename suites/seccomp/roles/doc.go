// Package seccomproles is the helper roles of suites/seccomp: a
// process whose leader traps openat(2) to a seccomp user-notification
// listener. See internal/role for why roles live here.
package seccomproles
