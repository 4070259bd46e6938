package kernel

import "golang.org/x/sys/unix"

// HasCapability reports whether the calling thread has capability c
// (unix.CAP_*) in its effective set. Specs use it where the kernel decides by
// capability rather than by uid: an unprivileged caller gets a different,
// exact errno, not a skip.
func HasCapability(c int) bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return false
	}
	return data[c/32].Effective&(1<<(uint(c)%32)) != 0
}

// DropEffectiveCapabilities removes caps (unix.CAP_*) from the calling
// thread's effective set and returns how to put the set back (they stay
// permitted). Capabilities are per thread in Linux: call both on one
// locked thread.
func DropEffectiveCapabilities(caps ...int) (restore func() error, err error) {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var old, reduced [2]unix.CapUserData
	if err := unix.Capget(&hdr, &old[0]); err != nil {
		return nil, err
	}
	reduced = old
	for _, c := range caps {
		reduced[c/32].Effective &^= 1 << (uint(c) % 32)
	}
	if err := unix.Capset(&hdr, &reduced[0]); err != nil {
		return nil, err
	}
	return func() error { return unix.Capset(&hdr, &old[0]) }, nil
}
