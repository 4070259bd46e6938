package kernel

import (
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

// fanotifyEvent builds one event as the kernel lays it out: metadata, then
// a pidfd info record when pidfd is not nil.
func fanotifyEvent(mask uint64, fd, pid int32, pidfd *int32) []byte {
	le := binary.NativeEndian
	n := fanotifyMetadataLen
	if pidfd != nil {
		n += 8
	}
	b := make([]byte, n)
	le.PutUint32(b[0:], uint32(n))
	b[4] = unix.FANOTIFY_METADATA_VERSION
	le.PutUint16(b[6:], fanotifyMetadataLen)
	le.PutUint64(b[8:], mask)
	le.PutUint32(b[16:], uint32(fd))
	le.PutUint32(b[20:], uint32(pid))
	if pidfd != nil {
		b[24] = unix.FAN_EVENT_INFO_TYPE_PIDFD
		le.PutUint16(b[26:], 8)
		le.PutUint32(b[28:], uint32(*pidfd))
	}
	return b
}

func TestParseFanotifyEventReadsThePidfdRecord(t *testing.T) {
	for _, want := range []int32{5, unix.FAN_NOPIDFD, unix.FAN_EPIDFD} {
		got, err := ParseFanotifyEvent(fanotifyEvent(unix.FAN_OPEN, 4, 1234, &want))
		if err != nil {
			t.Fatal(err)
		}
		if got != (FanotifyEvent{Mask: unix.FAN_OPEN, Fd: 4, Pid: 1234, Pidfd: want, HasPidfd: true}) {
			t.Errorf("pidfd %d: parsed %+v", want, got)
		}
	}
}

func TestParseFanotifyEventWithoutRecord(t *testing.T) {
	got, err := ParseFanotifyEvent(fanotifyEvent(unix.FAN_OPEN, 4, 1234, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got.HasPidfd {
		t.Errorf("a pidfd record in an event without one: %+v", got)
	}
}

func TestParseFanotifyEventRejectsMalformedEvents(t *testing.T) {
	pidfd := int32(5)
	short := fanotifyEvent(unix.FAN_OPEN, 4, 1234, &pidfd)
	badVersion := fanotifyEvent(unix.FAN_OPEN, 4, 1234, &pidfd)
	badVersion[4] = 2
	badRecord := fanotifyEvent(unix.FAN_OPEN, 4, 1234, &pidfd)
	binary.NativeEndian.PutUint16(badRecord[26:], 64) // longer than the event
	for name, buf := range map[string][]byte{
		"shorter than the metadata": short[:fanotifyMetadataLen-1],
		"event_len past the read":   short[:fanotifyMetadataLen+4],
		"another metadata version":  badVersion,
		"a record past the event":   badRecord,
	} {
		if _, err := ParseFanotifyEvent(buf); err == nil {
			t.Errorf("%s: parsed without error", name)
		}
	}
}
