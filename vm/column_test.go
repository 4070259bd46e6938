package vm

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/boot"
	"github.com/pidfdconf/pidfdconf/vm/boot/boottest"
	"github.com/pidfdconf/pidfdconf/vm/judge"
	"github.com/pidfdconf/pidfdconf/vm/kernels"
	"github.com/pidfdconf/pidfdconf/vm/setup"
)

func TestSuiteTimeoutLeavesRoomForBoot(t *testing.T) {
	if got := suiteTimeout(10*time.Minute, 3); got != 3*time.Minute {
		t.Errorf("10m/3 suites: %s", got)
	}
	if got := suiteTimeout(30*time.Second, 0); got != time.Minute {
		t.Errorf("floor: %s", got)
	}
	if got := suiteTimeout(10*time.Minute, 7); got != 3*time.Minute {
		t.Errorf("10m/7 suites: %s, want a third of 9m (a big suite needs more than 1/7)", got)
	}
}

// Feature names with spaces reach /init whole; a quote could not.
func TestAllowMissingTravelsQuoted(t *testing.T) {
	t.Setenv("PIDFDCONF_ALLOW_MISSING", "PIDFD_GET_INFO, pidfs file handles")
	if got := guestAppend(RunConfig{VMTimeout: time.Minute}, &kernels.Kernel{}, "", 1); !strings.HasPrefix(got, `PIDFDCONF_ALLOW_MISSING="PIDFD_GET_INFO, pidfs file handles" `) {
		t.Errorf("got %q", got)
	}
	if err := checkAllowMissing(); err != nil {
		t.Error(err)
	}
	t.Setenv("PIDFDCONF_ALLOW_MISSING", `pidfs" rdinit=/bin/sh`)
	if err := checkAllowMissing(); !setup.IsError(err) {
		t.Errorf("a quote in the allowlist: %v, want a setup error", err)
	}
}

func TestGuestAppendOrdersBootArgsEnvironmentThenUserWords(t *testing.T) {
	t.Setenv("PIDFDCONF_ALLOW_MISSING", "")
	cfg := RunConfig{VMTimeout: 10 * time.Minute, Append: "rdinit=/nonexistent"}
	k := &kernels.Kernel{BootArgs: "lsm=selinux selinux=1"}
	got := guestAppend(cfg, k, "4", 3)
	want := "lsm=selinux selinux=1 PIDFDCONF_TIME_SCALE=4 PIDFDCONF_SUITE_TIMEOUT=3m0s rdinit=/nonexistent"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := guestAppend(RunConfig{VMTimeout: time.Minute}, &kernels.Kernel{}, "", 1); got != "PIDFDCONF_SUITE_TIMEOUT=1m0s" {
		t.Errorf("no boot args, no scale: %q", got)
	}
}

// A guest may stay silent longer than one suite's timeout, so a hanging
// suite still ends as TIMEOUT with its report, not as a stuck VM.
func TestVMSilenceOutlastsSuiteTimeout(t *testing.T) {
	for _, n := range []int{0, 1, 7} {
		if s, st := vmSilence(10*time.Minute, n), suiteTimeout(10*time.Minute, n); s <= st {
			t.Errorf("%d suites: silence %s not beyond the suite timeout %s", n, s, st)
		}
	}
}

// Only a kernel that died or hung before /init wrote its first result byte
// is booted once more: a panic after that is the column's verdict.
func TestFailedBeforeInit(t *testing.T) {
	dir := t.TempDir()
	empty, started := filepath.Join(dir, "empty"), filepath.Join(dir, "started")
	os.WriteFile(empty, nil, 0o644)
	os.WriteFile(started, []byte("BEGIN info.json"), 0o644)
	panicked := boot.Ending{Panic: "Kernel panic - not syncing: Fatal exception in interrupt"}
	if why := failedBeforeInit(&boot.VM{ResultLog: empty}, panicked); !strings.Contains(why, "Kernel panic") {
		t.Errorf("a panic before /init: %q", why)
	}
	if why := failedBeforeInit(&boot.VM{ResultLog: started}, panicked); why != "" {
		t.Errorf("a panic after /init started: %q", why)
	}
	if why := failedBeforeInit(&boot.VM{ResultLog: empty}, boot.Ending{Stalled: true}); why != "" {
		t.Errorf("a stall is no panic: %q", why)
	}
	hung := boot.Ending{NoInit: true}
	if why := failedBeforeInit(&boot.VM{ResultLog: empty, InitDeadline: time.Minute}, hung); !strings.Contains(why, "before /init") {
		t.Errorf("a boot that never reached /init: %q", why)
	}
}

// Both VMs of a column, the suites' and the selftests', are booted once
// more after a kernel death before /init, and say so; a second death
// stands.
func TestRunBootedRetriesADeathBeforeInit(t *testing.T) {
	for _, c := range []struct {
		name       string
		dies       int // boots that die before /init
		wantBoots  int
		wantRetry  bool
		wantPanics bool
	}{
		{"sound", 0, 1, false, false},
		{"dies once", 1, 2, true, false},
		{"dies always", 2, 2, true, true},
	} {
		shared := boottest.SharedDir(t)
		boots := filepath.Join(shared, "boots")
		boottest.FakeQEMU(t, `echo x >>`+boottest.Quote(boots)+`
if [ "$(wc -l <`+boottest.Quote(boots)+`)" -le `+strconv.Itoa(c.dies)+` ]; then echo "[ 1.9] Kernel panic - not syncing: Fatal exception in interrupt"; sleep 60; fi
printf 'BEGIN info.json' >&3`)
		var log bytes.Buffer
		col := &column{cfg: RunConfig{Log: &log}, kr: judge.NewKernelRun(&kernels.Kernel{Name: "k", Arch: "amd64"})}
		col.kr.Dir = t.TempDir()
		vm := boottest.VM(t, time.Minute, 30*time.Second)
		vm.ConsoleLog = filepath.Join(col.kr.Dir, "selftests-console.log")
		res, retry := col.runBooted(t.Context(), vm, "selftests-console-first-boot.log")
		b, _ := os.ReadFile(boots)
		if n := strings.Count(string(b), "x"); n != c.wantBoots {
			t.Errorf("%s: %d boots, want %d", c.name, n, c.wantBoots)
		}
		if (retry != "") != c.wantRetry {
			t.Errorf("%s: retry %q, want one: %v", c.name, retry, c.wantRetry)
		}
		if c.wantRetry && (!strings.Contains(retry, "Kernel panic") || !strings.Contains(log.String(), "k: the first boot failed")) {
			t.Errorf("%s: retry %q, log %q: neither may hide why", c.name, retry, log.String())
		}
		if _, err := os.Stat(filepath.Join(col.kr.Dir, "selftests-console-first-boot.log")); (err == nil) != c.wantRetry {
			t.Errorf("%s: first boot's console kept: %v, want %v", c.name, err == nil, c.wantRetry)
		}
		if (res.Panic != "") != c.wantPanics {
			t.Errorf("%s: the last boot's panic %q", c.name, res.Panic)
		}
	}
}
