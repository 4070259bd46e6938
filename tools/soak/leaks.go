package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// proc is one line of /proc/PID/stat that the leak check needs.
type proc struct {
	pid, ppid int
	state     string
	comm      string
}

// processes reads every process's parent, state and name.
func processes() map[int]proc {
	all := map[int]proc{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // exited meanwhile
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		s := string(b)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		f := strings.Fields(s[close+1:])
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		all[pid] = proc{pid: pid, ppid: ppid, state: f[0], comm: s[open+1 : close]}
	}
	return all
}

// descendants are every process below root.
func descendants(root int, all map[int]proc) []proc {
	children := map[int][]proc{}
	for _, p := range all {
		children[p.ppid] = append(children[p.ppid], p)
	}
	var out []proc
	queue := []int{root}
	for len(queue) > 0 {
		for _, c := range children[queue[0]] {
			out = append(out, c)
			queue = append(queue, c.pid)
		}
		queue = queue[1:]
	}
	return out
}

// checkLeaks lists what a finished stage left behind: any descendant
// (every command of the stage has ended, so each one is a leak; zombies
// and QEMU named as such) and file descriptors beyond the baseline. It
// then reaps the zombies so the next stage starts clean.
func checkLeaks(baseline int) []string {
	var leaks []string
	for _, p := range descendants(os.Getpid(), processes()) {
		kind := "process"
		switch {
		case p.state == "Z":
			kind = "zombie"
		case strings.HasPrefix(p.comm, "qemu-system"):
			kind = "QEMU process"
		}
		leaks = append(leaks, fmt.Sprintf("%s %d (%s, state %s, parent %d)", kind, p.pid, p.comm, p.state, p.ppid))
	}
	for {
		var ws unix.WaitStatus
		if pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil); pid <= 0 || err != nil {
			break
		}
	}
	if n := countFDs(); n > baseline {
		leaks = append(leaks, fmt.Sprintf("%d file descriptor(s) beyond the %d open before the soak", n-baseline, baseline))
	}
	return leaks
}

func countFDs() int {
	entries, _ := os.ReadDir("/proc/self/fd")
	return len(entries) - 1 // the directory being read
}

// baselineFDs counts our descriptors once the runtime has set up what it
// keeps for running commands (the poller behind their pipes).
func baselineFDs() int {
	r, w, err := os.Pipe()
	if err == nil {
		r.Close()
		w.Close()
	}
	return countFDs()
}
