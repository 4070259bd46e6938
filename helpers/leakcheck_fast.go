package helpers

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// The leak check runs twice per spec, so its cost is paid by every spec:
// probing 4096 fds with fcntl and reading the stat file of every process on
// the machine cost ~35 ms per spec on a loaded 2-core machine. These fast
// paths read /proc/self instead (~1 ms) and report ok=false when they
// cannot answer exactly, so the callers fall back to the slow, /proc-free
// or /proc-wide scans.

// fdDir is /proc/self/fd, opened once and read again from its start for
// every listing: opening it (a path walk through procfs) and wrapping it in
// an os.File took two thirds of the leak check's time under TCG (0.5 s of a
// Debian 6.12 guest's 16 s of suite CPU, two listings per spec). Its
// identity is checked before each read, since a spec may close or reuse
// any fd number.
var fdDir struct {
	sync.Mutex
	fd     int
	id     FileID
	buf    []byte
	opened bool
}

// openFdsFast lists this process's open fds from /proc/self/fd, leaving out
// the fd of the directory listing itself.
func openFdsFast() (fds []int, ok bool) {
	fdDir.Lock()
	defer fdDir.Unlock()
	if !fdDirStillOurs() && !openFdDir() {
		return nil, false
	}
	if _, err := unix.Seek(fdDir.fd, 0, io.SeekStart); err != nil {
		return nil, false
	}
	for {
		n, err := unix.Getdents(fdDir.fd, fdDir.buf)
		if err != nil {
			return nil, false
		}
		if n == 0 {
			return fds, true
		}
		if fds, ok = appendFdNames(fds, fdDir.buf[:n]); !ok {
			return nil, false
		}
	}
}

// fdDirStillOurs says whether fdDir.fd is still the directory it opened.
func fdDirStillOurs() bool {
	var st unix.Stat_t
	return fdDir.opened && unix.Fstat(fdDir.fd, &st) == nil && (FileID{Dev: st.Dev, Ino: st.Ino}) == fdDir.id
}

// openFdDir opens /proc/self/fd as fdDir. A number it held before is not
// closed: when it is no longer ours, it is somebody else's.
func openFdDir() bool {
	fdDir.opened = false
	fd, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return false
	}
	fdDir.fd, fdDir.id, fdDir.opened = fd, FileID{Dev: st.Dev, Ino: st.Ino}, true
	if fdDir.buf == nil {
		fdDir.buf = make([]byte, 16<<10)
	}
	return true
}

// appendFdNames appends the fd numbers named by the linux_dirent64 records
// in buf, all but "." and ".." and fdDir's own; ok is false for a name
// that is not a number.
func appendFdNames(fds []int, buf []byte) (_ []int, ok bool) {
	const nameOffset = 19 // d_ino 8, d_off 8, d_reclen 2, d_type 1
	for len(buf) >= nameOffset {
		reclen := int(binary.NativeEndian.Uint16(buf[16:18]))
		if reclen < nameOffset || reclen > len(buf) {
			return nil, false
		}
		name, _, terminated := bytes.Cut(buf[nameOffset:reclen], []byte{0})
		if !terminated {
			return nil, false
		}
		buf = buf[reclen:]
		if string(name) == "." || string(name) == ".." {
			continue
		}
		fd, err := strconv.Atoi(string(name))
		if err != nil {
			return nil, false
		}
		if fd != fdDir.fd {
			fds = append(fds, fd)
		}
	}
	return fds, true
}

// noChildren reports that this process has no child at all, zombies
// included, in one syscall: waitid(P_ALL) fails with ECHILD exactly then.
// It is the answer between most specs, so the per-thread children files
// (a Go test process has a dozen threads) are read only when it is not.
func noChildren() bool {
	var info unix.Siginfo
	err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WSTOPPED|unix.WCONTINUED|unix.WNOHANG|unix.WNOWAIT|unix.WALL, nil)
	return err == unix.ECHILD
}

// childrenFast lists this process's children (zombies included) from
// /proc/self/task/*/children (CONFIG_PROC_CHILDREN). A thread that exits
// while they are read hands its children to another thread, maybe one
// already read; then it gives up rather than miss one.
func childrenFast() (kids []int, ok bool) {
	files, err := filepath.Glob("/proc/self/task/*/children")
	if err != nil || len(files) == 0 {
		return nil, false
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, false
		}
		for _, f := range strings.Fields(string(data)) {
			pid, err := strconv.Atoi(f)
			if err != nil {
				return nil, false
			}
			kids = append(kids, pid)
		}
	}
	return kids, true
}
