package main

import (
	"fmt"
	"os"
	"strings"
)

// argsEnv holds more arguments for this invocation, appended to the command
// line: make passes VM_FLAGS, SHARDS and MUTANT_FLAGS here instead of
// pasting them into a shell line, where a quote, `$(…)` or a backtick in a
// value would run as a command. They are split as a shell splits words,
// with quotes and backslashes, and nothing is expanded.
const argsEnv = "PIDFDCONF_VM_ARGS"

// envArgs reads argsEnv and removes it, so that a runner this one starts
// (a bisect step, a soak) does not take the same arguments again.
func envArgs() ([]string, error) {
	s, ok := os.LookupEnv(argsEnv)
	if !ok {
		return nil, nil
	}
	os.Unsetenv(argsEnv)
	words, err := splitWords(s)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %v", argsEnv, s, err)
	}
	return words, nil
}

// splitWords splits s into words like a POSIX shell, but only that: blanks
// separate words, '…' quotes literally, "…" quotes with \" \\ \$ \` as the
// only escapes, a backslash outside quotes takes the next character as it
// is; $, backticks, globs and ~ are plain characters.
func splitWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ' quote")
			}
			w.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				w.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unterminated \" quote")
			}
			inWord = true
		case c == '\\':
			if i+1 < len(s) {
				i++
				w.WriteByte(s[i])
			}
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}
