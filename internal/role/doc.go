// Package role is the suites' helper processes ("roles") without Ginkgo:
// the channel to them, the registry, the general roles every suite uses
// (process, sigwait, pidns-init, the reuse witness) and what roles share
// (time scale aside, which is internal/timescale).
//
// Where roles live: a suite's own roles are in suites/<area>/roles
// (package <area>roles), the SELinux battery's in helpers/selinux/roles,
// never in a package that imports Ginkgo or Gomega. Beside its specs, so
// one area is one directory; a package of its own, so the role binary
// (cmd/pidfdconf-role) links every role without linking a spec, and a
// helper never has to exec a 20 MB suite binary for a role the role
// binary lacks. A name and the constants a spec shares with its role
// (mmroles.HogSize) live in that package; the specs use them from there.
// cmd/pidfdconf-role's test fails when a suite has a role the role binary
// does not, or when the role binary links Ginkgo or Gomega.
package role
