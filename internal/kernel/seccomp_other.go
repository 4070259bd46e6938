//go:build !amd64 && !386 && !arm64

package kernel

// auditArch 0: the seccomp specs cannot build a filter here (skip).
const auditArch = 0
