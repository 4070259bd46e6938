// Command pidfdconf-suites is every suite in one program: the VM image
// carries it once instead of one test binary per suite, each with its own
// copy of Ginkgo, Gomega, x/sys and the helpers. Like busybox it runs the
// suite it is called as: suites/<area>.test, a link to it, runs the specs
// of suites/<area>/ and takes the flags that suite's test binary takes
// (-ginkgo.*), writing the same reports. `pidfdconf-suites AREA [flags]`
// does the same, and `pidfdconf-suites AREA+AREA… [flags]` runs those
// suites in one process, each one's reports in a directory of its own
// beside the flags' paths (the VM guest's groups). It is also the helper
// processes of every suite's roles.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/role"

	// Every suite: linked.go's test checks the list against suites/.
	_ "github.com/pidfdconf/pidfdconf/suites/clone"
	_ "github.com/pidfdconf/pidfdconf/suites/coredump"
	_ "github.com/pidfdconf/pidfdconf/suites/fanotify"
	_ "github.com/pidfdconf/pidfdconf/suites/getfd"
	_ "github.com/pidfdconf/pidfdconf/suites/mm"
	_ "github.com/pidfdconf/pidfdconf/suites/open"
	_ "github.com/pidfdconf/pidfdconf/suites/pidfs"
	_ "github.com/pidfdconf/pidfdconf/suites/poll"
	_ "github.com/pidfdconf/pidfdconf/suites/seccomp"
	_ "github.com/pidfdconf/pidfdconf/suites/setns"
	_ "github.com/pidfdconf/pidfdconf/suites/signal"
)

// areas are the suites imported above, by directory; the test checks the
// two lists agree.
var areas = []string{"clone", "coredump", "fanotify", "getfd", "mm", "open", "pidfs", "poll", "seccomp", "setns", "signal"}

func main() {
	role.RunIfHelper()
	area, ok := strings.CutSuffix(filepath.Base(os.Args[0]), ".test")
	if !ok {
		if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
			fmt.Fprintln(os.Stderr, "usage: pidfdconf-suites AREA[+AREA...] [-ginkgo.FLAG...], or call it as AREA.test (a link to it)")
			os.Exit(2)
		}
		area = os.Args[1]
		os.Args = append(os.Args[:1], os.Args[2:]...)
	}
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "pidfdconf-suites: unexpected arguments %q: every flag is -ginkgo.*\n", flag.Args())
		os.Exit(2)
	}
	passed, err := helpers.RunLinkedSuite(area, areas)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pidfdconf-suites:", err)
		os.Exit(2)
	}
	if !passed {
		os.Exit(1)
	}
}
