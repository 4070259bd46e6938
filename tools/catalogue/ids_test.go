package main

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func spec(text string, labels ...string) types.SpecReport {
	return types.SpecReport{LeafNodeText: text, LeafNodeLabels: labels}
}

func TestIDCheckerAcceptsOneWellFormedIDPerSpec(t *testing.T) {
	c := newIDChecker()
	c.check("pidfd open", "a_test.go:1 one", spec("one", "syscall:pidfd_open", "id:one"))
	c.check("pidfd open", "a_test.go:2 two", spec("two", "id:two"))
	c.check("pidfd poll", "b_test.go:1 one", spec("one", "id:one")) // IDs are per suite
	if err := c.err(); err != nil {
		t.Fatal(err)
	}
}

func TestIDCheckerNamesTheSpecAndTheFix(t *testing.T) {
	c := newIDChecker()
	c.check("pidfd open", "a_test.go:1 first", spec("first", "id:same"))
	c.check("pidfd open", "a_test.go:9 rejects bit 3", spec("rejects bit 3"))
	c.check("pidfd open", "a_test.go:5 second", spec("second", "id:same"))
	c.check("pidfd open", "a_test.go:7 third", spec("third", "id:Bad-ID"))
	c.check("pidfd open", "a_test.go:8 fourth", spec("fourth", "id:x", "id:y"))
	err := c.err()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`a_test.go:9 rejects bit 3: no ID; add helpers.ID("rejects_bit_3")`,
		`ID "same" is used twice in pidfd open: by a_test.go:1 first and by a_test.go:5 second`,
		`a_test.go:7 third: ID "Bad-ID" is not words`,
		`a_test.go:8 fourth: 2 helpers.ID decorators`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}
