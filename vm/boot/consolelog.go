package boot

import (
	"fmt"
	"os"
	"sync"
)

// What a guest's console may cost the host. A real console log is about
// 20 KB (Debian 6.1 to 7.3 with the selftests, December 2026): the kernel's
// boot messages, a line per suite, Ginkgo's dots.
const (
	// ConsoleHeadBytes of the console are written to console.log as they
	// come (the boot, where a kernel that goes wrong usually says why):
	// 50 times a real log.
	ConsoleHeadBytes = 1 << 20
	// ConsoleTailBytes past the head are kept in memory, the newest only,
	// and end the log: the end of a flood, and the panic that may close
	// it. Sixteen times the tail that reports quote (format.ConsoleTailBytes).
	ConsoleTailBytes = 1 << 20
	// ConsoleMaxBytes stops the VM: no guest that works writes 3000 times
	// a real log, and one that floods would otherwise hold its VM until
	// the deadline.
	ConsoleMaxBytes = 64 << 20
)

// consoleLog is console.log with the guest's share bounded: the head as it
// arrives, then a ring of the tail, written out on Close behind a line that
// says how much was dropped in between. Passing ConsoleMaxBytes calls flood
// once. QEMU's stdout and stderr share it.
type consoleLog struct {
	mu      sync.Mutex
	f       *os.File
	total   int64
	tail    []byte // ring of ConsoleTailBytes once the head is full
	next    int    // where the ring writes next
	wrapped bool
	flood   func()
}

func createConsoleLog(path string, flood func()) (*consoleLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &consoleLog{f: f, flood: flood}, nil
}

// Write never fails: a console that cannot be logged must not stop QEMU.
func (c *consoleLog) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	if room := ConsoleHeadBytes - c.total; room > 0 {
		k := min(int64(len(p)), room)
		c.f.Write(p[:k])
		c.total += k
		p = p[k:]
	}
	if len(p) > 0 {
		c.keepTail(p)
	}
	return n, nil
}

// keepTail appends p to the ring, dropping its oldest bytes.
func (c *consoleLog) keepTail(p []byte) {
	before := c.total
	c.total += int64(len(p))
	if before <= ConsoleMaxBytes && c.total > ConsoleMaxBytes && c.flood != nil {
		c.flood()
	}
	if c.tail == nil {
		c.tail = make([]byte, ConsoleTailBytes)
	}
	if len(p) > len(c.tail) {
		p = p[len(p)-len(c.tail):]
	}
	for len(p) > 0 {
		k := copy(c.tail[c.next:], p)
		p = p[k:]
		if c.next += k; c.next == len(c.tail) {
			c.next, c.wrapped = 0, true
		}
	}
}

// Close writes the kept tail after the head and closes the file.
func (c *consoleLog) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tail != nil {
		kept := c.next
		if c.wrapped {
			kept = len(c.tail)
		}
		if dropped := c.total - ConsoleHeadBytes - int64(kept); dropped > 0 {
			fmt.Fprintf(c.f, "\n# pidfdconf: %d bytes of console dropped here (the log keeps the first %d and the last %d)\n",
				dropped, ConsoleHeadBytes, kept)
		}
		if c.wrapped {
			c.f.Write(c.tail[c.next:])
		}
		c.f.Write(c.tail[:c.next])
	}
	return c.f.Close()
}
