package judge

import (
	"testing"

	"github.com/pidfdconf/pidfdconf/internal/mirrors"
)

func TestDisagreementNotes(t *testing.T) {
	for note, want := range map[string]string{
		"disagrees: the selftest races":                                    "the selftest races",
		"here the leader exits alone first; disagrees: the selftest races": "the selftest races",
		"drops every capability with capset and stays uid 0":               "",
		"agrees with the man page; nothing disagrees: here":                "",
	} {
		got, ok := disagreement(note)
		if got != want || ok != (want != "") {
			t.Errorf("disagreement(%q) = %q, %v; want %q", note, got, ok, want)
		}
	}
}

// A spec whose Mirrors note says something of the case before its
// "disagrees:" clause still explains the disagreement (the multithreaded
// CLONE_AUTOREAP spec, whose selftest lost its race on arm64 under TCG).
func TestCatalogueExplainsAClauseAfterAnother(t *testing.T) {
	c := Catalogue{{Suite: "clone", Spec: "is released only after its last thread exits",
		Mirrors: "pidfd_autoreap_test.c global.autoreap_multithreaded (here the leader exits alone first; disagrees: a race)",
		Refs: []mirrors.Ref{{Kind: "selftest", Program: "pidfd_autoreap_test.c", Case: "global.autoreap_multithreaded",
			Note: "here the leader exits alone first; disagrees: a race"}}}}
	_, explained := c.mirrors()
	if why := explained["pidfd_autoreap_test.c global.autoreap_multithreaded"]; why != "a race" {
		t.Errorf("explanation %q, want \"a race\" (explained: %v)", why, explained)
	}
}
