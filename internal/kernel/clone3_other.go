//go:build !(amd64 || 386 || arm64)

package kernel

// HaveRawClone3 says whether this architecture has the clone3 child bodies.
const HaveRawClone3 = false

func clone3Raw(*clone3Call) (pid uintptr, errno uintptr) {
	panic("no raw clone3 child bodies on this architecture")
}
