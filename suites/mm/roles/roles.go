package mmroles

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// HogSize is the anonymous memory a hog touches: large enough that its
// release shows in RssAnon, small enough for an emulated VM.
const HogSize = 16 << 20

// Hog maps HogSize bytes of private anonymous memory, touches every
// page and answers "ready <pid>". MAP_POPULATE faults the pages in within
// the one mmap call: a fault per page from user space is an emulated trap
// per page under TCG. The touch that follows is then free, and it still
// makes every page resident should populating have stopped short, which
// mmap does not report. Commands:
//
//	region      → ok <address> <length> of the mapping
//	undumpable  → prctl(PR_SET_DUMPABLE, 0): only CAP_SYS_PTRACE reaches its memory now → ok
var Hog = role.Register("mm-hog", func(p *role.Channel, _ []string) int {
	mem, err := unix.Mmap(-1, 0, HogSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_POPULATE)
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	for i := 0; i < len(mem); i += os.Getpagesize() {
		mem[i] = 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"region": func(*role.Request) (string, error) {
			return fmt.Sprintf("%d %d", uintptr(unsafe.Pointer(&mem[0])), len(mem)), nil
		},
		"undumpable": func(*role.Request) (string, error) {
			return "", unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
		},
	})
})
