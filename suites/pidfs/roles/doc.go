// Package pidfsroles is the helper roles of suites/pidfs: askers inside
// namespaces, Landlocked, undumpable, ptrace targets, bind mounters and
// processes with distinct ids. See internal/role for why roles live here.
package pidfsroles
