// Package signalroles is the helper roles of suites/signal: senders
// (plain, unprivileged, Landlock-scoped) and a process that signals
// itself through PIDFD_SELF_*. See internal/role for why roles live here.
package signalroles
