// Package audit reads the kernel's audit records (SELinux AVC denials among
// them) from the audit netlink socket, the way an audit daemon does, instead
// of from the kernel log.
//
// Why not /dev/kmsg: without an audit daemon, kauditd hands each record to
// printk through kauditd_printk_skb, which drops it whenever
// printk_ratelimit() says so (10 messages per 5 s, shared with every other
// printk_ratelimit caller: v6.12 kernel/audit.c:541-547 and
// kernel/printk/printk.c:4613; v7.3 kernel/audit.c:582-588), and the record
// is then freed (kauditd_hold_skb, v6.12 :585-586, while audit is off). On
// the host's 6.18 kernel 30 user AVC records sent back to back reach
// /dev/kmsg as 10. A daemon registered with AUDIT_SET gets every record
// unicast instead: kauditd waits on a full socket rather than drop
// (auditd_send_unicast_skb, netlink_unicast with no timeout, v6.12 :716),
// and a record that is dropped anyway is counted in the status's lost
// counter, which Collect checks.
package audit

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A Record is one audit record: its type (unix.AUDIT_AVC for an SELinux
// denial) and text ("audit(…): avc:  denied …").
type Record struct {
	Type uint16
	Text string
}

// Status is the part of struct audit_status (include/uapi/linux/audit.h)
// Collect uses.
type Status struct {
	Pid     uint32 // the registered daemon, 0 for none
	Lost    uint32 // records the kernel dropped since boot
	Backlog uint32 // records waiting in kauditd's queue
}

// rawStatus is struct audit_status.
type rawStatus struct {
	Mask, Enabled, Failure, Pid, RateLimit, BacklogLimit, Lost, Backlog uint32
	FeatureBitmap, BacklogWaitTime, BacklogWaitTimeActual               uint32
}

// A Conn receives audit records: as the registered audit daemon, or, when
// another daemon is registered already, as a listener of the read-only
// multicast group (AUDIT_NLGRP_READLOG), which gets a copy of every record.
type Conn struct {
	fd         int
	seq        uint32
	registered bool
	pending    []Record // records read while waiting for a reply
	lostBefore uint32
}

// Mode says how the connection receives records, for reports.
func (c *Conn) Mode() string {
	if c.registered {
		return "audit daemon (AUDIT_SET pid)"
	}
	return "multicast listener (AUDIT_NLGRP_READLOG)"
}

// Listen opens the audit socket and registers this process as the audit
// daemon (needs CAP_AUDIT_CONTROL in the initial user and pid namespaces),
// or joins the read-only multicast group when another daemon is registered
// (needs CAP_AUDIT_READ). The records the kernel had queued before are
// drained, so Collect returns only records made after Listen returned.
func Listen(timeout time.Duration) (*Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_AUDIT)
	if err != nil {
		return nil, fmt.Errorf("socket(NETLINK_AUDIT): %w", err)
	}
	c := &Conn{fd: fd}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		c.close()
		return nil, fmt.Errorf("bind(NETLINK_AUDIT): %w", err)
	}
	// Room for thousands of records, so kauditd never waits on us while a
	// spec runs (SO_RCVBUFFORCE needs CAP_NET_ADMIN; the default is kept
	// without it, and kauditd then waits, which loses nothing either).
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 8<<20)
	st, err := c.Status(timeout)
	if err != nil {
		c.close()
		return nil, err
	}
	c.lostBefore = st.Lost
	switch err := c.setPid(uint32(os.Getpid()), timeout); {
	case err == nil:
		c.registered = true
	case errors.Is(err, unix.EEXIST):
		// Another daemon; a copy of every record goes to the group.
		if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, unix.AUDIT_NLGRP_READLOG); err != nil {
			c.close()
			return nil, fmt.Errorf("audit daemon %d is registered, and joining AUDIT_NLGRP_READLOG failed: %w", st.Pid, err)
		}
	default:
		c.close()
		return nil, fmt.Errorf("AUDIT_SET pid: %w", err)
	}
	if _, err := c.Collect(timeout); err != nil {
		c.Close()
		return nil, fmt.Errorf("draining the records queued before: %w", err)
	}
	return c, nil
}

// Close unregisters the daemon (the kernel then prints records to its log
// again) and closes the socket.
func (c *Conn) Close() error {
	var err error
	if c.registered {
		err = c.setPid(0, time.Second)
		c.registered = false
	}
	c.close()
	return err
}

func (c *Conn) close() {
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
}

// Status is AUDIT_GET.
func (c *Conn) Status(timeout time.Duration) (Status, error) {
	reply, err := c.request(unix.AUDIT_GET, nil, true, timeout)
	if err != nil {
		return Status{}, fmt.Errorf("AUDIT_GET: %w", err)
	}
	var s rawStatus
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&s)), unsafe.Sizeof(s)), reply)
	return Status{Pid: s.Pid, Lost: s.Lost, Backlog: s.Backlog}, nil
}

func (c *Conn) setPid(pid uint32, timeout time.Duration) error {
	s := rawStatus{Mask: unix.AUDIT_STATUS_PID, Pid: pid}
	_, err := c.request(unix.AUDIT_SET, unsafe.Slice((*byte)(unsafe.Pointer(&s)), unsafe.Sizeof(s)), false, timeout)
	return err
}

