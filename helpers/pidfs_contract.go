package helpers

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// PidfdBacking is the implementation behind pidfds.
type PidfdBacking int

const (
	// PidfsBacking: one inode per struct pid, unique for the system's life (v6.9+).
	PidfsBacking PidfdBacking = iota + 1
	// AnonInodeBacking: every pidfd shares anon_inodefs's single inode (≤ v6.8).
	AnonInodeBacking
)

func (b PidfdBacking) String() string {
	switch b {
	case PidfsBacking:
		return "pidfs"
	case AnonInodeBacking:
		return "anon_inodefs"
	}
	return "unknown"
}

// Backing decides from fstatfs(pidfd).f_type which contract the kernel
// owes: pidfs or the anon-inode fallback. pidfs is unconditional since
// v6.9, so a newer kernel without it is an error, as is any other f_type.
func Backing(fsType int64, kernel KernelVersion) (PidfdBacking, error) {
	switch fsType {
	case unix.PID_FS_MAGIC:
		return PidfsBacking, nil
	case unix.ANON_INODE_FS_MAGIC:
		if kernel.AtLeast("6.9") {
			return AnonInodeBacking, fmt.Errorf("pidfds are anon inodes on %s, but pidfs is unconditional since v6.9", kernel)
		}
		return AnonInodeBacking, nil
	}
	return 0, fmt.Errorf("pidfds live on an unknown filesystem (f_type %#x)", fsType)
}
