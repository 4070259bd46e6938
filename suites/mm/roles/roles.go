package mmroles

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// HogSize is the anonymous memory a hog touches: enough that smaps_rollup
// shows it before a release and 0 kB after is unmistakable, little enough
// that populating and freeing it (a hog per spec) costs little under
// emulation.
const HogSize = 4 << 20

// Hog maps HogSize bytes of private anonymous memory, makes every page
// resident and answers "ready <pid>". MAP_POPULATE faults the pages in
// within the one mmap call: a fault per page from user space is an
// emulated trap per page under TCG. mmap does not report a populate that
// stopped short, so mincore(2) finds the pages left out and only those are
// touched: touching all of them costs a trap per page too where the
// hypervisor shadows page tables (30 ms a hog on the paravirtualised host
// this was measured on). Commands:
//
//	region      → ok <address> <length> of the mapping
//	undumpable  → prctl(PR_SET_DUMPABLE, 0): only CAP_SYS_PTRACE reaches its memory now → ok
var Hog = role.RegisterWithC("mm-hog", func(p *role.Channel, _ []string) int {
	mem, err := unix.Mmap(-1, 0, HogSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_POPULATE)
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	if err := touchMissing(mem); err != nil {
		p.Send(role.Answer("", err))
		return 1
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

// touchMissing writes to every page of mem that mincore(2) reports not
// resident.
func touchMissing(mem []byte) error {
	page := os.Getpagesize()
	resident := make([]byte, (len(mem)+page-1)/page)
	if _, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&mem[0])), uintptr(len(mem)), uintptr(unsafe.Pointer(&resident[0]))); errno != 0 {
		return fmt.Errorf("mincore: %w", errno)
	}
	for i, r := range resident {
		if r&1 == 0 {
			mem[i*page] = 1
		}
	}
	return nil
}
