package kernel

import (
	"fmt"
	"unsafe"

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

// PidfdFilesystem is fstatfs(fd).f_type: PID_FS_MAGIC or ANON_INODE_FS_MAGIC.
func PidfdFilesystem(fd int) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return 0, fmt.Errorf("fstatfs(pidfd): %w", err)
	}
	return int64(st.Type), nil
}

// pidfsGeneration is FS_IOC_GETVERSION on a pidfd: pidfs's inode
// generation, the upper 32 bits of the 64-bit inode counter on 32-bit
// kernels (where st_ino holds only the lower 32).
func pidfsGeneration(pidfd int) (uint64, error) {
	var gen uintptr // a C long
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(pidfd), fsIocGetversion, uintptr(unsafe.Pointer(&gen)))
	if errno != 0 {
		return 0, errno
	}
	return uint64(gen), nil
}

// Getversion is ioctl(fd, FS_IOC_GETVERSION): for a pidfs file, the inode
// generation.
func Getversion(fd int) (uint64, error) { return pidfsGeneration(fd) }

// PidfsID is the full 64-bit pidfs inode number behind a pidfd: st_ino on
// 64-bit kernels, generation<<32 | st_ino on 32-bit ones (v6.14+).
func PidfsID(pidfd int) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(pidfd, &st); err != nil {
		return 0, err
	}
	if !Is32BitBuild() {
		return uint64(st.Ino), nil
	}
	gen, err := pidfsGeneration(pidfd)
	if err != nil {
		return 0, err
	}
	return gen<<32 | uint64(uint32(st.Ino)), nil
}
