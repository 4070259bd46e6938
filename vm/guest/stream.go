package main

import (
	"io"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// streamer sends frames on the result port from its own goroutine, in the
// order they were queued. The port is a 16550 UART: under TCG a suite's
// reports take a few hundred milliseconds to drain (2-3 s for all seven),
// time the next suite can use instead of waiting for the last byte.
type streamer struct {
	frames chan queuedFrame
	done   chan struct{}
	busy   time.Duration // time spent writing, read after done
}

type queuedFrame struct {
	name string
	data []byte
}

func newStreamer(out io.Writer, logf func(string, ...any)) *streamer {
	s := &streamer{frames: make(chan queuedFrame, 64), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for f := range s.frames {
			t := time.Now()
			if err := frame.WriteGzip(out, f.name, f.data); err != nil {
				logf("sending %s: %v", f.name, err)
			}
			s.busy += time.Since(t)
		}
	}()
	return s
}

// send queues one frame; data must not change afterwards.
func (s *streamer) send(name string, data []byte) { s.frames <- queuedFrame{name, data} }

// finish waits until every queued frame is written and returns how long the
// writing took in all and how long finish itself waited for it.
func (s *streamer) finish() (busy, waited time.Duration) {
	t := time.Now()
	close(s.frames)
	<-s.done
	return s.busy, time.Since(t)
}
