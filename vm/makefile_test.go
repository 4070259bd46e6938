package vm

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/image"
)

// The Makefile's variables are the user's, and CI fills some from places
// it does not control (a branch name, a shard's path): a value holding
// quotes, $(…), backticks or ';' must reach the runner as text, never run.
// Each make target runs for real with a fake go whose "builds" record the
// arguments and PIDFDCONF_VM_ARGS they are run with; a value that reached
// a shell as code would touch its marker.

// fakeGoRecorder is a go whose `build -o FILE` writes FILE as a program
// that records its arguments and $PIDFDCONF_VM_ARGS, one per line, in
// $RECORD, and whose `run` records itself the same way.
const fakeGoRecorder = `#!/bin/sh
record() { { echo "== $*"; for a in "$@"; do printf 'arg=%s\n' "$a"; done; printf 'env=%s\n' "$PIDFDCONF_VM_ARGS"; } >>"$RECORD"; }
if [ "$1" = run ]; then record "$@"; exit 0; fi
o=; prev=
for a in "$@"; do [ "$prev" = -o ] && o=$a; prev=$a; done
mkdir -p "$(dirname "$o")"
cat >"$o" <<'PROG'
#!/bin/sh
{ echo "== $0"; for a in "$@"; do printf 'arg=%s\n' "$a"; done; printf 'env=%s\n' "$PIDFDCONF_VM_ARGS"; } >>"$RECORD"
PROG
chmod +x "$o"
`

// hostileVars are make variables whose every value tries to run a command
// (touching a file in marks) once make pastes it into a shell line; want
// is each value as the runner must receive it (make's $$ is $).
func hostileVars(marks string) (vars []string, want map[string]string) {
	m := func(n string) string { return filepath.Join(marks, n) }
	want = map[string]string{
		"KERNELS":      "host `touch " + m("kernels-tick") + "` $(touch " + m("kernels-dollar") + ")",
		"CONFIGS":      "minimal;touch " + m("configs"),
		"APPEND":       "rdinit=/x $(touch " + m("append") + ")",
		"VM_FLAGS":     "-strict ;touch " + m("vmflags") + " `touch " + m("vmflags-tick") + "`",
		"BASELINE":     `b"; touch ` + m("baseline") + `; "`,
		"BASELINE_MAP": "x=$(touch " + m("baselinemap") + ")",
		"SHARDS":       "a/matrix.json `touch " + m("shards") + "`",
		"SPEC":         "open: ' ; touch " + m("spec") + " ; '",
		"GOOD":         "$(touch " + m("good") + ")",
		"BAD":          "`touch " + m("bad") + "`",
		"TREE_CONFIG":  "minimal;touch " + m("treeconfig"),
		"MUTANTS":      "x`touch " + m("mutants") + "`",
		"MUTANT_FLAGS": "-jobs 1 $(touch " + m("mutantflags") + ")",
		"SOAK_N":       "1;touch " + m("soakn"),
		"SELFTESTS":    "0;touch " + m("selftests"),
		"ARCH":         "arm64 $(touch " + m("arch") + ")",
		"INSTALL_PATH": "ks\"; touch " + m("installpath") + "; \"",
	}
	for k, v := range want {
		vars = append(vars, k+"="+strings.ReplaceAll(v, "$", "$$"))
	}
	return vars, want
}

// runMake runs make target in the module root with vars; it returns the
// output and whether make succeeded.
func runMake(t *testing.T, env []string, target string, vars ...string) (string, bool) {
	t.Helper()
	root, err := image.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", append([]string{"--no-print-directory", "-C", root, target}, vars...)...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err == nil
}

