package kernel

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"
)

// A FanotifyEvent is the part of one fanotify event the suites look at.
type FanotifyEvent struct {
	Mask uint64
	Fd   int32 // the event's open file, or FAN_NOFD
	Pid  int32 // the acting process, in the reader's pid namespace
	// Pidfd is the FAN_EVENT_INFO_TYPE_PIDFD record's value: a pidfd of
	// the acting process, FAN_NOPIDFD or FAN_EPIDFD; HasPidfd is false
	// when the event carried no such record.
	Pidfd    int32
	HasPidfd bool
}

// Close closes the fds the event brought into the reader's fd table.
func (e FanotifyEvent) Close() {
	if e.Fd >= 0 {
		unix.Close(int(e.Fd))
	}
	if e.HasPidfd && e.Pidfd >= 0 {
		unix.Close(int(e.Pidfd))
	}
}

// fanotifyMetadataLen is FAN_EVENT_METADATA_LEN (struct
// fanotify_event_metadata: event_len, vers, reserved, metadata_len, mask,
// fd, pid).
const fanotifyMetadataLen = 24

// ParseFanotifyEvent reads the first event of a read(2) from a fanotify
// group: its metadata and its pidfd info record.
func ParseFanotifyEvent(buf []byte) (FanotifyEvent, error) {
	if len(buf) < fanotifyMetadataLen {
		return FanotifyEvent{}, fmt.Errorf("fanotify read %d bytes, less than one event's metadata", len(buf))
	}
	le := binary.NativeEndian
	eventLen := int(le.Uint32(buf[0:]))
	metaLen := int(le.Uint16(buf[6:]))
	if buf[4] != unix.FANOTIFY_METADATA_VERSION || eventLen > len(buf) || metaLen < fanotifyMetadataLen || metaLen > eventLen {
		return FanotifyEvent{}, fmt.Errorf("malformed fanotify event: version %d, event_len %d, metadata_len %d, %d bytes read", buf[4], eventLen, metaLen, len(buf))
	}
	e := FanotifyEvent{
		Mask: le.Uint64(buf[8:]),
		Fd:   int32(le.Uint32(buf[16:])),
		Pid:  int32(le.Uint32(buf[20:])),
	}
	// Info records follow the metadata: struct fanotify_event_info_header
	// {info_type, pad, len} and then the record's data.
	for off := metaLen; off+4 <= eventLen; {
		infoType, infoLen := buf[off], int(le.Uint16(buf[off+2:]))
		if infoLen < 4 || off+infoLen > eventLen {
			return e, fmt.Errorf("malformed fanotify info record at %d: type %d, len %d", off, infoType, infoLen)
		}
		if infoType == unix.FAN_EVENT_INFO_TYPE_PIDFD && infoLen >= 8 {
			e.Pidfd, e.HasPidfd = int32(le.Uint32(buf[off+4:])), true
		}
		off += infoLen
	}
	return e, nil
}

// probeFanotifyPidfd needs CAP_SYS_ADMIN (fanotify_init refuses
// FAN_REPORT_PIDFD to others with EPERM): require root first.
func probeFanotifyPidfd() error {
	fd, err := unix.FanotifyInit(unix.FAN_CLASS_NOTIF|unix.FAN_REPORT_PIDFD|unix.FAN_CLOEXEC, unix.O_RDONLY)
	if err != nil {
		return fmt.Errorf("fanotify_init(FAN_REPORT_PIDFD): %w", err)
	}
	return unix.Close(fd)
}
