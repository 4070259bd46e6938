package audit

import (
	"encoding/binary"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// datagram is one netlink message of type typ and sequence seq whose
// nlmsg_len is the header plus payload, minus short bytes (kauditd's records
// leave the header out of it).
func datagram(typ uint16, seq uint32, payload string, short int) []byte {
	msg := make([]byte, unix.SizeofNlMsghdr+len(payload))
	binary.NativeEndian.PutUint32(msg[0:], uint32(len(msg)-short))
	binary.NativeEndian.PutUint16(msg[4:], typ)
	binary.NativeEndian.PutUint32(msg[8:], seq)
	copy(msg[unix.SizeofNlMsghdr:], payload)
	return msg
}

func TestReadMessagesSortsRepliesFromRecords(t *testing.T) {
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(sp[1])
	c := &Conn{fd: sp[0]}
	defer c.close()
	avc := `audit(1.2:3): avc:  denied  { getattr } for  pid=1 comm="x" dev="pidfs" tclass=filesystem`
	for _, d := range [][]byte{
		datagram(unix.AUDIT_AVC, 0, avc+"\x00", unix.SizeofNlMsghdr), // the kauditd quirk
		datagram(unix.NLMSG_ERROR, 7, "\x00\x00\x00\x00", 0),         // ack of request 7
		datagram(unix.AUDIT_GET, 7, "status", 0),                     // its reply
	} {
		if _, err := unix.Write(sp[1], d); err != nil {
			t.Fatal(err)
		}
	}
	var got []uint16
	deadline := time.Now().Add(time.Second)
	for range 3 {
		if err := c.readMessages(deadline, 7, func(typ uint16, data []byte) { got = append(got, typ) }); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 || got[0] != unix.NLMSG_ERROR || got[1] != unix.AUDIT_GET {
		t.Errorf("replies %v, want the ack and the AUDIT_GET reply", got)
	}
	if len(c.pending) != 1 || c.pending[0].Type != unix.AUDIT_AVC || c.pending[0].Text != avc {
		t.Errorf("records %+v, want the whole AVC record", c.pending)
	}
}

func TestReadMessagesTimesOut(t *testing.T) {
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(sp[1])
	c := &Conn{fd: sp[0]}
	defer c.close()
	if err := c.readMessages(time.Now().Add(50*time.Millisecond), 1, nil); err == nil {
		t.Error("no error without a message")
	}
}
