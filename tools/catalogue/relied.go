package main

import (
	"fmt"
	"strings"
)

// A spec of a contract that real software depends on names that software
// in its comment block, one line after Since:
//
//	// Relied on by: glibc pidfd_spawn/posix_spawn; systemd (unit spawning)
//
// reliedOnBy = user { "; " user }
// user       = NAME [ " " what ] [ " (" note ")" ]    parentheses balanced
//
// The line is optional; "none" is not written (no line says it). The
// catalogue lists the users in the spec's behaviour cell and in
// catalogue.json's relied_on_by.
func parseReliedOnBy(line string) ([]string, error) {
	if line == "" {
		return nil, nil
	}
	var users []string
	depth, start := 0, 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth < 0 {
				return nil, fmt.Errorf("the Relied on by line %q: unbalanced ')'", line)
			}
		case ';':
			if depth == 0 {
				users = append(users, line[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("the Relied on by line %q: unbalanced '('", line)
	}
	users = append(users, line[start:])
	for i, u := range users {
		if i > 0 {
			if !strings.HasPrefix(u, " ") {
				return nil, fmt.Errorf("the Relied on by line %q: want \"; \" between users", line)
			}
			u = u[1:]
		}
		switch {
		case u == "" || strings.TrimSpace(u) != u:
			return nil, fmt.Errorf("the Relied on by line %q: an empty user or stray spaces around %q", line, u)
		case strings.EqualFold(u, "none"):
			return nil, fmt.Errorf("the Relied on by line %q: leave the line out when no software is named", line)
		case strings.HasPrefix(u, "("):
			return nil, fmt.Errorf("the Relied on by line %q: %q names no software before its note", line, u)
		}
		users[i] = u
	}
	return users, nil
}

// reliedOnBy is the optional field naming the software that depends on a
// spec's behaviour.
const reliedOnBy = "Relied on by"
