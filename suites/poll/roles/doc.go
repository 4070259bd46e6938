// Package pollroles is the helper roles of suites/poll: a subreaper and
// the middle process that leaves it a grandchild. See internal/role for
// why roles live here.
package pollroles
