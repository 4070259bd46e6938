// Package selinuxroles is the three hops of helpers/selinux.RunConfined:
// launch, the init_t hop and the battery in the confined domain. See
// internal/role for why roles live here.
package selinuxroles
