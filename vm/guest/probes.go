package main

import (
	"time"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// probeTimeout bounds the feature probes: a probe that hangs on a broken
// kernel must not cost the whole VM its results.
const probeTimeout = 30 * time.Second

func probeFeatures() []kernel.ProbeResult {
	done := make(chan []kernel.ProbeResult, 1)
	go func() { done <- kernel.ProbeAll() }()
	select {
	case ps := <-done:
		return ps
	case <-time.After(probeTimeout):
		return []kernel.ProbeResult{{Name: "probes", Detail: "feature probes did not finish within " + probeTimeout.String()}}
	}
}