func TestMakefileVariablesStayText(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("needs make")
	}
	tmp := t.TempDir()
	marks := filepath.Join(tmp, "marks")
	os.Mkdir(marks, 0o755)
	goBin := filepath.Join(tmp, "go")
	os.WriteFile(goBin, []byte(fakeGoRecorder), 0o755)
	record := filepath.Join(tmp, "record")
	// OUT and the directories the recipes resolve hold shell characters too.
	out := filepath.Join(tmp, `out;touch `+filepath.Join(marks, "out")+`;echo "x" $(touch `+filepath.Join(marks, "out-dollar")+`)`)
	tree := filepath.Join(tmp, "tree `touch "+filepath.Join(marks, "tree")+"`")
	merged := filepath.Join(tmp, "merged;touch "+filepath.Join(marks, "merged"))
	os.MkdirAll(tree, 0o755)
	vars, want := hostileVars(marks)
	vars = append(vars, "GO="+goBin, "OUT="+strings.ReplaceAll(out, "$", "$$"), "KERNEL_TREE="+tree,
		"MERGED="+merged, "SOAK_VM_N=0", "MUTANT_SOURCE=6.12")
	env := append(os.Environ(), "RECORD="+record)
	for _, target := range []string{"matrix", "kernels", "merge", "vm-smoke", "mutants", "bisect-run", "role-binary", "bench", "soak", "kselftest-vm", "kselftest-install"} {
		if o, ok := runMake(t, env, target, vars...); !ok {
			t.Errorf("make %s failed:\n%s", target, o)
		}
	}
	left, _ := os.ReadDir(marks)
	for _, e := range left {
		t.Errorf("a make variable ran as a command: %s was touched", e.Name())
	}

	// What each runner invocation received, as recorded.
	b, _ := os.ReadFile(record)
	var calls [][]string
	for _, block := range strings.Split(string(b), "== ")[1:] {
		calls = append(calls, strings.Split(strings.TrimSuffix(block, "\n"), "\n")[1:])
	}
	has := func(what string, lines ...string) {
		t.Helper()
		for _, c := range calls {
			if containsInOrder(c, lines) {
				return
			}
		}
		t.Errorf("%s: no runner call received %q", what, lines)
	}
	runner := filepath.Join(out, "bin", "pidfdconf-vm")
	has("matrix", "arg=matrix", "arg=-kernels", "arg="+want["KERNELS"], "arg=-configs", "arg="+want["CONFIGS"],
		"arg=-selftests=true", "arg=-out", "arg="+out, "arg=-append", "arg="+want["APPEND"], "arg=-baseline", "arg="+want["BASELINE"],
		"arg=-baseline-map", "arg="+want["BASELINE_MAP"], "env="+want["VM_FLAGS"])
	has("kselftest-vm", "arg=matrix", "arg=-kernels", "arg="+want["KERNELS"], "arg=-kselftest", "arg=-kselftest-arch", "arg="+want["ARCH"],
		"arg=-out", "arg="+out, "env="+want["VM_FLAGS"])
	has("kselftest-install", "arg=run", "arg=./tools/kselftest", "arg=-install", "arg="+want["INSTALL_PATH"], "arg=-arch", "arg="+want["ARCH"])
	has("kernels", "arg=kernels", "arg=-kernels", "arg="+want["KERNELS"])
	has("merge", "arg=merge", "arg=-out", "arg="+merged, "env="+want["SHARDS"])
	has("vm-smoke", "arg=-smoke", "arg=-out", "arg="+out+"/vm-smoke", "env="+want["VM_FLAGS"])
	has("mutants", "arg=mutants", "arg=-source", "arg=6.12", "arg=-mutants", "arg="+want["MUTANTS"], "env="+want["MUTANT_FLAGS"])
	has("bisect start", "arg=tree-git", "arg="+tree, "arg=bisect", "arg=start", "arg="+want["BAD"], "arg="+want["GOOD"])
	has("bisect run", "arg=tree-git", "arg="+tree, "arg=bisect", "arg=run", "arg=env", "arg="+runner, "arg=bisect-run",
		"arg=-kernel", "arg=tree:"+tree+":"+want["TREE_CONFIG"], "arg=-focus", "arg="+want["SPEC"], "arg=-out", "arg="+out+"/bisect")
	has("bench", "arg=run", "arg=./tools/bench", "arg=-out", "arg="+out+"/bench")
	has("soak", "arg=-n", "arg="+want["SOAK_N"], "arg=-vm-n", "arg=0", "arg=-runner", "arg="+runner)
}

// containsInOrder reports whether want occurs in lines in that order.
func containsInOrder(lines, want []string) bool {
	i := 0
	for _, l := range lines {
		if i < len(want) && l == want[i] {
			i++
		}
	}
	return i == len(want)
}

// Through the real runner: what make passes in PIDFDCONF_VM_ARGS is split
// into words and nothing else, so a $(…) is an argument it refuses (exit
// 3), not a command.
func TestMakeVMFlagsReachTheRealRunnerAsWords(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner; skipped with -short")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("needs make")
	}
	tmp := t.TempDir()
	mark := filepath.Join(tmp, "mark")
	out := filepath.Join(tmp, "out `touch "+mark+"`")
	o, ok := runMake(t, os.Environ(), "matrix", "GO="+image.GoCommand(), "OUT="+out,
		"KERNELS=file:/nonexistent", `VM_FLAGS=-cpus 1 '$$(touch `+mark+`)' "a b"`)
	if ok {
		t.Fatalf("make matrix succeeded:\n%s", o)
	}
	if !strings.Contains(o, `pidfdconf-vm: unexpected argument "$(touch `+mark+`)"`) {
		t.Errorf("the runner did not refuse the literal argument:\n%s", o)
	}
	if _, err := os.Stat(mark); err == nil {
		t.Error("the marker was touched")
	}
}
