package kernel

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestBacking(t *testing.T) {
	cases := []struct {
		fs      int64
		kernel  string
		want    PidfdBacking
		wantErr bool
	}{
		{unix.PID_FS_MAGIC, "6.18.44-fc-v769", PidfsBacking, false},
		{unix.PID_FS_MAGIC, "6.1.0-50-cloud-amd64", PidfsBacking, false}, // a backport is fine
		{unix.ANON_INODE_FS_MAGIC, "6.1.0-50-cloud-amd64", AnonInodeBacking, false},
		{unix.ANON_INODE_FS_MAGIC, "6.8.12", AnonInodeBacking, false},
		{unix.ANON_INODE_FS_MAGIC, "6.9.0", AnonInodeBacking, true}, // regression
		{unix.ANON_INODE_FS_MAGIC, "7.1.0-rc2", AnonInodeBacking, true},
		{unix.TMPFS_MAGIC, "6.12.117", 0, true},
	}
	for _, c := range cases {
		got, err := Backing(c.fs, MustParseVersion(c.kernel))
		if got != c.want || (err != nil) != c.wantErr {
			t.Errorf("Backing(%#x, %s) = %v, %v; want %v, error %v", c.fs, c.kernel, got, err, c.want, c.wantErr)
		}
	}
}
