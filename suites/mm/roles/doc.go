// Package mmroles is the helper roles of suites/mm: the memory hog
// process_madvise(2) and process_mrelease(2) act on. See internal/role
// for why roles live here.
package mmroles
