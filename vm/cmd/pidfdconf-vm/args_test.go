package main

import (
	"slices"
	"testing"
)

func TestSplitWords(t *testing.T) {
	for in, want := range map[string][]string{
		"":                               nil,
		"  -strict   -timeout=20m ":      {"-strict", "-timeout=20m"},
		"-shard 2/4":                     {"-shard", "2/4"},
		`-append "a b" -x 'c d'`:         {"-append", "a b", "-x", "c d"},
		"$(touch marker) `touch marker`": {"$(touch", "marker)", "`touch", "marker`"},
		`a;touch b|c&&d >e`:              {"a;touch", "b|c&&d", ">e"},
		`"say \"hi\" \$HOME \x" 'it''s'`: {`say "hi" $HOME \x`, "its"},
		`back\ slash\"`:                  {`back slash"`},
		"shards/*/matrix.json ~/x":       {"shards/*/matrix.json", "~/x"},
		`''`:                             {""},
	} {
		got, err := splitWords(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("splitWords(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`'open`, `"open`, `a "b\"`} {
		if _, err := splitWords(bad); err == nil {
			t.Errorf("splitWords(%q) accepted an unterminated quote", bad)
		}
	}
}
