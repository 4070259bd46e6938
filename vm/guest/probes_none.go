//go:build pidfdconf_noprobes

package main

import "github.com/pidfdconf/pidfdconf/vm/frame"

// probeFeatures without helpers: the runner builds this variant only when
// helpers does not compile, so kernels still boot and report.
func probeFeatures() []frame.Probe {
	return []frame.Probe{{Name: "probes", Detail: "guest built without helpers (it did not compile): no feature probes"}}
}
