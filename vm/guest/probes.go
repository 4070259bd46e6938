//go:build !pidfdconf_noprobes

package main

import (
	"time"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// probeTimeout bounds the feature probes: a probe that hangs on a broken
// kernel must not cost the whole VM its results.
const probeTimeout = 30 * time.Second

func probeFeatures() []frame.Probe {
	done := make(chan []frame.Probe, 1)
	go func() {
		var ps []frame.Probe
		for _, p := range helpers.ProbeAll() {
			ps = append(ps, frame.Probe{Name: p.Name, Since: p.Since, Config: p.Config, Present: p.Present, Detail: p.Detail})
		}
		done <- ps
	}()
	select {
	case ps := <-done:
		return ps
	case <-time.After(probeTimeout):
		return []frame.Probe{{Name: "probes", Detail: "feature probes did not finish within " + probeTimeout.String()}}
	}
}
