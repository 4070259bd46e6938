package role

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// A Command is one command a role serves. Its result is the reply: "ok
// <text>", or "err ERRNO text" for an error (which Child.Call turns back
// into a matching errno).
type Command func(req *Request) (string, error)

// A Request is one received command.
type Request struct {
	Args  []string // the words after the command name
	Fds   []int    // received with it; Serve closes them after the reply
	reply []int
	then  []func()
}

// Int is Args[i] as an integer; 0 when absent or not a number.
func (r *Request) Int(i int) int {
	if i >= len(r.Args) {
		return 0
	}
	v, _ := strconv.Atoi(r.Args[i])
	return v
}

// Want checks the number of words and fds the command needs.
func (r *Request) Want(args, fds int) error {
	if len(r.Args) != args || len(r.Fds) != fds {
		return fmt.Errorf("want %d arguments and %d fds, got %d and %d: %w", args, fds, len(r.Args), len(r.Fds), unix.EINVAL)
	}
	return nil
}

// Attach sends fd along with the reply; Serve closes it once sent.
func (r *Request) Attach(fd int) { r.reply = append(r.reply, fd) }

// Then runs f after the reply has been sent.
func (r *Request) Then(f func()) { r.then = append(r.then, f) }

// ErrNoReply makes Serve send nothing: the command answers later, from
// elsewhere (a thread that execs), or never (exit).
var ErrNoReply = errors.New("no reply")

// Serve answers commands from the test on p until the test closes its end,
// then returns 0, the role's exit code. Unknown commands are answered with
// EINVAL.
func Serve(p *Channel, commands map[string]Command) int {
	for {
		msg, fds, err := p.recvBlocking()
		if err != nil {
			return 0
		}
		serveOne(p, commands, msg, fds)
	}
}

func serveOne(p *Channel, commands map[string]Command, msg string, fds []int) {
	defer CloseAll(fds)
	words := strings.Fields(msg)
	if len(words) == 0 || commands[words[0]] == nil {
		p.Sendf("err EINVAL unknown command %q", msg)
		return
	}
	req := &Request{Args: words[1:], Fds: fds}
	text, err := commands[words[0]](req)
	defer CloseAll(req.reply)
	if errors.Is(err, ErrNoReply) {
		return
	}
	p.Send(Answer(text, err), req.reply...)
	for _, f := range req.then {
		f()
	}
}

// CloseAll closes every fd in fds.
func CloseAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}
