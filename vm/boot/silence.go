package boot

import (
	"context"
	"sync/atomic"
	"time"
)

// A deadline counted in wall time cannot tell a slow guest (a loaded host,
// TCG) from a stuck one. The guest writes all the time while it works: the
// kernel log, a dot per spec on the console, frames on the result stream.
// So silence is the better sign of a hang: VM.Silence ends the VM when
// neither has grown for that long, and VM.Timeout stays as the outer bound.

// progress is when the guest last produced a byte.
type progress struct{ last atomic.Int64 } // UnixNano

func newProgress() *progress {
	p := &progress{}
	p.touch()
	return p
}

func (p *progress) touch() { p.last.Store(time.Now().UnixNano()) }

func (p *progress) quietFor() time.Duration {
	return time.Since(time.Unix(0, p.last.Load()))
}

// onBytes calls got on every read that returns bytes: the console counts
// as progress byte by byte, not only at line ends (Ginkgo's dots have
// none).
type onBytes struct {
	r   interface{ Read([]byte) (int, error) }
	got func()
}

func (o onBytes) Read(b []byte) (int, error) {
	n, err := o.r.Read(b)
	if n > 0 {
		o.got()
	}
	return n, err
}

// watchSilence closes stalled once p has been quiet for silence (the
// console and the result stream both touch it as they are copied). It
// returns when ctx ends.
func watchSilence(ctx context.Context, p *progress, silence time.Duration, stalled chan<- struct{}) {
	tick := time.NewTicker(min(max(silence/10, 10*time.Millisecond), time.Second))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if p.quietFor() >= silence {
			close(stalled)
			return
		}
	}
}

// watchInit closes noInit when deadline passes before started is set (by
// the first byte of the result stream, which /init writes once it has
// described the kernel). Only the state at the deadline matters, so it
// looks once; it returns then or when ctx ends.
func watchInit(ctx context.Context, started *atomic.Bool, deadline time.Duration, noInit chan<- struct{}) {
	t := time.NewTimer(deadline)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
		if !started.Load() {
			close(noInit)
		}
	}
}
