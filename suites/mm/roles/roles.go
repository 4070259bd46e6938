package mmroles

import (
	"fmt"
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// HogSize is the anonymous memory a hog touches unless told otherwise:
// enough that smaps_rollup shows it before a release and 0 kB after is
// unmistakable, even beside a Go role's own heap of 1-2 MiB.
const HogSize = 4 << 20

// HintSize is a hog's memory for the specs that only need a range of
// another process's memory to name (a hint's length, an error). Under TCG
// populating HogSize costs a hog ~50 ms of system time (1,024 page
// faults, each ~40 µs), HintSize 16 of them.
const HintSize = 64 << 10

// HogArgs are the role's arguments for a hog of size bytes.
func HogArgs(size int) []string { return []string{strconv.Itoa(size)} }

// Hog maps HogSize bytes (or the size its argument gives, a multiple of
// the page size up to HogSize) of private anonymous memory, makes every
// page resident and answers "ready <pid>". MAP_POPULATE faults the pages
// in within the one mmap call: a fault per page from user space is an
// emulated trap per page under TCG. mmap does not report a populate that
// stopped short, so mincore(2) finds the pages left out and only those are
// touched: touching all of them costs a trap per page too where the
// hypervisor shadows page tables (30 ms a hog on the paravirtualised host
// this was measured on). Commands:
//
//	region      → ok <address> <length> of the mapping
//	undumpable  → prctl(PR_SET_DUMPABLE, 0): only CAP_SYS_PTRACE reaches its memory now → ok
var Hog = role.RegisterWithC("mm-hog", func(p *role.Channel, args []string) int {
	size, err := hogSize(args)
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_POPULATE)
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

// hogSize is the size the hog's arguments ask for: none is HogSize, one
// is a multiple of the page size from one page to HogSize.
func hogSize(args []string) (int, error) {
	if len(args) == 0 {
		return HogSize, nil
	}
	size, err := strconv.Atoi(args[0])
	if len(args) > 1 || err != nil || size <= 0 || size > HogSize || size%os.Getpagesize() != 0 {
		return 0, fmt.Errorf("usage: mm-hog [BYTES], a multiple of the page size up to %d: %w", HogSize, unix.EINVAL)
	}
	return size, nil
}

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
