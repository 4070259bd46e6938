// Package fanotifyroles is the helper roles of suites/fanotify: the
// acting process of fanotify events and a reader with a full fd table. See
// internal/role for why roles live here.
package fanotifyroles
