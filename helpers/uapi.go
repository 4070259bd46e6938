package helpers

// Constants the kernel uapi has and golang.org/x/sys/unix lacks. Values are
// the generic ones (x86, arm, arm64, riscv); alpha/mips/sparc differ and are
// not in the matrix.
const (
	POLLRDNORM = 0x040
	POLLRDBAND = 0x080
	POLLWRNORM = 0x100
	POLLWRBAND = 0x200
)
