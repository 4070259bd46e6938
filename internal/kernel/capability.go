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

// LowerCapability removes capability c (unix.CAP_*) from the calling
// thread's effective set: the thread does not use it, but still holds it
// permitted, as a root process that seteuid(2)s away from 0 does (which
// keeps commoncap's "target's permitted set ⊆ caller's" ptrace rule true).
// Capabilities are per thread, so only a caller locked to its OS thread may
// use it, and other threads keep c. Removing a capability the thread does
// not have succeeds.
func LowerCapability(c int) error { return setEffective(c, false) }

// RaiseCapability puts capability c back into the calling thread's
// effective set; it must be in the permitted set (EPERM otherwise). The
// same rule about locked threads as LowerCapability's applies.
func RaiseCapability(c int) error { return setEffective(c, true) }

func setEffective(c int, on bool) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	bit := uint32(1) << (uint(c) % 32)
	if on {
		data[c/32].Effective |= bit
	} else {
		data[c/32].Effective &^= bit
	}
	return unix.Capset(&hdr, &data[0])
}
