package specid

import (
	"regexp"
	"strings"
)

// minusNumber is a "-" that makes a number negative ("fd -1"), as opposed
// to one inside a word ("thread-group", "-EBADF").
var minusNumber = regexp.MustCompile(`(^|[^A-Za-z0-9])-([0-9])`)

// Words splits text the way IDs are written: lower case, every run of
// characters other than a-z and 0-9 a separator, and a "-" before a number
// read as the word "minus" (an ID cannot hold a "-").
func Words(text string) []string {
	text = minusNumber.ReplaceAllString(text, "$1 minus $2")
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
}

// abbreviations are the short forms an ID may use for words of its text:
// each stands for all the words listed. Keep the list short: an ID that
// needs a new one usually says something its text does not.
var abbreviations = map[string][]string{
	"pidns":  {"pid", "namespace"},
	"userns": {"user", "namespace"},
}

// failVerbs say the same thing of a call: it returns an error (the errno,
// which must match, says which). An ID may use any for another.
var failVerbs = []string{"fails", "refuses", "rejects"}

// inflections are the endings two forms of a word may differ by
// ("reuse"/"reused", "exits"/"exited", "process"/"processes").
var inflections = []string{"ing", "ed", "es", "s", "d", "e"}

// stem is w without one inflection, if at least three letters remain.
func stem(w string) string {
	for _, suffix := range inflections {
		if s, ok := strings.CutSuffix(w, suffix); ok && len(s) >= 3 {
			return s
		}
	}
	return w
}

// sameWord reports whether a and b are one word up to an inflection.
func sameWord(a, b string) bool {
	return a == b || stem(a) == b || a == stem(b) || stem(a) == stem(b)
}

// occursIn reports whether the ID word w is said by one of the text's
// words: the same word up to an inflection, a fail verb for another, or an
// abbreviation whose words all occur.
func occursIn(w string, text []string) bool {
	if full, ok := abbreviations[w]; ok {
		for _, f := range full {
			if !occursIn(f, text) {
				return false
			}
		}
		return true
	}
	forms := []string{w}
	if isFailVerb(w) {
		forms = failVerbs
	}
	for _, t := range text {
		for _, f := range forms {
			if sameWord(f, t) {
				return true
			}
		}
	}
	return false
}

func isFailVerb(w string) bool {
	for _, f := range failVerbs {
		if sameWord(w, f) {
			return true
		}
	}
	return false
}