// Collect returns every record the kernel made since the last Collect (or
// Listen): it sends a user AVC record carrying a fresh token and reads
// until that record comes back. kauditd sends records in the order they
// were queued, and a record is queued when it is made (audit_log_end), so
// every record of a process that has exited already comes before the
// token. It fails when the kernel's lost counter moved since Listen: some
// record may be missing.
func (c *Conn) Collect(timeout time.Duration) ([]Record, error) {
	c.seq++
	// No byte below 0x21 or above 0x7e and no quote: the kernel would log
	// the text hex-encoded (audit_log_n_untrustedstring).
	token := fmt.Sprintf("pidfdconf-audit-mark-%d-%d-%d", os.Getpid(), c.seq, time.Now().UnixNano())
	// AUDIT_USER_AVC is the one user record type logged while auditing is
	// disabled (v6.12 kernel/audit.c:1379).
	if _, err := c.request(unix.AUDIT_USER_AVC, append([]byte(token), 0), false, timeout); err != nil {
		return nil, fmt.Errorf("AUDIT_USER_AVC mark: %w", err)
	}
	deadline := time.Now().Add(timeout)
	var out []Record
	for {
		r, err := c.next(deadline)
		if err != nil {
			return out, fmt.Errorf("waiting for the mark record: %w", err)
		}
		if r.Type == unix.AUDIT_USER_AVC && strings.Contains(r.Text, token) {
			break
		}
		out = append(out, r)
	}
	st, err := c.Status(time.Until(deadline))
	if err != nil {
		return out, err
	}
	if st.Lost != c.lostBefore {
		lost := st.Lost - c.lostBefore
		c.lostBefore = st.Lost
		return out, fmt.Errorf("the kernel lost %d audit record(s) (status lost %d): the records read are incomplete", lost, st.Lost)
	}
	return out, nil
}

// next is the next record: one kept while waiting for a reply, or a new one.
func (c *Conn) next(deadline time.Time) (Record, error) {
	for len(c.pending) == 0 {
		if err := c.readMessages(deadline, 0, nil); err != nil {
			return Record{}, err
		}
	}
	r := c.pending[0]
	c.pending = c.pending[1:]
	return r, nil
}

// request sends a message of type typ and waits for the kernel's ack and,
// with wantReply, for its reply of the same type (AUDIT_GET), whose payload
// it returns. The reply comes from a kthread of its own
// (audit_send_reply_thread, v6.12 kernel/audit.c audit_send_reply), so it
// may arrive before or after the ack.
func (c *Conn) request(typ uint16, payload []byte, wantReply bool, timeout time.Duration) ([]byte, error) {
	c.seq++
	seq := c.seq
	msg := make([]byte, unix.SizeofNlMsghdr+len(payload))
	binary.NativeEndian.PutUint32(msg[0:], uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:], typ)
	binary.NativeEndian.PutUint16(msg[6:], unix.NLM_F_REQUEST|unix.NLM_F_ACK)
	binary.NativeEndian.PutUint32(msg[8:], seq)
	copy(msg[unix.SizeofNlMsghdr:], payload)
	if err := unix.Sendto(c.fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, err
	}
	var reply []byte
	var replyErr error
	acked, replied := false, !wantReply
	deadline := time.Now().Add(timeout)
	for !acked || !replied {
		if err := c.readMessages(deadline, seq, func(t uint16, data []byte) {
			switch t {
			case unix.NLMSG_ERROR:
				if len(data) >= 4 {
					if errno := -int32(binary.NativeEndian.Uint32(data)); errno != 0 {
						// A refused request gets no reply.
						replyErr, replied = unix.Errno(errno), true
					}
				}
				acked = true
			case typ:
				reply, replied = append([]byte(nil), data...), true
			}
		}); err != nil {
			return nil, err
		}
	}
	return reply, replyErr
}

// readMessages reads one datagram (waiting until deadline) and sorts its
// messages: replies to seq go to onReply, records to c.pending.
func (c *Conn) readMessages(deadline time.Time, seq uint32, onReply func(typ uint16, data []byte)) error {
	fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}}
	for {
		wait := time.Until(deadline)
		if wait <= 0 {
			return fmt.Errorf("no audit message: %w", unix.ETIMEDOUT)
		}
		n, err := unix.Poll(fds, int(min(wait, 100*time.Millisecond).Milliseconds())+1)
		if errors.Is(err, unix.EINTR) || (err == nil && n == 0) {
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	buf := make([]byte, 1<<16)
	n, _, err := unix.Recvfrom(c.fd, buf, unix.MSG_DONTWAIT)
	if errors.Is(err, unix.EAGAIN) {
		return nil
	}
	if errors.Is(err, unix.ENOBUFS) {
		return fmt.Errorf("the socket overran and the kernel dropped records: %w", err)
	}
	if err != nil {
		return err
	}
	for data := buf[:n]; len(data) >= unix.SizeofNlMsghdr; {
		length := int(binary.NativeEndian.Uint32(data[0:]))
		typ := binary.NativeEndian.Uint16(data[4:])
		mseq := binary.NativeEndian.Uint32(data[8:])
		if onReply != nil && mseq == seq && (typ == unix.NLMSG_ERROR || typ < unix.AUDIT_FIRST_USER_MSG) {
			if length < unix.SizeofNlMsghdr || length > len(data) {
				return fmt.Errorf("audit reply of %d bytes in a %d-byte datagram: %w", length, len(data), unix.EBADMSG)
			}
			onReply(typ, data[unix.SizeofNlMsghdr:length])
			aligned := (length + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1)
			if aligned >= len(data) {
				break
			}
			data = data[aligned:]
			continue
		}
		// A record: kauditd sends each in a datagram of its own, and its
		// nlmsg_len leaves out the header (audit_log_end, v6.12
		// kernel/audit.c:2455: nlmsg_len = skb->len - NLMSG_HDRLEN), so
		// the record is the rest of the datagram.
		if typ != unix.NLMSG_ERROR && typ != unix.NLMSG_DONE {
			c.pending = append(c.pending, Record{Type: typ, Text: string(bytes.TrimRight(data[unix.SizeofNlMsghdr:], "\x00\n"))})
		}
		break
	}
	return nil
}
