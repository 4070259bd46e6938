package main

import (
	"regexp"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// A Behavior line restates its spec as a sentence of its own. The names
// that pin a spec down, errnos, constants (flags, ioctls, event bits,
// si_codes, signals) and syscalls, must all be in it: a Behavior line
// without one of its spec's names has drifted to another behaviour.

var (
	// constant is an upper-case name with "_" (PIDFD_THREAD, O_NONBLOCK,
	// PIDFD_GET_*_NAMESPACE), or one of the families named without "_".
	constant = regexp.MustCompile(`\b[A-Z][A-Z0-9]*(?:_(?:[A-Z0-9]+|\*))+|\b(?:E[A-Z0-9]+|E?POLL[A-Z]+|W(?:NOHANG|NOWAIT|EXITED|STOPPED|CONTINUED)|SIG[A-Z0-9]+)\b`)
	// manPage is a syscall in man-page form: "waitid(2)".
	manPage = regexp.MustCompile(`\b([a-z][a-z0-9_]*)\([0-9]\)`)
	// lowerName is a word as syscall names are spelt.
	lowerName = regexp.MustCompile(`[a-z][a-z0-9_]*`)
)

var errnoNames = map[string]bool{"EOPNOTSUPP": true} // x/sys names 95 ENOTSUP

func init() {
	for e := syscall.Errno(1); e < 200; e++ {
		if n := unix.ErrnoName(e); n != "" {
			errnoNames[n] = true
		}
	}
}

// names are the errno, constant and syscall names text says; syscalls
// are the names a bare word may be (those of the specs' syscall: labels).
func names(text string, syscalls map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, n := range constant.FindAllString(text, -1) {
		if isErrnoLike(n) && !errnoNames[n] {
			continue // an upper-case word such as EXIT
		}
		add(n)
	}
	for _, m := range manPage.FindAllStringSubmatch(text, -1) {
		add(m[1])
	}
	for _, w := range lowerName.FindAllString(text, -1) {
		if syscalls[w] {
			add(w)
		}
	}
	return out
}

func isErrnoLike(n string) bool {
	return strings.HasPrefix(n, "E") && !strings.Contains(n, "_") && !strings.HasPrefix(n, "EPOLL")
}

// behaviorDrift lists the names of text (the part of its spec a block
// covers) that the Behavior line does not say. A name with "*" stands for
// every name it matches, on either side.
func behaviorDrift(behavior, text string, syscalls map[string]bool) []string {
	said := names(behavior, syscalls)
	var missing []string
	for _, n := range names(text, syscalls) {
		if !saysName(said, n) {
			missing = append(missing, n)
		}
	}
	return missing
}

func saysName(said []string, n string) bool {
	for _, s := range said {
		if s == n || globMatch(s, n) || globMatch(n, s) {
			return true
		}
	}
	return false
}

// globMatch reports whether name matches pattern, whose "*" stands for
// one or more characters of a name.
func globMatch(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return false
	}
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, `[A-Z0-9_]+`) + "$"
	return regexp.MustCompile(re).MatchString(name)
}
