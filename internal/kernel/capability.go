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
