package kernel

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// bitName names one flag bit of an event mask.
type bitName struct {
	bit  uint32
	name string
}

var pollBitNames = []bitName{
	{unix.POLLIN, "POLLIN"}, {unix.POLLPRI, "POLLPRI"}, {unix.POLLOUT, "POLLOUT"},
	{unix.POLLERR, "POLLERR"}, {unix.POLLHUP, "POLLHUP"}, {unix.POLLNVAL, "POLLNVAL"},
	{POLLRDNORM, "POLLRDNORM"}, {POLLRDBAND, "POLLRDBAND"},
	{POLLWRNORM, "POLLWRNORM"}, {POLLWRBAND, "POLLWRBAND"}, {unix.POLLRDHUP, "POLLRDHUP"},
}

// PollBits names poll event bits: "POLLIN|POLLHUP", or "0".
func PollBits(revents int16) string { return bitNames(uint32(uint16(revents)), pollBitNames) }

// bitNames joins the names of the bits set in v, unknown bits in hex.
func bitNames(v uint32, names []bitName) string {
	var out []string
	rest := v
	for _, b := range names {
		if v&b.bit != 0 {
			out = append(out, b.name)
			rest &^= b.bit
		}
	}
	if rest != 0 {
		out = append(out, fmt.Sprintf("%#x", rest))
	}
	if len(out) == 0 {
		return "0"
	}
	return strings.Join(out, "|")
}

var epollBitNames = []bitName{
	{unix.EPOLLIN, "EPOLLIN"}, {unix.EPOLLPRI, "EPOLLPRI"}, {unix.EPOLLOUT, "EPOLLOUT"},
	{unix.EPOLLERR, "EPOLLERR"}, {unix.EPOLLHUP, "EPOLLHUP"}, {unix.EPOLLRDNORM, "EPOLLRDNORM"},
	{unix.EPOLLRDBAND, "EPOLLRDBAND"}, {unix.EPOLLWRNORM, "EPOLLWRNORM"},
	{unix.EPOLLWRBAND, "EPOLLWRBAND"}, {unix.EPOLLMSG, "EPOLLMSG"}, {unix.EPOLLRDHUP, "EPOLLRDHUP"},
}

// EpollBits names epoll event bits: "EPOLLIN|EPOLLHUP", or "0".
func EpollBits(events uint32) string { return bitNames(events, epollBitNames) }
